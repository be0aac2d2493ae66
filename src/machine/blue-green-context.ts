// The blue-green machine's context and the pure functions that read it: clocks, run names and replica counts.
import { analysisRunName, type PromotionGate } from './analysis-gate.js';
import type { AbortRecord, ActiveRun, BlockedGates, MachineInput, Stamp } from './machine-context.js';
import type { LastAttempts } from './release-attempts.js';
import type { BlueGreenPlan } from './rollout-plan.js';

export interface BlueGreenClocks {
  /** The progress deadline counts from here: the start of a wait for replicas, a `progress` event or a resume. */
  progressAt: Stamp;
  /** When the rollout started waiting for promotion (or on an inconclusive analysis). */
  pausedAt: Stamp;
  /** When the active Service moved to the new revision; the old one scales down scaleDownDelaySeconds later. */
  switchedAt: Stamp;
  heldAt: Stamp;
  abortedAt: Stamp;
}

/** The revision the active Service left at the last release: it keeps `replicas` pods until `scaleDownAt`. */
export interface PreviousRevision {
  hash: string;
  replicas: number;
  scaleDownAt: number;
}

export interface BlueGreenContext {
  plan: BlueGreenPlan;
  /**
   * The released revision. A new revision becomes stable once the active Service is on it and its post-promotion
   * analysis (if any) passed; until then the old one is stable, the rollback target.
   */
  stableHash: string;
  /** The revision in flight (or aborted); null when there is none. */
  newHash: string | null;
  /** 1 for the first try of `newHash`, +1 per retry; a revision released again continues from `lastAttempts`. */
  attempt: number;
  /** The last attempt of recently released revisions. Absent from states stored before it existed. */
  lastAttempts: LastAttempts;
  /** True once the new revision was asked for full size (before the switch). */
  newAtFullSize: boolean;
  runs: ActiveRun[];
  abort: AbortRecord | null;
  /** The person whose promote (or resume of the wait for one) released this attempt; absent when it promoted itself. */
  promotedBy?: string;
  /** Promotion gates that could not start; the active Service stays on (or goes back to) stable meanwhile. */
  blocked: BlockedGates | null;
  /** Set while the revision released before `stableHash` waits for its scale-down; null otherwise. */
  previous: PreviousRevision | null;
  at: BlueGreenClocks;
}

export const NO_BG_CLOCKS: BlueGreenClocks = { progressAt: null, pausedAt: null, switchedAt: null, heldAt: null, abortedAt: null };

/** The input of an inert actor (see the canary machine's context factory): never a real Rollout's. */
export const INERT_BLUE_GREEN_INPUT: MachineInput<BlueGreenPlan> = {
  plan: {
    strategy: 'blueGreen',
    replicas: 0,
    previewReplicaCount: 0,
    autoPromotionEnabled: false,
    autoPromotionSeconds: 0,
    scaleDownDelaySeconds: 0,
    abortScaleDownDelaySeconds: 0,
    progressDeadlineSeconds: 0,
    gitRevert: false,
  },
  stableHash: '',
  now: 0,
};

export function initialBlueGreenContext(input: MachineInput<BlueGreenPlan>): BlueGreenContext {
  return {
    plan: input.plan,
    stableHash: input.stableHash,
    newHash: null,
    attempt: 0,
    lastAttempts: {},
    newAtFullSize: false,
    runs: [],
    abort: null,
    blocked: null,
    previous: null,
    // A first release waits for its pods from the moment it is adopted (see first-release.ts).
    at: { ...NO_BG_CLOCKS, progressAt: input.now },
  };
}

/**
 * A stored context with the fields added since its layout version was first written filled with their defaults,
 * so a Rollout in flight keeps going across a controller upgrade without a version bump.
 */
export function withBlueGreenDefaults(stored: Record<string, unknown>): Record<string, unknown> {
  return { ...stored, lastAttempts: stored.lastAttempts ?? {}, blocked: stored.blocked ?? null, previous: stored.previous ?? null };
}

export function newHashOf(ctx: BlueGreenContext): string {
  return ctx.newHash ?? ctx.stableHash;
}

/** Pods the new revision should have now: the preview count until promotion, then full size. */
export function newReplicas(ctx: BlueGreenContext): number {
  return ctx.newAtFullSize ? ctx.plan.replicas : ctx.plan.previewReplicaCount;
}

export function isSwitched(ctx: BlueGreenContext): boolean {
  return ctx.at.switchedAt !== null;
}

export function progressDeadlineAt(ctx: BlueGreenContext): number | undefined {
  return ctx.at.progressAt === null ? undefined : ctx.at.progressAt + ctx.plan.progressDeadlineSeconds * 1000;
}

/** Automatic promotion time; undefined when promotion waits for a person. */
export function autoPromotionAt(ctx: BlueGreenContext): number | undefined {
  if (!ctx.plan.autoPromotionEnabled || ctx.at.pausedAt === null) return undefined;
  return ctx.at.pausedAt + ctx.plan.autoPromotionSeconds * 1000;
}

/** When the revision the active Service left scales down: scaleDownDelaySeconds after the switch. */
export function scaleDownOldAt(ctx: BlueGreenContext): number | undefined {
  // Argo docs features/specification.md (scaleDownDelayRevisionLimit): a limit of 0 lets no old revision wait.
  const delaySeconds = ctx.plan.scaleDownDelayRevisionLimit === 0 ? 0 : ctx.plan.scaleDownDelaySeconds;
  return ctx.at.switchedAt === null ? undefined : ctx.at.switchedAt + delaySeconds * 1000;
}

export function abortScaleDownAt(ctx: BlueGreenContext): number | undefined {
  return ctx.at.abortedAt === null ? undefined : ctx.at.abortedAt + ctx.plan.abortScaleDownDelaySeconds * 1000;
}

export function promotionRun(ctx: BlueGreenContext, gate: PromotionGate): ActiveRun {
  return { gate, name: analysisRunName(newHashOf(ctx), gate, ctx.attempt) };
}
