// What the API (and the CLI) show of a Rollout: a one-line summary for lists and streams, and a detailed view with
// steps, weights, ReplicaSets, analysis and recent Events. Pure: built from objects already read.
import type { AnalysisPhase, Measurement } from '../resources/analysis.js';
import { hashOf } from '../resources/replica-set.js';
import type {
  CanaryStep,
  CommandAck,
  PauseCondition,
  RevisionRecord,
  RollbackRecord,
  Rollout,
  RolloutCommand,
  RolloutPhase,
  RolloutStatus,
} from '../resources/rollout.js';
import { GATE_LABEL } from '../resources/step-label.js';
import type { Condition } from '../resources/meta.js';
import { metricThreshold, stepWait, weightHistory } from './rollout-progress-view.js';
import type { AnalysisRunObject, EventObject, ReplicaSetObject } from './rollout-read-model.js';

export interface RolloutSummary {
  namespace: string;
  name: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  observedGeneration?: number;
  strategy: 'canary' | 'blueGreen' | 'unknown';
  phase?: RolloutPhase;
  message?: string;
  currentStepIndex?: number;
  stepCount: number;
  weights?: { canary: number; stable: number };
  images: string[];
  replicas: { desired: number; ready: number; updated: number; available: number };
  pendingCommand?: RolloutCommand;
  lastCommand?: CommandAck;
  /** When the status last changed what it says (the newest condition transition; ISO 8601). */
  updatedAt?: string;
  /** When the Rollout was created (ISO 8601). */
  createdAt?: string;
  /** The stable revision's images, when the release record of the stable revision is kept. */
  stableImages?: string[];
}

export type StepState = 'done' | 'current' | 'pending';

export interface StepView {
  index: number;
  type: 'setWeight' | 'pause' | 'analysis' | 'setCanaryScale' | 'unknown';
  description: string;
  state: StepState;
  /** A setWeight step's weight, in percent. */
  weight?: number;
  /** The current step only: what it waits for before the next step. */
  wait?: StepWait;
}

/** What the current step waits for: pods to be ready, a timed pause, a person's promote, or an analysis. */
export interface StepWait {
  kind: 'pods' | 'pause' | 'promotion' | 'analysis';
  description: string;
  /** A timed pause: when it ends (ISO 8601). */
  until?: string;
  /** An analysis step: the AnalysisRun it waits for. */
  analysisRun?: string;
}

/**
 * Blue-green: `active` (the active Service's), `preview`, `stable` (the rollback target while post-promotion
 * analysis runs on the new active revision) and `previous` (the revision the last release left, until its scale-down).
 */
export type ReplicaSetRole = 'stable' | 'canary' | 'active' | 'preview' | 'previous' | 'old';

export interface ReplicaSetView {
  name: string;
  podTemplateHash?: string;
  role: ReplicaSetRole;
  desired: number;
  ready: number;
  available: number;
  images: string[];
  createdAt?: string;
  /** A `previous` blue-green revision: when it scales to zero (ISO 8601). */
  scaleDownAt?: string;
}

export interface MetricView {
  name: string;
  phase: AnalysisPhase;
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  latest?: Measurement;
  /** Every measurement the run keeps, oldest first. */
  measurements: Measurement[];
  successCondition?: string;
  failureCondition?: string;
  /** A condition that compares the result with a number (`result[0] < 0.01`), as a line to plot. */
  threshold?: MetricThreshold;
}

export interface MetricThreshold {
  /** Which condition the line comes from. */
  condition: 'success' | 'failure';
  operator: '<' | '<=' | '>' | '>=' | '==' | '!=';
  value: number;
}

export interface AnalysisRunView {
  name: string;
  gate?: string;
  phase: AnalysisPhase;
  message?: string;
  startedAt?: string;
  metrics: MetricView[];
}

export interface EventView {
  type?: string;
  reason?: string;
  message?: string;
  time?: string;
  count: number;
  source?: string;
}

export interface RolloutDetail extends RolloutSummary {
  services: Record<string, string>;
  steps: StepView[];
  pauseConditions: PauseCondition[];
  replicaSets: ReplicaSetView[];
  analysisRuns: AnalysisRunView[];
  rollback?: RollbackRecord;
  history: RevisionRecord[];
  conditions: Condition[];
  events: EventView[];
  /** The canary weight of the current release over time, oldest first (from its step record and the status). */
  weightHistory: WeightPoint[];
  /** Each command for the caller: whether it may send it now, and if not, why (RBAC or the rollout's state); the API fills it. */
  actions?: Record<DashboardAction, ActionAvailability>;
}

export interface WeightPoint {
  at: string;
  canary: number;
}

/** The commands a person may press; `promote-full` is promote with `{"full": true}`. */
export type DashboardAction = 'promote' | 'promote-full' | 'abort' | 'retry' | 'pause' | 'resume';

export interface ActionAvailability {
  allowed: boolean;
  reason?: string;
}

