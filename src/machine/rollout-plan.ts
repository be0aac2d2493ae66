// What the rollout state machines need from a Rollout spec, derived by one pure function.
import { TerminalError } from '../errors.js';
import { parseDuration } from '../resources/duration.js';
import type { IntOrString } from '../resources/meta.js';
import { ROLLOUT_DEFAULTS } from '../resources/rollout-defaults.js';
import type {
  AnalysisRunArgument,
  AnalysisRunOptions,
  AnalysisTemplateRef,
  BlueGreenStrategy,
  CanaryStep,
  CanaryStrategy,
  CombinableStepFields,
  HeaderRoutingMatch,
  RouteMatch,
  RolloutAnalysis,
  RolloutExperimentStep,
  RolloutSpec,
  SetCanaryScale,
  SetHeaderRoute,
  SetMirrorRoute,
} from '../resources/rollout.js';
import { combinedFieldsOf } from '../resources/rollout.js';

export interface AnalysisPlan {
  templates: AnalysisTemplateRef[];
  args: AnalysisRunArgument[];
  /** What the run is built with beyond templates and args; absent when the spec sets none of it. */
  runOptions?: AnalysisRunOptions;
}

export interface BackgroundAnalysisPlan extends AnalysisPlan {
  /** Index of the step at which the background run starts. */
  startingStep: number;
}

/** A header or mirror route a step sets as it is entered; an empty `match` removes the route `name` instead. */
export type RouteChangePlan =
  /** Set (replacing one of the same name) or, with an empty `match`, removed. */
  | { kind: 'setHeaderRoute'; name: string; match: HeaderRoutingMatch[] }
  | { kind: 'setMirrorRoute'; name: string; match: RouteMatch[]; percentage: number };

/** How many canary pods a setCanaryScale asks for (see canary-replicas.ts). */
export interface CanaryScalePlan {
  replicas?: number;
  weight?: number;
  matchTrafficWeight: boolean;
}

/**
 * One plan step per spec step. `kind` is what the step waits for, chosen as Argo does from the fields it sets, in the
 * order pause, setCanaryScale, setWeight, experiment, analysis, setHeaderRoute, setMirrorRoute; the fields beside it
 * are attached (`canaryScale` to a pause, `setWeight` to a setCanaryScale, `routes` to any) and take effect as the
 * step is entered.
 */
export type CanaryStepPlan = (
  | { kind: 'setWeight'; weight: number }
  /** Without `durationMs` the step waits for a person (promote or resume). */
  | { kind: 'pause'; durationMs?: number; canaryScale?: CanaryScalePlan }
  | { kind: 'analysis'; analysis: AnalysisPlan }
  | ({ kind: 'setCanaryScale'; setWeight?: number } & CanaryScalePlan)
  | RouteChangePlan
  /** Runs an Experiment and waits for its verdict, like an analysis step (canary pods and weight unchanged). */
  | { kind: 'experiment'; experiment: RolloutExperimentStep }
) & {
  /** Routes set or removed on entering the step, after the step's own route when it is a route step. */
  routes?: RouteChangePlan[];
};

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
  const plan: AnalysisPlan = { templates: structuredClone(analysis.templates), args: structuredClone(analysis.args ?? []) };
  const { dryRun, measurementRetention, analysisRunMetadata } = analysis;
  if (dryRun === undefined && measurementRetention === undefined && analysisRunMetadata === undefined) return plan;
  plan.runOptions = structuredClone({
    ...(dryRun === undefined ? {} : { dryRun }),
    ...(measurementRetention === undefined ? {} : { measurementRetention }),
    ...(analysisRunMetadata === undefined ? {} : { analysisRunMetadata }),
  });
  return plan;
}

/** The traffic weight a step sets, if it sets one (a setWeight, or a setWeight beside a setCanaryScale). */
export function weightSetBy(step: CanaryStepPlan): number | undefined {
  if (step.kind === 'setWeight') return step.weight;
  return step.kind === 'setCanaryScale' ? step.setWeight : undefined;
}

