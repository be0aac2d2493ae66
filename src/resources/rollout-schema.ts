// The Rollout's OpenAPI v3 structural schema: the one source of truth for crds/rollout.yaml.
import { array, boolean, duration, int32, integer, intOrString, object, objectName, opaqueObject, string, type JSONSchemaProps } from './json-schema.js';
import { dryRunRules, measurementRetentionRules } from './analysis-schema.js';
import { INT32_MAX } from './kube-bounds.js';
import { COMMAND_REASON_MAX_LENGTH } from './rollout.js';
import {
  conditionSchema,
  labelSelectorSchema,
  podTemplateSchema,
  resourceSchema,
  stringMap,
  timestamp,
} from './meta-schema.js';

const seconds = (description: string): JSONSchemaProps => int32({ description });
const weight = (description: string): JSONSchemaProps => int32({ maximum: 100, description });
const ephemeralMetadata = (description: string): JSONSchemaProps => object({ labels: stringMap, annotations: stringMap }, { description });
const serviceName = (description?: string): JSONSchemaProps =>
  objectName('dns1035Label', description === undefined ? {} : { description });

const analysisArgument = object(
  {
    name: string(),
    value: string(),
    valueFrom: object({
      podTemplateHashValue: string({ enum: ['Stable', 'Latest'] }),
      fieldRef: object({ fieldPath: string() }, { required: ['fieldPath'] }),
    }),
  },
  { required: ['name'] },
);

const analysisProperties: Record<string, JSONSchemaProps> = {
  templates: array(
    object({ templateName: objectName('dns1123Subdomain'), clusterScope: boolean() }, { required: ['templateName'] }),
    { minItems: 1 },
  ),
  args: array(analysisArgument),
  dryRun: dryRunRules,
  measurementRetention: measurementRetentionRules,
  analysisRunMetadata: object({ labels: stringMap, annotations: stringMap }, { description: 'Labels and annotations put on the AnalysisRun.' }),
};

const rolloutAnalysis = object(analysisProperties, { required: ['templates'] });

const backgroundAnalysis = object(
  { ...analysisProperties, startingStep: int32({ description: 'Step index at which it starts.' }) },
  { required: ['templates'] },
);

const stringMatch = object({ exact: string(), prefix: string(), regex: string() });
const experimentStep = object(
  {
    duration: duration({ description: 'How long the experiment runs once its pods are available; absent: until its required analyses finish.' }),
    templates: array(
      object(
        {
          name: objectName('dns1123Label'),
          specRef: string({ enum: ['stable', 'canary'] }),
          replicas: int32({ description: 'Pods of this template; defaults to 1.' }),
          metadata: object({ labels: stringMap, annotations: stringMap }),
          selector: labelSelectorSchema,
          weight: int32({ minimum: 0, maximum: 100, description: "Percent of traffic to this template's Service while the experiment runs; needs trafficRouting." }),
          service: object({ name: objectName('dns1035Label', { description: "Defaults to the ReplicaSet's name." }) }),
        },
        { required: ['name', 'specRef'] },
      ),
      { minItems: 1 },
    ),
    analyses: array(
      object(
        {
          name: objectName('dns1123Label'),
          templateName: objectName('dns1123Subdomain'),
          clusterScope: boolean(),
          args: array(analysisArgument),
          requiredForCompletion: boolean(),
        },
        { required: ['name', 'templateName'] },
      ),
    ),
    scaleDownDelaySeconds: seconds('Seconds the experiment\'s pods stay up after it ends; defaults to 30.'),
    dryRun: array(object({ metricName: string() }, { required: ['metricName'] })),
    analysisRunMetadata: object({ labels: stringMap, annotations: stringMap }, { description: "Labels and annotations put on the experiment's AnalysisRuns." }),
  },
  { required: ['templates'] },
);

