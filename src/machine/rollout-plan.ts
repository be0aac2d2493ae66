// What the rollout state machines need from a Rollout spec, derived by one pure function.
import { TerminalError } from '../errors.js';
import { parseDuration } from '../resources/duration.js';
import type { IntOrString } from '../resources/meta.js';
import { ROLLOUT_DEFAULTS } from '../resources/rollout-defaults.js';
import type {
  AnalysisRunArgument,
  AnalysisTemplateRef,
  BlueGreenStrategy,
  CanaryStep,
  CanaryStrategy,
  HeaderRoutingMatch,
  RouteMatch,
  RolloutAnalysis,
  RolloutExperimentStep,
  RolloutSpec,
} from '../resources/rollout.js';

export interface AnalysisPlan {
  templates: AnalysisTemplateRef[];
  args: AnalysisRunArgument[];
}

export interface BackgroundAnalysisPlan extends AnalysisPlan {
  /** Index of the step at which the background run starts. */
  startingStep: number;
}

export type CanaryStepPlan =
  | { kind: 'setWeight'; weight: number }
  /** Without `durationMs` the step waits for a person (promote or resume). */
  | { kind: 'pause'; durationMs?: number }
  | { kind: 'analysis'; analysis: AnalysisPlan }
  | { kind: 'setCanaryScale'; replicas?: number; weight?: number; matchTrafficWeight: boolean }
  /** An empty `match` removes the header route `name`; otherwise it is set (replacing one of the same name). */
  | { kind: 'setHeaderRoute'; name: string; match: HeaderRoutingMatch[] }
  /** An empty `match` removes the mirror route `name`. */
  | { kind: 'setMirrorRoute'; name: string; match: RouteMatch[]; percentage: number }
  /** Runs an Experiment and waits for its verdict, like an analysis step (canary pods and weight unchanged). */
  | { kind: 'experiment'; experiment: RolloutExperimentStep };

export interface CanaryPlan {
  strategy: 'canary';
  replicas: number;
  steps: CanaryStepPlan[];
  /** True when a router splits traffic; false for a replica-ratio canary behind one Service. */
  hasTrafficRouting: boolean;
  /** As written in the spec (absent: the 25% default); they bound how fast a canary without a router moves. */
  maxSurge?: IntOrString;
  maxUnavailable?: IntOrString;
  /** With a router: the fewest pods of a canary that has any (capped at replicas); absent: no minimum. */
  minPodsPerReplicaSet?: number;
  /** With a router: stable shrinks as traffic leaves it and grows back before traffic returns; absent: full size. */
  dynamicStableScale?: true;
  progressDeadlineSeconds: number;
  abortScaleDownDelaySeconds: number;
  backgroundAnalysis?: BackgroundAnalysisPlan;
  /** Whether an abort asks the git layer to revert the offending commit. */
  gitRevert: boolean;
  /** Set (true) only with ping-pong Services, which swap roles at each promotion; absent otherwise. */
  pingPong?: true;
}

export interface BlueGreenPlan {
  strategy: 'blueGreen';
  replicas: number;
  previewReplicaCount: number;
  autoPromotionEnabled: boolean;
  /** Seconds after the preview is ready before an automatic promotion; 0 promotes at once. */
  autoPromotionSeconds: number;
  prePromotionAnalysis?: AnalysisPlan;
  postPromotionAnalysis?: AnalysisPlan;
  scaleDownDelaySeconds: number;
  /** How many old revisions may wait out scaleDownDelaySeconds; absent: no limit (Vane keeps at most one). */
  scaleDownDelayRevisionLimit?: number;
  abortScaleDownDelaySeconds: number;
  progressDeadlineSeconds: number;
  gitRevert: boolean;
}

export type RolloutPlan = CanaryPlan | BlueGreenPlan;

export type RolloutStrategyKind = RolloutPlan['strategy'];

/** Derives the plan from a (defaulted, valid) spec; defaults are re-applied so a raw spec also works. */
export function planFromSpec(spec: RolloutSpec): RolloutPlan {
  const { canary, blueGreen } = spec.strategy;
  if (canary !== undefined) return canaryPlan(spec, canary);
  if (blueGreen !== undefined) return blueGreenPlan(spec, blueGreen);
  throw new TerminalError('spec.strategy needs exactly one of canary and blueGreen');
}