/** `GET /api/v1/whoami`: who the token is. */
export interface WhoAmI {
  user: string;
  groups: string[];
}

export interface RelatedObjects {
  replicaSets: readonly ReplicaSetObject[];
  analysisRuns: readonly AnalysisRunObject[];
  events: readonly EventObject[];
}

const RECENT_EVENTS = 20;

export function summarizeRollout(rollout: Rollout): RolloutSummary {
  const { metadata, spec } = rollout;
  const status = rollout.status ?? {};
  const pending = status.command && status.command.id !== status.lastCommand?.id ? status.command : undefined;
  return {
    namespace: metadata.namespace ?? '',
    name: metadata.name ?? '',
    uid: metadata.uid,
    resourceVersion: metadata.resourceVersion,
    generation: metadata.generation,
    observedGeneration: status.observedGeneration,
    strategy: spec?.strategy?.canary ? 'canary' : spec?.strategy?.blueGreen ? 'blueGreen' : 'unknown',
    phase: status.phase,
    message: status.message,
    currentStepIndex: status.currentStepIndex,
    stepCount: spec?.strategy?.canary?.steps?.length ?? 0,
    weights: status.canary?.weights,
    images: (spec?.template?.spec.containers ?? []).map((c) => c.image).filter((i): i is string => typeof i === 'string'),
    replicas: {
      desired: spec?.replicas ?? 1,
      ready: status.readyReplicas ?? 0,
      updated: status.updatedReplicas ?? 0,
      available: status.availableReplicas ?? 0,
    },
    ...(pending ? { pendingCommand: pending } : {}),
    ...(status.lastCommand ? { lastCommand: status.lastCommand } : {}),
    ...optional('updatedAt', newestConditionTime(status)),
    ...optional('createdAt', metadata.creationTimestamp),
    ...optional('stableImages', stableImagesOf(status)),
  };
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}

function newestConditionTime(status: RolloutStatus): string | undefined {
  let newest: string | undefined;
  for (const { lastTransitionTime: time } of status.conditions ?? []) {
    if (time !== undefined && (newest === undefined || time > newest)) newest = time;
  }
  return newest;
}

function stableImagesOf(status: RolloutStatus): string[] | undefined {
  if (status.stableRS === undefined) return undefined;
  return status.history?.findLast((record) => record.podTemplateHash === status.stableRS)?.images;
}

export function describeRollout(rollout: Rollout, related: RelatedObjects): RolloutDetail {
  const status = rollout.status ?? {};
  const gates = new Map((status.analysisRuns ?? []).map((ref) => [ref.name, ref.gate]));
  return {
    ...summarizeRollout(rollout),
    services: servicesOf(rollout),
    steps: stepViews(rollout),
    pauseConditions: status.pauseConditions ?? [],
    replicaSets: related.replicaSets.map((rs) => replicaSetView(rollout, rs)).sort(newestFirst),
    analysisRuns: related.analysisRuns.map((run) => analysisRunView(run, gates.get(run.metadata.name ?? '') ?? run.metadata.labels?.[GATE_LABEL])).sort((a, b) => (b.startedAt ?? '').localeCompare(a.startedAt ?? '')),
    ...(status.rollback ? { rollback: status.rollback } : {}),
    history: status.history ?? [],
    conditions: status.conditions ?? [],
    events: related.events.map(eventView).sort((a, b) => (b.time ?? '').localeCompare(a.time ?? '')).slice(0, RECENT_EVENTS),
    weightHistory: weightHistory(rollout),
  };
}

export function describeStep(step: CanaryStep): Pick<StepView, 'type' | 'description'> {
  if ('setWeight' in step) return { type: 'setWeight', description: `setWeight ${step.setWeight}%` };
  if ('pause' in step) {
    const duration = step.pause?.duration;
    return { type: 'pause', description: duration === undefined ? 'pause (until promoted)' : `pause ${typeof duration === 'number' ? `${duration}s` : duration}` };
  }
  if ('analysis' in step) return { type: 'analysis', description: `analysis ${step.analysis.templates.map((t) => t.templateName).join(', ')}` };
  if ('setCanaryScale' in step && step.setCanaryScale !== undefined) {
    const scale = step.setCanaryScale;
    const how = scale.matchTrafficWeight ? 'matchTrafficWeight' : scale.replicas !== undefined ? `replicas=${scale.replicas}` : `weight=${scale.weight ?? 0}%`;
    return { type: 'setCanaryScale', description: `setCanaryScale ${how}` };
  }
  return { type: 'unknown', description: JSON.stringify(step) };
}

function stepViews(rollout: Rollout): StepView[] {
  const steps = rollout.spec?.strategy?.canary?.steps ?? [];
  const current = rollout.status?.currentStepIndex;
  return steps.map((step, index) => {
    const state = stepState(index, current);
    const wait = state === 'current' ? stepWait(rollout, step, index) : undefined;
    return { index, ...describeStep(step), state, ...('setWeight' in step ? { weight: step.setWeight } : {}), ...(wait ? { wait } : {}) };
  });
}