/** Every step kind is optional here; "exactly one per step" is a rule of rollout-validation.ts. */
const canaryStep = object({
  setWeight: weight('Percent of traffic sent to the canary.'),
  pause: object({
    duration: duration({ description: 'Seconds, or a duration string ("30s", "5m"); absent waits for promote.' }),
  }),
  analysis: rolloutAnalysis,
  setCanaryScale: object({
    replicas: int32(),
    weight: weight('Canary pods as a percent of spec.replicas.'),
    matchTrafficWeight: boolean(),
  }),
  setHeaderRoute: object(
    {
      name: objectName('dns1123Label', { description: 'A DNS label naming the header route.' }),
      match: array(
        object(
          {
            headerName: string({ minLength: 1 }),
            headerValue: object({ exact: string(), prefix: string(), regex: string() }),
          },
          { required: ['headerName', 'headerValue'] },
        ),
        { description: 'Absent or empty: the step removes the header route of this name.' },
      ),
    },
    { required: ['name'] },
  ),
  setMirrorRoute: object(
    {
      name: string({ minLength: 1, description: 'A route named in trafficRouting.managedRoutes.' }),
      match: array(
        object({ method: stringMatch, path: stringMatch, headers: { type: 'object', additionalProperties: stringMatch } }),
        { description: 'Absent: the step removes the mirror route of this name.' },
      ),
      percentage: weight('Percent of matching requests mirrored to the canary; defaults to 100.'),
    },
    { required: ['name'] },
  ),
  experiment: experimentStep,
});

const istioRouteRef = object(
  {
    name: objectName('dns1123Subdomain'),
    routes: array(string()),
    tlsRoutes: array(object({ port: integer(), sniHosts: array(string()) })),
    tcpRoutes: array(object({ port: integer() })),
  },
  { required: ['name'] },
);

const virtualNodeRef = object({ name: objectName('dns1123Subdomain') }, { required: ['name'] });

const trafficRouting = object({
  managedRoutes: array(object({ name: string({ minLength: 1 }) }, { required: ['name'] })),
  gatewayAPI: object(
    {
      httpRoutes: array(
        object({ name: objectName('dns1123Subdomain'), rules: array(string()), useHeaderRoutes: boolean() }, { required: ['name'] }),
        { minItems: 1 },
      ),
    },
    { required: ['httpRoutes'] },
  ),
  istio: object({
    virtualService: istioRouteRef,
    virtualServices: array(istioRouteRef),
    destinationRule: object(
      { name: objectName('dns1123Subdomain'), canarySubsetName: string(), stableSubsetName: string(), additionalSubsetNames: array(string()) },
      { required: ['name', 'canarySubsetName', 'stableSubsetName'] },
    ),
  }),
  smi: object({ rootService: serviceName(), trafficSplitName: objectName('dns1123Subdomain') }),
  nginx: object(
    {
      stableIngress: objectName('dns1123Subdomain'),
      stableIngresses: array(objectName('dns1123Subdomain')),
      annotationPrefix: string(),
      additionalIngressAnnotations: stringMap,
      canaryIngressAnnotations: stringMap,
    },
  ),
  apisix: object(
    { route: object({ name: objectName('dns1123Subdomain'), rules: array(string()) }, { required: ['name'] }) },
    { required: ['route'] },
  ),
  appMesh: object(
    {
      virtualService: object({ name: objectName('dns1123Subdomain'), routes: array(string()) }, { required: ['name'] }),
      virtualNodeGroup: object(
        { canaryVirtualNodeRef: virtualNodeRef, stableVirtualNodeRef: virtualNodeRef },
        { required: ['canaryVirtualNodeRef', 'stableVirtualNodeRef'] },
      ),
    },
    { required: ['virtualService', 'virtualNodeGroup'] },
  ),
  traefik: object({ weightedTraefikServiceName: objectName('dns1123Subdomain') }, { required: ['weightedTraefikServiceName'] }),
  alb: object(
    {
      ingress: objectName('dns1123Subdomain'),
      ingresses: array(objectName('dns1123Subdomain'), { minItems: 1 }),
      servicePort: int32({ minimum: 1, maximum: 65535 }),
      rootService: serviceName(),
      annotationPrefix: string(),
      stickinessConfig: object({ enabled: boolean(), durationSeconds: integer({ format: 'int64' }) }, { required: ['enabled', 'durationSeconds'] }),
    },
    { required: ['servicePort'] },
  ),
  ambassador: object({ mappings: array(objectName('dns1123Subdomain'), { minItems: 1 }) }, { required: ['mappings'] }),
});

