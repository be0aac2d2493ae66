// The canary machine's context and the pure functions that read it: the current step, its clocks and runs.
import { analysisRunName, BACKGROUND_GATE, stepGate } from './analysis-gate.js';
import type { AbortRecord, ActiveRun, BlockedGates, MachineInput, Stamp } from './machine-context.js';
import type { LastAttempts } from './release-attempts.js';
import { routeChangesOf, type CanaryPlan, type CanaryStepPlan } from './rollout-plan.js';

/** Clocks (epoch ms), grouped so that a state's identity without time is easy to take (graph tests do). */
export interface CanaryClocks {
  /** When the current step (or the full-scale phase) started. */
  stepStartedAt: Stamp;
  /** The progress deadline counts from here: a step start, a `progress` event or a resume. */
  progressAt: Stamp;
  /** When the current pause step or inconclusive-analysis pause started. */
  pausedAt: Stamp;
  /** When a person paused, or background analysis came back inconclusive. */
  heldAt: Stamp;
  abortedAt: Stamp;
}

export interface CanaryContext {
  plan: CanaryPlan;
  /** The promoted revision: the one all traffic returns to. */
  stableHash: string;
  /** The revision in flight (or aborted); null when there is none. */
  canaryHash: string | null;
  /**
   * 1 for the first try of `canaryHash`; a retry adds one, so every run and event key of a retry is new. A revision
   * released again later continues from its last attempt (see `lastAttempts`).
   */
  attempt: number;
  /** The last attempt of recently released revisions. Absent from states stored before it existed. */
  lastAttempts: LastAttempts;
  /** Index of the current step; `steps.length` once all steps are done (and when healthy). */
  stepIndex: number;
  /** The canary's share of traffic as last set by an effect. */
  weight: number;
  /**
   * Header routes this rollout set and has not removed, in the order set: completion, abort and a superseding
   * revision remove exactly these. Absent from states stored before header routes existed (see withContextDefaults).
   */
  headerRoutes: string[];
  runs: ActiveRun[];
  /** Background runs started for this attempt: 0 before `startingStep`, +1 per restart after an inconclusive run. */
  backgroundRound: number;
  abort: AbortRecord | null;
  /** The person whose promote (or promote-full) finished the steps of this attempt; absent when the steps ran out. */
  promotedBy?: string;
  /** Gates that could not start, with the weight in force when the first one blocked (restored when they start). */
  blocked: CanaryBlockedGates | null;
  at: CanaryClocks;
}

export interface CanaryBlockedGates extends BlockedGates {
  weight: number;
}

export const NO_CLOCKS: CanaryClocks = { stepStartedAt: null, progressAt: null, pausedAt: null, heldAt: null, abortedAt: null };

/** The input of an inert actor (see the machine's context factory): never a real Rollout's. */
export const INERT_CANARY_INPUT: MachineInput<CanaryPlan> = {
  plan: { strategy: 'canary', replicas: 0, steps: [], hasTrafficRouting: false, progressDeadlineSeconds: 0, abortScaleDownDelaySeconds: 0, gitRevert: false },
  stableHash: '',
  now: 0,
};

export function initialCanaryContext(input: MachineInput<CanaryPlan>): CanaryContext {
  return {
    plan: input.plan,
    stableHash: input.stableHash,
    canaryHash: null,
    attempt: 0,
    lastAttempts: {},
    stepIndex: input.plan.steps.length,
    weight: 0,
    headerRoutes: [],
    runs: [],
    backgroundRound: 0,
    abort: null,
    blocked: null,
    // A first release waits for its pods from the moment it is adopted (see first-release.ts).
    at: { ...NO_CLOCKS, progressAt: input.now },
  };
}

/**
 * A stored context with the fields added since its layout version was first written filled with their defaults,
 * so a Rollout in flight keeps going across a controller upgrade without a version bump.
 */
export function withContextDefaults(stored: Record<string, unknown>): Record<string, unknown> {
  return { ...stored, headerRoutes: stored.headerRoutes ?? [], lastAttempts: stored.lastAttempts ?? {}, blocked: stored.blocked ?? null };
}

/** The active header and mirror routes once the current step has set or removed its routes. */
export function headerRoutesAfterStep(ctx: CanaryContext): string[] {
  const step = currentStep(ctx);
  if (step === undefined) return ctx.headerRoutes;
  let routes = ctx.headerRoutes;
  for (const change of routeChangesOf(step)) {
    if (change.match.length === 0) routes = routes.filter((name) => name !== change.name);
    else if (!routes.includes(change.name)) routes = [...routes, change.name];
  }
  return routes;
}

export function currentStep(ctx: CanaryContext): CanaryStepPlan | undefined {
  return ctx.plan.steps[ctx.stepIndex];
}

/** The in-flight hash; the machine only asks for it in states where one exists. */
export function canaryHashOf(ctx: CanaryContext): string {
  return ctx.canaryHash ?? ctx.stableHash;
}

export function pauseEndsAt(ctx: CanaryContext): number | undefined {
  const step = currentStep(ctx);
  if (step?.kind !== 'pause' || step.durationMs === undefined || ctx.at.pausedAt === null) return undefined;
  return ctx.at.pausedAt + step.durationMs;
}

export function progressDeadlineAt(ctx: CanaryContext): number | undefined {
  if (ctx.at.progressAt === null) return undefined;
  return ctx.at.progressAt + ctx.plan.progressDeadlineSeconds * 1000;
}

export function abortScaleDownAt(ctx: CanaryContext): number | undefined {
  if (ctx.at.abortedAt === null) return undefined;
  return ctx.at.abortedAt + ctx.plan.abortScaleDownDelaySeconds * 1000;
}

/**
 * Argo docs features/canary.md "Dynamic Stable Scale": a stable scaled down with the traffic it lost must be back at
 * full size before an abort sends it all traffic again, so the abort waits for it before moving traffic.
 */
export function restoresStableFirst(ctx: CanaryContext): boolean {
  return ctx.plan.dynamicStableScale === true && ctx.weight > 0;
}

/** Without a router the canary's pods are its traffic, so an abort can only reset traffic by removing them. */
export function scalesDownAtOnce(ctx: CanaryContext): boolean {
  return !ctx.plan.hasTrafficRouting || ctx.plan.abortScaleDownDelaySeconds === 0;
}

/**
 * The run of the current step's gate: the one already waited on, else the one to create. A run started by an
 * older controller keeps the name it was created with (step gates were once named from the zero-based index).
 */
export function stepRun(ctx: CanaryContext): ActiveRun {
  const gate = stepGate(ctx.stepIndex);
  const kind = currentStep(ctx)?.kind === 'experiment' ? { kind: 'experiment' as const } : {};
  return ctx.runs.find((r) => r.gate === gate) ?? { gate, name: analysisRunName(canaryHashOf(ctx), gate, ctx.attempt), ...kind };
}

export function backgroundRun(ctx: CanaryContext, round: number): ActiveRun {
  return { gate: BACKGROUND_GATE, name: analysisRunName(canaryHashOf(ctx), BACKGROUND_GATE, ctx.attempt, round) };
}

export function backgroundDue(ctx: CanaryContext): boolean {
  const background = ctx.plan.backgroundAnalysis;
  return background !== undefined && ctx.backgroundRound === 0 && ctx.stepIndex >= background.startingStep;
}

export function hasRun(ctx: CanaryContext, run: ActiveRun): boolean {
  return ctx.runs.some((r) => r.gate === run.gate && r.name === run.name);
}

export function withoutGate(runs: readonly ActiveRun[], gate: string): ActiveRun[] {
  return runs.filter((r) => r.gate !== gate);
}
