// The Rollout resource: spec (what to roll out and how) and status (the controller's whole memory).
import type { DryRunRule, MeasurementRetentionRule } from './analysis.js';
import type { Condition, IntOrString, LabelSelector, ObjectMeta, PodTemplateSpec } from './meta.js';

export interface Rollout {
  apiVersion: 'vane.dev/v1alpha1';
  kind: 'Rollout';
  metadata: ObjectMeta;
  spec: RolloutSpec;
  status?: RolloutStatus;
}

export interface RolloutSpec {
  /** Desired pods of the stable version; defaults to 1. Driven by the scale subresource. */
  replicas?: number;
  /** Required with `template`; with `workloadRef` it defaults to the referenced Deployment's selector (as in Argo). */
  selector?: LabelSelector;
  /** Exactly one of `template` and `workloadRef`. */
  template?: PodTemplateSpec;
  workloadRef?: WorkloadRef;
  minReadySeconds?: number;
  /** Old ReplicaSets kept for rollback; defaults to 10. */
  revisionHistoryLimit?: number;
  /** Seconds without progress before the rollout aborts; defaults to 600. */
  progressDeadlineSeconds?: number;
  /** Argo's switch for aborting past the deadline; Vane always does, so only `true` is accepted. */
  progressDeadlineAbort?: boolean;
  /** How many finished AnalysisRuns of the Rollout are kept (Argo default: 5 successful, 5 unsuccessful). */
  analysis?: { successfulRunHistoryLimit?: number; unsuccessfulRunHistoryLimit?: number };
  /** Holds the rollout where it is, as a pause command does, until set back to false (Argo's spec.paused). */
  paused?: boolean;
  /** Pods created before this time (RFC 3339) are recreated, without a new revision (Argo's spec.restartAt). */
  restartAt?: string;
  /** Going back to one of the last `revisions` revisions (the current one counted) skips every step and analysis. */
  rollbackWindow?: { revisions?: number };
  strategy: RolloutStrategy;
  rollback?: RollbackSpec;
}

export interface WorkloadRef {
  apiVersion: 'apps/v1';
  kind: 'Deployment';
  name: string;
  /** What happens to the Deployment on the Rollout's first revision (a migration); defaults to never. */
  scaleDown?: 'never' | 'onsuccess' | 'progressively';
}

/** Exactly one of `canary` and `blueGreen`. */
export interface RolloutStrategy {
  canary?: CanaryStrategy;
  blueGreen?: BlueGreenStrategy;
}

export interface CanaryStrategy {
  stableService?: string;
  canaryService?: string;
  /** Two Services that swap the stable and canary roles at each promotion (Argo docs: ping-pong). */
  pingPong?: PingPong;
  steps?: CanaryStep[];
  /** Background analysis running alongside the steps from `startingStep`. */
  analysis?: BackgroundAnalysis;
  trafficRouting?: TrafficRouting;
  /** Seconds canary pods stay up after an abort; defaults to 30. */
  abortScaleDownDelaySeconds?: number;
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  /** With trafficRouting: a canary of any pods has at least this many (capped at spec.replicas). */
  minPodsPerReplicaSet?: number;
  /** With trafficRouting: seconds the old stable keeps its pods after a promotion; defaults to 30. */
  scaleDownDelaySeconds?: number;
  /** How many old ReplicaSets may wait out their scale-down delay at once; absent: no limit. */
  scaleDownDelayRevisionLimit?: number;
  /** With trafficRouting: stable is scaled to the traffic it still gets, and back up before an abort returns it. */
  dynamicStableScale?: boolean;
  /** Labels and annotations the canary's pods carry while they are the canary (Argo ephemeral metadata). */
  canaryMetadata?: EphemeralMetadata;
  /** Labels and annotations the stable pods carry while they are stable. */
  stableMetadata?: EphemeralMetadata;
}

/** Pod metadata that belongs to a role, not a revision: it moves when a ReplicaSet changes role. */
export interface EphemeralMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface PingPong {
  pingService: string;
  pongService: string;
}

/** Which ping-pong Service selects the stable pods (Argo's `status.canary.stablePingPong`). */
export type PingPongRole = 'ping' | 'pong';