const canaryStrategy = object({
  stableService: serviceName(),
  canaryService: serviceName(),
  pingPong: object({ pingService: serviceName(), pongService: serviceName() }, { required: ['pingService', 'pongService'] }),
  steps: array(canaryStep),
  analysis: backgroundAnalysis,
  trafficRouting,
  abortScaleDownDelaySeconds: seconds('Seconds canary pods stay up after an abort; defaults to 30.'),
  maxSurge: intOrString({ maximum: INT32_MAX }),
  maxUnavailable: intOrString({ maximum: INT32_MAX }),
  minPodsPerReplicaSet: int32({ minimum: 0, description: 'With trafficRouting: the fewest pods of a canary that has any (capped at spec.replicas).' }),
  scaleDownDelaySeconds: seconds('With trafficRouting: seconds the old stable keeps its pods after a promotion; defaults to 30.'),
  scaleDownDelayRevisionLimit: int32({ minimum: 0, description: 'How many old ReplicaSets may wait out their scale-down delay at once; absent: no limit.' }),
  dynamicStableScale: boolean({ description: 'With trafficRouting: stable is scaled to the traffic it still gets, and back up before an abort returns it.' }),
  canaryMetadata: ephemeralMetadata('Labels and annotations the canary pods carry while they are the canary.'),
  stableMetadata: ephemeralMetadata('Labels and annotations the stable pods carry while they are stable.'),
});

const blueGreenStrategy = object(
  {
    activeService: serviceName(),
    previewService: serviceName(),
    previewReplicaCount: int32({ minimum: 1 }),
    autoPromotionEnabled: boolean(),
    autoPromotionSeconds: seconds('Seconds after the preview is ready before promoting automatically.'),
    prePromotionAnalysis: rolloutAnalysis,
    postPromotionAnalysis: rolloutAnalysis,
    scaleDownDelaySeconds: seconds('Seconds the old version stays up after the switch; defaults to 30.'),
    scaleDownDelayRevisionLimit: int32({ minimum: 0, description: 'How many old revisions may wait out their scale-down delay at once; absent: no limit.' }),
    maxUnavailable: intOrString({ maximum: INT32_MAX }),
    abortScaleDownDelaySeconds: seconds('Seconds the new version stays up after an abort; defaults to 30.'),
    activeMetadata: ephemeralMetadata('Labels and annotations the active pods carry while they are active.'),
    previewMetadata: ephemeralMetadata('Labels and annotations the preview pods carry until they are promoted.'),
  },
  { required: ['activeService'] },
);

const rollbackSpec = object({
  gitRevert: boolean({ description: 'Revert the offending commit when a git source is known; defaults to true.' }),
  git: object(
    {
      repoURL: string({ minLength: 1 }),
      branch: string(),
      path: string(),
      secretRef: object({ name: objectName('dns1123Subdomain') }, { required: ['name'] }),
      push: string({ enum: ['direct', 'branch'] }),
    },
  ),
});