/** The canary scale a step pins, if it sets one (a setCanaryScale, or one beside a pause). */
export function canaryScaleOf(step: CanaryStepPlan): CanaryScalePlan | undefined {
  if (step.kind === 'setCanaryScale') return step;
  return step.kind === 'pause' ? step.canaryScale : undefined;
}

/** Every route the step sets or removes as it is entered, its own first. */
export function routeChangesOf(step: CanaryStepPlan): RouteChangePlan[] {
  const own: RouteChangePlan[] = [];
  if (step.kind === 'setHeaderRoute') own.push({ kind: step.kind, name: step.name, match: step.match });
  if (step.kind === 'setMirrorRoute') own.push({ kind: step.kind, name: step.name, match: step.match, percentage: step.percentage });
  return [...own, ...(step.routes ?? [])];
}

function stepPlan(step: CanaryStep): CanaryStepPlan {
  const combined = combinedFieldsOf(step);
  const plan = leadingStepPlan(step, combined);
  const routes: RouteChangePlan[] = [];
  if (combined.setHeaderRoute !== undefined && plan.kind !== 'setHeaderRoute') routes.push(headerRoutePlan(combined.setHeaderRoute));
  if (combined.setMirrorRoute !== undefined && plan.kind !== 'setMirrorRoute') routes.push(mirrorRoutePlan(combined.setMirrorRoute));
  return routes.length > 0 ? { ...plan, routes } : plan;
}

/** Argo's order (rollout/canary.go completedCurrentCanaryStep): the first field set decides what the step waits for. */
function leadingStepPlan(step: CanaryStep, combined: CombinableStepFields): CanaryStepPlan {
  if ('pause' in step) {
    const duration = step.pause.duration;
    const pause: CanaryStepPlan = duration === undefined ? { kind: 'pause' } : { kind: 'pause', durationMs: parseDuration(duration) };
    if (combined.setCanaryScale !== undefined) pause.canaryScale = canaryScalePlan(combined.setCanaryScale);
    return pause;
  }
  if (combined.setCanaryScale !== undefined) {
    const scale: CanaryStepPlan = { kind: 'setCanaryScale', ...canaryScalePlan(combined.setCanaryScale) };
    if ('setWeight' in step) scale.setWeight = step.setWeight;
    return scale;
  }
  if ('setWeight' in step) return { kind: 'setWeight', weight: step.setWeight };
  if ('experiment' in step) return { kind: 'experiment', experiment: structuredClone(step.experiment) };
  if ('analysis' in step) return { kind: 'analysis', analysis: analysisPlan(step.analysis) };
  if (combined.setHeaderRoute !== undefined) return headerRoutePlan(combined.setHeaderRoute);
  if (combined.setMirrorRoute !== undefined) return mirrorRoutePlan(combined.setMirrorRoute);
  throw new TerminalError('a canary step needs one of setWeight, pause, analysis, experiment, setCanaryScale, setHeaderRoute and setMirrorRoute');
}

function canaryScalePlan(scale: SetCanaryScale): CanaryScalePlan {
  const plan: CanaryScalePlan = { matchTrafficWeight: scale.matchTrafficWeight === true };
  if (scale.replicas !== undefined) plan.replicas = scale.replicas;
  if (scale.weight !== undefined) plan.weight = scale.weight;
  return plan;
}

function headerRoutePlan(route: SetHeaderRoute): RouteChangePlan {
  return { kind: 'setHeaderRoute', name: route.name, match: structuredClone(route.match ?? []) };
}

function mirrorRoutePlan(mirror: SetMirrorRoute): RouteChangePlan {
  return { kind: 'setMirrorRoute', name: mirror.name, match: structuredClone(mirror.match ?? []), percentage: mirror.percentage ?? 100 };
}