function stepState(index: number, current: number | undefined): StepState {
  if (current === undefined || index > current) return 'pending';
  return index < current ? 'done' : 'current';
}

function servicesOf(rollout: Rollout): Record<string, string> {
  const { canary, blueGreen } = rollout.spec?.strategy ?? {};
  const named: Array<[string, string | undefined]> = [
    ['stable', canary?.stableService],
    ['canary', canary?.canaryService],
    ['active', blueGreen?.activeService],
    ['preview', blueGreen?.previewService],
  ];
  return Object.fromEntries(named.filter((pair): pair is [string, string] => typeof pair[1] === 'string'));
}

function replicaSetView(rollout: Rollout, rs: ReplicaSetObject): ReplicaSetView {
  const hash = hashOf(rs);
  const role = roleOf(rollout, rs, hash);
  const scaleDownAt = role === 'previous' ? rollout.status?.blueGreen?.scaleDownAt : undefined;
  return {
    name: rs.metadata.name ?? '',
    podTemplateHash: hash,
    role,
    ...(scaleDownAt !== undefined ? { scaleDownAt } : {}),
    desired: rs.spec?.replicas ?? 0,
    ready: rs.status?.readyReplicas ?? 0,
    available: rs.status?.availableReplicas ?? 0,
    images: (rs.spec?.template?.spec?.containers ?? []).map((c) => c.image).filter((i): i is string => typeof i === 'string'),
    createdAt: rs.metadata.creationTimestamp,
  };
}

/** `status.stableRS` may hold the ReplicaSet's hash or its name; accept either. */
function roleOf(rollout: Rollout, rs: ReplicaSetObject, hash: string | undefined): ReplicaSetRole {
  const status = rollout.status ?? {};
  const isStable = status.stableRS !== undefined && (status.stableRS === hash || status.stableRS === rs.metadata.name);
  if (rollout.spec?.strategy?.blueGreen !== undefined) return blueGreenRoleOf(status, rs, hash, isStable);
  if (isStable) return 'stable';
  return hash !== undefined && status.currentPodHash === hash ? 'canary' : 'old';
}

/**
 * Roles follow the Services, not the stable mark: the active Service's revision is `active` (stable, or the new one
 * under post-promotion analysis), the spec's other revision is `preview`, and the one a release left keeps its pods as
 * `previous` until `status.blueGreen.scaleDownAt`. A status written before `activeSelector` existed falls back to stable.
 */
function blueGreenRoleOf(status: RolloutStatus, rs: ReplicaSetObject, hash: string | undefined, isStable: boolean): ReplicaSetRole {
  const active = status.blueGreen?.activeSelector;
  if (active === undefined ? isStable : hash === active) return 'active';
  if (isStable) return 'stable';
  if (hash !== undefined && status.currentPodHash === hash) return 'preview';
  return status.blueGreen?.scaleDownAt !== undefined && (rs.spec?.replicas ?? 0) > 0 ? 'previous' : 'old';
}

function newestFirst(a: ReplicaSetView, b: ReplicaSetView): number {
  return (b.createdAt ?? '').localeCompare(a.createdAt ?? '') || a.name.localeCompare(b.name);
}

function analysisRunView(run: AnalysisRunObject, gate: string | undefined): AnalysisRunView {
  const status = run.status;
  return {
    name: run.metadata.name ?? '',
    ...(gate !== undefined ? { gate } : {}),
    phase: status?.phase ?? 'Pending',
    message: status?.message,
    startedAt: status?.startedAt ?? run.metadata.creationTimestamp,
    metrics: (status?.metricResults ?? []).map((m) => ({
      ...metricConditions(run, m.name),
      name: m.name,
      phase: m.phase,
      count: m.count,
      successful: m.successful,
      failed: m.failed,
      inconclusive: m.inconclusive,
      error: m.error,
      latest: m.measurements.at(-1),
      measurements: m.measurements,
    })),
  };
}

function metricConditions(run: AnalysisRunObject, name: string): Pick<MetricView, 'successCondition' | 'failureCondition' | 'threshold'> {
  const metric = run.spec?.metrics?.find((m) => m.name === name);
  if (!metric) return {};
  const threshold = metricThreshold(metric.successCondition, metric.failureCondition);
  return {
    ...optional('successCondition', metric.successCondition),
    ...optional('failureCondition', metric.failureCondition),
    ...optional('threshold', threshold),
  };
}

function eventView(event: EventObject): EventView {
  return {
    type: event.type,
    reason: event.reason,
    message: event.note,
    time: event.series?.lastObservedTime ?? event.eventTime ?? event.deprecatedLastTimestamp ?? event.metadata.creationTimestamp,
    count: event.series?.count ?? event.deprecatedCount ?? 1,
    source: event.reportingController,
  };
}