const rolloutSpec = object(
  {
    replicas: int32(),
    selector: labelSelectorSchema,
    template: podTemplateSchema,
    workloadRef: object(
      {
        apiVersion: string({ enum: ['apps/v1'] }),
        kind: string({ enum: ['Deployment'] }),
        name: objectName('dns1123Subdomain'),
        scaleDown: string({ enum: ['never', 'onsuccess', 'progressively'], description: 'How the Deployment is scaled down on the first revision; defaults to never.' }),
      },
      { required: ['apiVersion', 'kind', 'name'] },
    ),
    minReadySeconds: int32(),
    revisionHistoryLimit: int32(),
    progressDeadlineSeconds: int32({ minimum: 1 }),
    progressDeadlineAbort: boolean({ description: 'Abort a rollout past its progress deadline. Vane always does; false is refused.' }),
    analysis: object({
      successfulRunHistoryLimit: int32({ minimum: 0, description: 'Successful AnalysisRuns kept; defaults to 5.' }),
      unsuccessfulRunHistoryLimit: int32({ minimum: 0, description: 'Failed, Error and Inconclusive AnalysisRuns kept; defaults to 5.' }),
    }),
    paused: boolean({ description: 'Holds the rollout where it is until set back to false.' }),
    restartAt: string({ format: 'date-time', description: 'Pods created before this time are recreated, without a new revision.' }),
    rollbackWindow: object({ revisions: int32({ description: 'Going back to one of the last N revisions skips steps and analysis.' }) }),
    strategy: object({ canary: canaryStrategy, blueGreen: blueGreenStrategy }),
    rollback: rollbackSpec,
  },
  { required: ['strategy'] },
);

const commandAction = string({ enum: ['promote', 'promote-full', 'abort', 'retry', 'pause', 'resume', 'rollback-retry'] });

const rollbackRecord = object(
  {
    reason: string(),
    at: timestamp,
    trafficReset: boolean(),
    git: object(
      {
        state: string({ enum: ['NotConfigured', 'Pending', 'Retrying', 'Committed', 'AlreadyReverted', 'Failed'] }),
        reason: string({ description: 'Why the state is what it is, machine-readable (Failed: Unauthorized, Forbidden, Unsupported, ...).' }),
        repoURL: string(),
        commit: string(),
        revertedCommit: string(),
        releaseCommit: string(),
        failingPodHash: string(),
        attempt: int32({ description: 'The attempt of the failed release: with failingPodHash, the release this record is about.' }),
        stablePodHash: string({ description: 'The revision traffic went back to, whose images git must deploy again.' }),
        actor: string({ description: 'Who aborted, when a person or pipeline did.' }),
        tries: int32({ description: 'Git rollback tries made so far.' }),
        nextTryAt: timestamp,
        branch: string(),
        message: string(),
      },
      { required: ['state'] },
    ),
  },
  { required: ['reason', 'at', 'trafficReset'] },
);

const commandAck = object(
  {
    id: string(),
    action: commandAction,
    result: string({ enum: ['Accepted', 'Rejected'] }),
    message: string(),
    time: timestamp,
  },
  { required: ['id', 'action', 'result', 'time'] },
);

/** Argo's RolloutAnalysisRunStatus: the run a gate waits on, its phase and message. */
const analysisRunStatus = object({ name: string(), status: string(), message: string() }, { required: ['name', 'status'] });