function canaryPlan(spec: RolloutSpec, canary: CanaryStrategy): CanaryPlan {
  const plan: CanaryPlan = {
    strategy: 'canary',
    replicas: replicasOf(spec),
    steps: (canary.steps ?? []).map(stepPlan),
    hasTrafficRouting: canary.trafficRouting !== undefined,
    progressDeadlineSeconds: spec.progressDeadlineSeconds ?? ROLLOUT_DEFAULTS.progressDeadlineSeconds,
    abortScaleDownDelaySeconds: canary.abortScaleDownDelaySeconds ?? ROLLOUT_DEFAULTS.abortScaleDownDelaySeconds,
    gitRevert: spec.rollback?.gitRevert ?? ROLLOUT_DEFAULTS.gitRevert,
  };
  if (canary.maxSurge !== undefined) plan.maxSurge = canary.maxSurge;
  if (canary.maxUnavailable !== undefined) plan.maxUnavailable = canary.maxUnavailable;
  if (canary.minPodsPerReplicaSet !== undefined) plan.minPodsPerReplicaSet = canary.minPodsPerReplicaSet;
  if (canary.dynamicStableScale === true && canary.trafficRouting !== undefined) plan.dynamicStableScale = true;
  if (canary.pingPong !== undefined && canary.stableService === undefined && canary.canaryService === undefined) plan.pingPong = true;
  if (canary.analysis !== undefined) {
    plan.backgroundAnalysis = { ...analysisPlan(canary.analysis), startingStep: canary.analysis.startingStep ?? 0 };
  }
  return plan;
}

function blueGreenPlan(spec: RolloutSpec, bg: BlueGreenStrategy): BlueGreenPlan {
  const replicas = replicasOf(spec);
  const plan: BlueGreenPlan = {
    strategy: 'blueGreen',
    replicas,
    previewReplicaCount: bg.previewReplicaCount ?? replicas,
    autoPromotionEnabled: bg.autoPromotionEnabled ?? ROLLOUT_DEFAULTS.autoPromotionEnabled,
    autoPromotionSeconds: bg.autoPromotionSeconds ?? 0,
    scaleDownDelaySeconds: bg.scaleDownDelaySeconds ?? ROLLOUT_DEFAULTS.scaleDownDelaySeconds,
    abortScaleDownDelaySeconds: bg.abortScaleDownDelaySeconds ?? ROLLOUT_DEFAULTS.abortScaleDownDelaySeconds,
    progressDeadlineSeconds: spec.progressDeadlineSeconds ?? ROLLOUT_DEFAULTS.progressDeadlineSeconds,
    gitRevert: spec.rollback?.gitRevert ?? ROLLOUT_DEFAULTS.gitRevert,
  };
  if (bg.scaleDownDelayRevisionLimit !== undefined) plan.scaleDownDelayRevisionLimit = bg.scaleDownDelayRevisionLimit;
  if (bg.prePromotionAnalysis !== undefined) plan.prePromotionAnalysis = analysisPlan(bg.prePromotionAnalysis);
  if (bg.postPromotionAnalysis !== undefined) plan.postPromotionAnalysis = analysisPlan(bg.postPromotionAnalysis);
  return plan;
}

function replicasOf(spec: RolloutSpec): number {
  return spec.replicas ?? ROLLOUT_DEFAULTS.replicas;
}

function analysisPlan(analysis: RolloutAnalysis): AnalysisPlan {
  return { templates: structuredClone(analysis.templates), args: structuredClone(analysis.args ?? []) };
}

function stepPlan(step: CanaryStep): CanaryStepPlan {
  if ('setWeight' in step) return { kind: 'setWeight', weight: step.setWeight };
  if ('pause' in step) {
    const duration = step.pause.duration;
    return duration === undefined ? { kind: 'pause' } : { kind: 'pause', durationMs: parseDuration(duration) };
  }
  if ('analysis' in step) return { kind: 'analysis', analysis: analysisPlan(step.analysis) };
  if ('setMirrorRoute' in step) {
    const mirror = step.setMirrorRoute;
    return { kind: 'setMirrorRoute', name: mirror.name, match: structuredClone(mirror.match ?? []), percentage: mirror.percentage ?? 100 };
  }
  if ('experiment' in step) return { kind: 'experiment', experiment: structuredClone(step.experiment) };
  if ('setHeaderRoute' in step) return { kind: 'setHeaderRoute', name: step.setHeaderRoute.name, match: structuredClone(step.setHeaderRoute.match ?? []) };
  const scale = step.setCanaryScale;
  const plan: CanaryStepPlan = { kind: 'setCanaryScale', matchTrafficWeight: scale.matchTrafficWeight === true };
  if (scale.replicas !== undefined) plan.replicas = scale.replicas;
  if (scale.weight !== undefined) plan.weight = scale.weight;
  return plan;
}
