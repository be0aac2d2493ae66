// The Rollout's OpenAPI v3 structural schema: the one source of truth for crds/rollout.yaml.
import { array, boolean, integer, intOrString, object, opaqueObject, string, type JSONSchemaProps } from './json-schema.js';
import {
  conditionSchema,
  labelSelectorSchema,
  podTemplateSchema,
  resourceSchema,
  stringMap,
  timestamp,
} from './meta-schema.js';

const seconds = (description: string): JSONSchemaProps => integer({ minimum: 0, description });
const weight = (description: string): JSONSchemaProps => integer({ minimum: 0, maximum: 100, description });

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
    object({ templateName: string({ minLength: 1 }), clusterScope: boolean() }, { required: ['templateName'] }),
    { minItems: 1 },
  ),
  args: array(analysisArgument),
};

const rolloutAnalysis = object(analysisProperties, { required: ['templates'] });

const backgroundAnalysis = object(
  { ...analysisProperties, startingStep: integer({ minimum: 0, description: 'Step index at which it starts.' }) },
  { required: ['templates'] },
);

/** Every step kind is optional here; "exactly one per step" is a rule of rollout-validation.ts. */
const canaryStep = object({
  setWeight: weight('Percent of traffic sent to the canary.'),
  pause: object({
    duration: intOrString({ description: 'Seconds, or a duration string ("30s", "5m"); absent waits for promote.' }),
  }),
  analysis: rolloutAnalysis,
  setCanaryScale: object({
    replicas: integer({ minimum: 0 }),
    weight: weight('Canary pods as a percent of spec.replicas.'),
    matchTrafficWeight: boolean(),
  }),
  setHeaderRoute: object(
    {
      name: string({ minLength: 1, description: 'A DNS label naming the header route.' }),
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
});

const istioRouteRef = object({ name: string(), routes: array(string()) }, { required: ['name'] });

const trafficRouting = object({
  gatewayAPI: object(
    {
      httpRoutes: array(
        object({ name: string(), rules: array(string()), useHeaderRoutes: boolean() }, { required: ['name'] }),
        { minItems: 1 },
      ),
    },
    { required: ['httpRoutes'] },
  ),
  istio: object({
    virtualService: istioRouteRef,
    virtualServices: array(istioRouteRef),
    destinationRule: object(
      { name: string(), canarySubsetName: string(), stableSubsetName: string() },
      { required: ['name', 'canarySubsetName', 'stableSubsetName'] },
    ),
  }),
  smi: object({ rootService: string(), trafficSplitName: string() }),
  nginx: object(
    { stableIngress: string(), annotationPrefix: string(), additionalIngressAnnotations: stringMap },
    { required: ['stableIngress'] },
  ),
});

const canaryStrategy = object({
  stableService: string(),
  canaryService: string(),
  steps: array(canaryStep),
  analysis: backgroundAnalysis,
  trafficRouting,
  abortScaleDownDelaySeconds: seconds('Seconds canary pods stay up after an abort; defaults to 30.'),
  maxSurge: intOrString(),
  maxUnavailable: intOrString(),
});

const blueGreenStrategy = object(
  {
    activeService: string({ minLength: 1 }),
    previewService: string(),
    previewReplicaCount: integer({ minimum: 1 }),
    autoPromotionEnabled: boolean(),
    autoPromotionSeconds: seconds('Seconds after the preview is ready before promoting automatically.'),
    prePromotionAnalysis: rolloutAnalysis,
    postPromotionAnalysis: rolloutAnalysis,
    scaleDownDelaySeconds: seconds('Seconds the old version stays up after the switch; defaults to 30.'),
    abortScaleDownDelaySeconds: seconds('Seconds the new version stays up after an abort; defaults to 30.'),
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
      secretRef: object({ name: string() }, { required: ['name'] }),
      push: string({ enum: ['direct', 'branch'] }),
    },
  ),
});

const rolloutSpec = object(
  {
    replicas: integer({ minimum: 0 }),
    selector: labelSelectorSchema,
    template: podTemplateSchema,
    workloadRef: object(
      { apiVersion: string({ enum: ['apps/v1'] }), kind: string({ enum: ['Deployment'] }), name: string() },
      { required: ['apiVersion', 'kind', 'name'] },
    ),
    minReadySeconds: integer({ minimum: 0 }),
    revisionHistoryLimit: integer({ minimum: 0 }),
    progressDeadlineSeconds: integer({ minimum: 1 }),
    strategy: object({ canary: canaryStrategy, blueGreen: blueGreenStrategy }),
    rollback: rollbackSpec,
  },
  { required: ['selector', 'strategy'] },
);

const commandAction = string({ enum: ['promote', 'promote-full', 'abort', 'retry', 'pause', 'resume'] });

const rollbackRecord = object(
  {
    reason: string(),
    at: timestamp,
    trafficReset: boolean(),
    git: object(
      {
        state: string({ enum: ['NotConfigured', 'Pending', 'Committed', 'AlreadyReverted', 'Failed'] }),
        repoURL: string(),
        commit: string(),
        revertedCommit: string(),
        failingPodHash: string(),
        branch: string(),
        message: string(),
      },
      { required: ['state'] },
    ),
  },
  { required: ['reason', 'at', 'trafficReset'] },
);

const rolloutStatus = object({
  phase: string({ enum: ['Progressing', 'Paused', 'Healthy', 'Degraded'] }),
  message: string(),
  observedGeneration: integer(),
  replicas: integer(),
  updatedReplicas: integer(),
  readyReplicas: integer(),
  availableReplicas: integer(),
  selector: string({ description: 'Label selector string for the scale subresource (HPA).' }),
  currentPodHash: string(),
  stableRS: string(),
  currentStepIndex: integer(),
  canary: object({
    weights: object({ canary: integer(), stable: integer() }, { required: ['canary', 'stable'] }),
    headerRoutes: array(string()),
  }),
  blueGreen: object({ activeSelector: string(), previewSelector: string(), scaleDownAt: timestamp }),
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
    { id: string(), action: commandAction, actor: string(), time: timestamp },
    { required: ['id', 'action', 'actor', 'time'] },
  ),
  lastCommand: object(
    {
      id: string(),
      action: commandAction,
      result: string({ enum: ['Accepted', 'Rejected'] }),
      message: string(),
      time: timestamp,
    },
    { required: ['id', 'action', 'result', 'time'] },
  ),
  rollback: rollbackRecord,
  history: array(
    object(
      {
        podTemplateHash: string(),
        images: array(string()),
        outcome: string({ enum: ['Promoted', 'Aborted', 'Superseded', 'Progressing'] }),
        startedAt: timestamp,
        finishedAt: timestamp,
      },
      { required: ['podTemplateHash', 'images', 'outcome', 'startedAt'] },
    ),
  ),
  conditions: array(conditionSchema),
});

export const rolloutSchema: JSONSchemaProps = resourceSchema({ spec: rolloutSpec, status: rolloutStatus }, ['spec']);