const rolloutStatus = object({
  phase: string({ enum: ['Progressing', 'Paused', 'Healthy', 'Degraded'] }),
  message: string(),
  observedGeneration: integer(),
  replicas: integer(),
  updatedReplicas: integer(),
  readyReplicas: integer(),
  availableReplicas: integer(),
  HPAReplicas: integer({ description: 'Pods the scale subresource reports: all of a canary, the active ReplicaSet of a blue-green.' }),
  selector: string({ description: 'Label selector string for the scale subresource (HPA).' }),
  currentPodHash: string(),
  currentStepHash: string({ description: 'Hash of the canary steps.' }),
  stableRS: string(),
  currentStepIndex: integer({ description: 'Zero-based index of the current canary step (steps.length once all are done); people read index 3 of 5 as "step 4/5".' }),
  abort: boolean({ description: 'True while the rollout is aborted.' }),
  abortedAt: timestamp,
  promoteFull: boolean({ description: 'Set (as Argo\'s promote --full does) to skip the remaining steps and analysis; cleared once done.' }),
  restartedAt: timestamp,
  controllerPause: boolean({ description: 'True when the controller paused the rollout (a pause step, an inconclusive analysis).' }),
  workloadObservedGeneration: string({ description: "The referenced Deployment's generation last read." }),
  canary: object({
    weights: object(
      {
        canary: integer(),
        stable: integer(),
        additional: array(object({ serviceName: string(), podTemplateHash: string(), weight: integer() }, { required: ['serviceName', 'podTemplateHash', 'weight'] })),
      },
      { required: ['canary', 'stable'] },
    ),
    currentExperiment: string({ description: 'The Experiment the current experiment step waits on.' }),
    headerRoutes: array(string()),
    stablePingPong: string({ enum: ['ping', 'pong'], description: 'Which ping-pong Service selects the stable pods.' }),
    currentStepAnalysisRunStatus: analysisRunStatus,
    currentBackgroundAnalysisRunStatus: analysisRunStatus,
  }),
  blueGreen: object({
    activeSelector: string(),
    previewSelector: string(),
    scaleDownAt: timestamp,
    prePromotionAnalysisRunStatus: analysisRunStatus,
    postPromotionAnalysisRunStatus: analysisRunStatus,
  }),
  pauseConditions: array(
    object(
      {
        reason: string({ enum: ['CanaryPauseStep', 'BlueGreenPause', 'InconclusiveAnalysis', 'UserPause'] }),
        startTime: timestamp,
      },
      { required: ['reason', 'startTime'] },
    ),
  ),
  machine: opaqueObject({ description: "The state machine's persisted snapshot." }),
  analysisRuns: array(object({ name: string(), gate: string(), phase: string() }, { required: ['name', 'gate'] })),
  command: object(
    { id: string(), action: commandAction, actor: string(), time: timestamp, reason: string({ maxLength: COMMAND_REASON_MAX_LENGTH }) },
    { required: ['id', 'action', 'actor', 'time'] },
  ),
  lastCommand: commandAck,
  lastAutoCommand: commandAck,
  rollback: rollbackRecord,
  history: array(
    object(
      {
        podTemplateHash: string(),
        images: array(string()),
        outcome: string({ enum: ['Promoted', 'Aborted', 'Superseded', 'Progressing'] }),
        startedAt: timestamp,
        finishedAt: timestamp,
        attempt: integer({ description: 'The release attempt of this revision.' }),
        source: object(
          { commit: string(), authoredAt: timestamp, repoURL: string(), via: string({ enum: ['argocd', 'flux', 'rollback'] }) },
          { required: ['commit', 'via'], description: 'The git commit the release came from, once known.' },
        ),
        steps: array(object({ index: integer(), at: timestamp }, { required: ['index', 'at'] })),
        pauses: array(
          object(
            { at: timestamp, reason: string({ enum: ['CanaryPauseStep', 'BlueGreenPause', 'InconclusiveAnalysis', 'UserPause'] }), step: integer() },
            { required: ['at', 'reason'] },
          ),
        ),
        verdict: object(
          {
            at: timestamp,
            by: string(),
            reason: string(),
            message: string(),
            metric: object({ name: string(), value: string(), analysisRun: string() }, { required: ['name', 'analysisRun'] }),
          },
          { required: ['at', 'by', 'reason'] },
        ),
        trafficResetAt: timestamp,
        revert: object({ commit: string(), repoURL: string(), at: timestamp }, { required: ['commit', 'at'] }),
        stuckAt: timestamp,
        gitopsHealthyAt: timestamp,
        restoredAt: timestamp,
        notified: array(
          object(
            { key: string(), at: timestamp, result: string({ enum: ['Sent', 'Failed', 'Skipped'] }), message: string() },
            { required: ['key', 'at', 'result'] },
          ),
        ),
      },
      { required: ['podTemplateHash', 'images', 'outcome', 'startedAt'] },
    ),
  ),
  conditions: array(conditionSchema),
});

export const rolloutSchema: JSONSchemaProps = resourceSchema({ spec: rolloutSpec, status: rolloutStatus }, ['spec']);