/**
 * One step. Argo's validation forbids only two of setWeight, pause, experiment and analysis together, so
 * setCanaryScale, setHeaderRoute and setMirrorRoute may sit beside another field (see `combinedFieldsOf`).
 */
export type CanaryStep = SingleFieldStep | (SingleFieldStep & CombinableStepFields);

type SingleFieldStep =
  | { setWeight: number }
  | { pause: PauseStep }
  | { analysis: RolloutAnalysis }
  | { setCanaryScale: SetCanaryScale }
  | { setHeaderRoute: SetHeaderRoute }
  | { setMirrorRoute: SetMirrorRoute }
  | { experiment: RolloutExperimentStep };

/** The step fields that may accompany another one (Argo docs features/canary.md; examples/apisix/rollout.yaml). */
export interface CombinableStepFields {
  setCanaryScale?: SetCanaryScale;
  setHeaderRoute?: SetHeaderRoute;
  setMirrorRoute?: SetMirrorRoute;
}

/** The setCanaryScale, setHeaderRoute and setMirrorRoute a step sets, whichever field leads it. */
export function combinedFieldsOf(step: CanaryStep): CombinableStepFields {
  const fields: CombinableStepFields = {};
  if ('setCanaryScale' in step && step.setCanaryScale !== undefined) fields.setCanaryScale = step.setCanaryScale;
  if ('setHeaderRoute' in step && step.setHeaderRoute !== undefined) fields.setHeaderRoute = step.setHeaderRoute;
  if ('setMirrorRoute' in step && step.setMirrorRoute !== undefined) fields.setMirrorRoute = step.setMirrorRoute;
  return fields;
}

/**
 * Runs an Experiment for the step (Argo docs features/experiment.md "Integration With Rollouts"): the step passes
 * when it is Successful and aborts the rollout when it is Failed or Error.
 */
export interface RolloutExperimentStep {
  duration?: IntOrString;
  templates: RolloutExperimentTemplate[];
  analyses?: RolloutExperimentAnalysis[];
  /** Seconds the experiment's pods stay up after it ends; defaults to 30. */
  scaleDownDelaySeconds?: number;
  dryRun?: Array<{ metricName: string }>;
  /** Labels and annotations put on the experiment's AnalysisRuns. */
  analysisRunMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

export interface RolloutExperimentTemplate {
  name: string;
  /** Which of the Rollout's pod templates the experiment runs. */
  specRef: 'stable' | 'canary';
  /** Defaults to 1. */
  replicas?: number;
  /** Added to the pod template's labels (and the selector) and annotations. */
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  /** Defaults to the Rollout's selector. */
  selector?: LabelSelector;
  /** Percent of traffic the Rollout's router sends to this template's Service while the experiment runs. */
  weight?: number;
  /** A Service for this template's pods (always made when `weight` is set); name defaults to the ReplicaSet's. */
  service?: { name?: string };
}

/** Traffic an experiment step sends to one of its templates' Services (Argo: status.canary.weights.additional). */
export interface WeightDestinationStatus {
  serviceName: string;
  podTemplateHash: string;
  weight: number;
}

export interface RolloutExperimentAnalysis {
  name: string;
  templateName: string;
  clusterScope?: boolean;
  args?: AnalysisRunArgument[];
  requiredForCompletion?: boolean;
}

export interface PauseStep {
  /** Absent: wait for a person. A number of seconds, or a string like "30s", "5m", "1h". */
  duration?: IntOrString;
}

export interface SetCanaryScale {
  replicas?: number;
  weight?: number;
  matchTrafficWeight?: boolean;
}

/**
 * Requests whose headers all match go to the canary whatever the weight. Without `match` (or with an empty one) the
 * step removes the header route of that `name`; every route a rollout set is removed when it completes or aborts.
 */
export interface SetHeaderRoute {
  /** A DNS label; the route's name on the routing object is derived from it. */
  name: string;
  match?: HeaderRoutingMatch[];
}

/**
 * Argo docs (traffic-management, mirroring): requests matching any `match` entry (each entry's conditions all hold)
 * are copied to the canary, `percentage` of them; responses are ignored. Without `match` the step removes the route.
 */
export interface SetMirrorRoute {
  /** Must be listed in trafficRouting.managedRoutes; the route on the routing object carries this name. */
  name: string;
  match?: RouteMatch[];
  /** Percent of matching requests mirrored; defaults to 100. */
  percentage?: number;
}

export interface RouteMatch {
  method?: StringMatch;
  path?: StringMatch;
  headers?: Record<string, StringMatch>;
}

export interface HeaderRoutingMatch {
  headerName: string;
  /** Exactly one of `exact`, `prefix` and `regex`. */
  headerValue: StringMatch;
}

export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

export interface AnalysisTemplateRef {
  templateName: string;
  clusterScope?: boolean;
}

export interface AnalysisRunArgument {
  name: string;
  value?: string;
  valueFrom?: {
    podTemplateHashValue?: 'Stable' | 'Latest';
    fieldRef?: { fieldPath: string };
  };
}

export interface RolloutAnalysis extends AnalysisRunOptions {
  templates: AnalysisTemplateRef[];
  args?: AnalysisRunArgument[];
}

/** What a Rollout's analysis reference adds to the AnalysisRun beyond its templates and arguments. */
export interface AnalysisRunOptions {
  /** Added to the templates' own rules: metrics they match are measured and reported but never decide the run. */
  dryRun?: DryRunRule[];
  /** Added to the templates' own rules: how many measurements of the metrics they match the run keeps. */
  measurementRetention?: MeasurementRetentionRule[];
  /** Labels and annotations put on the AnalysisRun (Vane's own labels win on a clash). */
  analysisRunMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
}

export interface BackgroundAnalysis extends RolloutAnalysis {
  /** Index of the step at which background analysis starts; defaults to 0. */
  startingStep?: number;
}

export interface TrafficRouting {
  /** Routes Vane adds (header and mirror routes), by name, highest precedence first; removed when a rollout ends. */
  managedRoutes?: Array<{ name: string }>;
  gatewayAPI?: GatewayAPITrafficRouting;
  istio?: IstioTrafficRouting;
  smi?: SMITrafficRouting;
  nginx?: NginxTrafficRouting;
  apisix?: ApisixTrafficRouting;
  appMesh?: AppMeshTrafficRouting;
  traefik?: TraefikTrafficRouting;
  alb?: ALBTrafficRouting;
  ambassador?: AmbassadorTrafficRouting;
}

export interface GatewayAPITrafficRouting {
  /** Routes in the Rollout's namespace whose rules carry the stable and canary backendRefs. */
  httpRoutes: Array<{
    name: string;
    /** Names of the rules to split; absent means every rule that references the stable service. */
    rules?: string[];
    useHeaderRoutes?: boolean;
  }>;
}

export interface IstioTrafficRouting {
  virtualService?: IstioVirtualServiceRef;
  virtualServices?: IstioVirtualServiceRef[];
  destinationRule?: {
    name: string;
    canarySubsetName: string;
    stableSubsetName: string;
    /** Argo docs istio.md: subsets Vane does not manage; their weights are kept and taken from stable's share. */
    additionalSubsetNames?: string[];
  };
}

export interface IstioVirtualServiceRef {
  name: string;
  /** http routes to split, by name. */
  routes?: string[];
  /** Argo docs istio.md "TLS routes": the tls routes whose matches all use this port and exactly these SNI hosts. */
  tlsRoutes?: Array<{ port?: number; sniHosts?: string[] }>;
  /** Argo docs istio.md "TCP routes": the tcp routes whose matches all use this port. */
  tcpRoutes?: Array<{ port?: number }>;
}

export interface SMITrafficRouting {
  rootService?: string;
  trafficSplitName?: string;
}

/** Exactly one of `stableIngress` and `stableIngresses` (Argo docs nginx.md). */
export interface NginxTrafficRouting {
  stableIngress?: string;
  /** Several stable Ingresses (e.g. internal and external controllers): each gets its own canary Ingress. */
  stableIngresses?: string[];
  annotationPrefix?: string;
  /** Added to the canary Ingress under `annotationPrefix`. */
  additionalIngressAnnotations?: Record<string, string>;
  /** Added to the canary Ingress as written (no prefix); they win over additionalIngressAnnotations. */
  canaryIngressAnnotations?: Record<string, string>;
}

export interface ApisixTrafficRouting {
  route: {
    /** The ApisixRoute (apisix.apache.org/v2) whose http rules carry the stable and canary backends. */
    name: string;
    /** Names of the http rules to split; absent means the one rule named like the ApisixRoute (as Argo Rollouts does). */
    rules?: string[];
  };
}

export interface AppMeshTrafficRouting {
  /** The App Mesh VirtualService whose VirtualRouter's routes are split; `routes` names them (absent: all that target the stable node). */
  virtualService: { name: string; routes?: string[] };
  /** The VirtualNodes whose podSelector Vane pins to the canary and stable pod-template hashes. */
  virtualNodeGroup: { canaryVirtualNodeRef: { name: string }; stableVirtualNodeRef: { name: string } };
}

export interface TraefikTrafficRouting {
  /** The TraefikService whose weighted services list the stable and canary Services. */
  weightedTraefikServiceName: string;
}

/** AWS Load Balancer Controller: a weighted forward action in the Ingress's `<prefix>/actions.<rootService>` annotation. */
export interface ALBTrafficRouting {
  /** Exactly one of ingress and ingresses. */
  ingress?: string;
  ingresses?: string[];
  servicePort: number;
  /** The action (and backend Service) name in the Ingress rules; defaults to stableService. */
  rootService?: string;
  /** Defaults to alb.ingress.kubernetes.io. */
  annotationPrefix?: string;
  stickinessConfig?: { enabled: boolean; durationSeconds: number };
}

/** Ambassador / Emissary: a `<mapping>-canary` Mapping per base Mapping, carrying the canary weight. */
export interface AmbassadorTrafficRouting {
  mappings: string[];
}

export interface BlueGreenStrategy {
  activeService: string;
  previewService?: string;
  /** Pods of the new version before promotion; defaults to spec.replicas. */
  previewReplicaCount?: number;
  /** Defaults to true. False waits for a promote command. */
  autoPromotionEnabled?: boolean;
  /** Seconds after the preview is ready before promoting automatically. */
  autoPromotionSeconds?: number;
  prePromotionAnalysis?: RolloutAnalysis;
  postPromotionAnalysis?: RolloutAnalysis;
  /** Seconds the old version stays up after the switch; defaults to 30. */
  scaleDownDelaySeconds?: number;
  /** How many old revisions may wait out their scale-down delay at once; absent: no limit. */
  scaleDownDelayRevisionLimit?: number;
  /** Pods a spec.restartAt restart may take down at once (Argo uses it for nothing else); defaults to 25%. */
  maxUnavailable?: IntOrString;
  /** Seconds the new version stays up after an abort; defaults to 30. */
  abortScaleDownDelaySeconds?: number;
  /** Labels and annotations the active pods carry while they are active (Argo ephemeral metadata). */
  activeMetadata?: EphemeralMetadata;
  /** Labels and annotations the preview pods carry until they are promoted. */
  previewMetadata?: EphemeralMetadata;
}

export interface RollbackSpec {
  /** Revert the offending commit when a git source is known; defaults to true. */
  gitRevert?: boolean;
  git?: GitSource;
}

export interface GitSource {
  /** Absent: discovered from Argo CD or Flux; the other fields then override what was discovered. */
  repoURL?: string;
  branch?: string;
  /** Folder in the repository holding this Rollout's manifests; defaults to the root. */
  path?: string;
  secretRef?: { name: string };
  /** `direct` pushes to `branch`; `branch` pushes a `vane/rollback/...` branch. Defaults to direct. */
  push?: 'direct' | 'branch';
}

export type RolloutPhase = 'Progressing' | 'Paused' | 'Healthy' | 'Degraded';

export type CommandAction = 'promote' | 'promote-full' | 'abort' | 'retry' | 'pause' | 'resume' | 'rollback-retry';

export type GitRollbackState = 'NotConfigured' | 'Pending' | 'Retrying' | 'Committed' | 'AlreadyReverted' | 'Failed';

/** Characters of a command's reason kept: with "aborted by <actor>: " it stays within an Event's 1 kB note. */
export const COMMAND_REASON_MAX_LENGTH = 512;

/** A person's or pipeline's request, written to status by the API; never into spec. */
export interface RolloutCommand {
  id: string;
  action: CommandAction;
  actor: string;
  time: string;
  /** Why, in the person's words (`vane abort --reason`); lands in the abort message and its Event. */
  reason?: string;
}

export interface CommandAck {
  id: string;
  action: CommandAction;
  result: 'Accepted' | 'Rejected';
  message?: string;
  time: string;
}

export type PauseReason = 'CanaryPauseStep' | 'BlueGreenPause' | 'InconclusiveAnalysis' | 'UserPause';

export interface PauseCondition {
  reason: PauseReason;
  startTime: string;
}

export interface AnalysisRunRef {
  name: string;
  /** Where in the rollout the run gates: a step index, `background`, `prePromotion` or `postPromotion`. */
  gate: string;
  phase?: string;
}

export interface RollbackRecord {
  reason: string;
  at: string;
  trafficReset: boolean;
  git?: GitRollbackRecord;
}

/**
 * The git side of a rollback, carried out by the git rollback queue after the abort is recorded: Pending until its
 * first try, Retrying after a transient failure (nextTryAt), then Committed, AlreadyReverted, Failed or NotConfigured.
 */
export interface GitRollbackRecord {
  state: GitRollbackState;
  /** Machine-readable cause of the state: the error code of a failure (Unauthorized, Forbidden, Unavailable, ...). */
  reason?: string;
  repoURL?: string;
  commit?: string;
  /** The commit a revert undid (whole, or this Rollout's part of it). */
  revertedCommit?: string;
  /** After a targeted edit of the image, which reverts nothing: the release commit that brought the failing image in. */
  releaseCommit?: string;
  /** The failed release this record is about, with `attempt`: a release is reverted once, a later one again. */
  failingPodHash?: string;
  attempt?: number;
  /** The revision traffic went back to: git must deploy its images again. */
  stablePodHash?: string;
  /** Who aborted, when a person or pipeline did (named in the commit). */
  actor?: string;
  /** Tries made so far; a transient failure is retried with backoff up to a limit. */
  tries?: number;
  nextTryAt?: string;
  branch?: string;
  message?: string;
}

/**
 * One release of a revision, kept in the bounded `status.history`: what happened to it and when. The delivery
 * figures (`vane report`, `/metrics`) and the notifications are computed from these records, so they survive
 * controller restarts and leader changes.
 */
export interface RevisionRecord {
  podTemplateHash: string;
  images: string[];
  outcome: 'Promoted' | 'Aborted' | 'Superseded' | 'Progressing';
  startedAt: string;
  finishedAt?: string;
  /** The release attempt of this revision: a revision released again after its revert is attempt 2. */
  attempt?: number;
  /** The git commit the release came from, once resolved in the background; absent while no source is known. */
  source?: ReleaseSource;
  /** Canary steps entered, oldest first (the last RELEASE_STEPS_KEPT). */
  steps?: ReleaseStep[];
  /** Times the release stopped to wait for a person (a pause step without duration, an inconclusive analysis, a user pause). */
  pauses?: ReleasePause[];
  /** Who or what ended the release, once it was promoted or aborted. */
  verdict?: ReleaseVerdict;
  /** After an abort: when traffic was back on the stable version. */
  trafficResetAt?: string;
  /** After an abort: the revert commit pushed to the GitOps repository. */
  revert?: ReleaseRevert;
  /** When the release made no progress for progressDeadlineSeconds. */
  stuckAt?: string;
  /** After an abort: when the GitOps tool (Argo CD, Flux) had synced the revert and reported Healthy. */
  gitopsHealthyAt?: string;
  /** After an abort: when the stable version served all traffic and the Rollout was Healthy again. */
  restoredAt?: string;
  /** Notifications about this release, delivered or given up, one per (transition, notifier) key. */
  notified?: NotificationRecord[];
}

/** Releases kept in status.history; the delivery figures know a full history may not reach back to their window. */
export const RELEASE_HISTORY_KEPT = 10;

export const RELEASE_STEPS_KEPT = 20;

/**
 * A release record's identity across status writes: its revision, attempt and start (the writers beside the
 * reconciler find their record again by it; records are added, never reordered).
 */
export function releaseIdentity(record: Pick<RevisionRecord, 'podTemplateHash' | 'attempt' | 'startedAt'>): string {
  return `${record.podTemplateHash}/${record.attempt ?? 1}/${record.startedAt}`;
}

export interface ReleaseSource {
  /** Full SHA of the commit that was released. */
  commit: string;
  /** The commit's author time (RFC 3339): where lead time for changes starts. */
  authoredAt?: string;
  repoURL?: string;
  /** How the source was found: the Rollout's Argo CD Application, Flux Kustomization, or spec.rollback.git. */
  via: 'argocd' | 'flux' | 'rollback';
}

export interface ReleaseStep {
  index: number;
  at: string;
}

export interface ReleasePause {
  at: string;
  reason: PauseReason;
  /** The canary step the pause is at, if any. */
  step?: number;
}

export interface ReleaseVerdict {
  at: string;
  /** A person or pipeline (the command's actor), or `controller` when the steps or an analysis decided. */
  by: string;
  /** Machine-readable: StepsCompleted, UserPromote, UserAbort, AnalysisFailed, AnalysisError, ProgressDeadlineExceeded. */
  reason: string;
  message?: string;
  /** The metric whose measurement failed the analysis, with its value. */
  metric?: { name: string; value?: string; analysisRun: string };
}

export interface ReleaseRevert {
  commit: string;
  repoURL?: string;
  at: string;
}

export interface NotificationRecord {
  /** `<transition>/<notifier>`, e.g. `aborted/shop/team-slack`; unique within the release. */
  key: string;
  at: string;
  result: 'Sent' | 'Failed' | 'Skipped';
  message?: string;
}

/** Argo Rollouts' summary of one AnalysisRun a rollout waits on (its RolloutAnalysisRunStatus). */
export interface RolloutAnalysisRunStatus {
  name: string;
  status: string;
  message?: string;
}

export interface RolloutStatus {
  phase?: RolloutPhase;
  message?: string;
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  /** Pods the scale subresource reports (Argo's HPAReplicas): all of a canary's, the active ReplicaSet's for blue-green. */
  HPAReplicas?: number;
  /** Label selector string, for the scale subresource (HPA). */
  selector?: string;
  currentPodHash?: string;
  /** Hash of the canary steps, so tooling sees when the steps changed (Argo's currentStepHash). */
  currentStepHash?: string;
  stableRS?: string;
  currentStepIndex?: number;
  /** True while the rollout is aborted (Argo's status.abort), with the time it was. */
  abort?: boolean;
  abortedAt?: string;
  /** True when the controller itself paused the rollout (a pause step, an inconclusive analysis). */
  controllerPause?: boolean;
  /**
   * Argo's `kubectl argo rollouts promote --full` sets this: the rollout skips its remaining steps and analysis as a
   * promote-full command does; the controller clears it once the rollout is Healthy, aborted, or the request is refused.
   */
  promoteFull?: boolean;
  /** The spec.restartAt every pod has been recreated after. */
  restartedAt?: string;
  /** The referenced Deployment's metadata.generation last read (workloadRef), as Argo writes it: a string. */
  workloadObservedGeneration?: string;
  canary?: {
    weights?: { canary: number; stable: number; additional?: WeightDestinationStatus[] };
    /** The Experiment the current experiment step waits on. */
    currentExperiment?: string;
    /** Names of the header routes sending matching requests to the canary now. */
    headerRoutes?: string[];
    stablePingPong?: PingPongRole;
    currentStepAnalysisRunStatus?: RolloutAnalysisRunStatus;
    currentBackgroundAnalysisRunStatus?: RolloutAnalysisRunStatus;
  };
  blueGreen?: {
    activeSelector?: string;
    previewSelector?: string;
    scaleDownAt?: string;
    prePromotionAnalysisRunStatus?: RolloutAnalysisRunStatus;
    postPromotionAnalysisRunStatus?: RolloutAnalysisRunStatus;
  };
  pauseConditions?: PauseCondition[];
  /** The state machine's persisted snapshot: JSON that `resolveState` turns back into a snapshot. */
  machine?: Record<string, unknown>;
  analysisRuns?: AnalysisRunRef[];
  command?: RolloutCommand;
  lastCommand?: CommandAck;
  /** The answer to the last command the controller made itself from spec.paused, status.promoteFull or rollbackWindow. */
  lastAutoCommand?: CommandAck;
  rollback?: RollbackRecord;
  history?: RevisionRecord[];
  conditions?: Condition[];
}
