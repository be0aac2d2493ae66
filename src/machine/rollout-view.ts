// What a reconcile pass and the API read from a machine state: phase, hashes, pauses, runs and the next wake-up.
import type { PauseCondition, PauseReason, RolloutPhase } from '../resources/rollout.js';
import type { AbortReason, EffectOf } from './effects.js';
import { toIso, type ActiveRun, type GateBlockReason } from './machine-context.js';
import type { RolloutStrategyKind } from './rollout-plan.js';

/** The replica count the machine last asked of the ReplicaSet of `hash`; `replicasReady` is judged against it. */
export interface ReplicaTarget {
  hash: string;
  replicas: number;
}

export interface RolloutView {
  strategy: RolloutStrategyKind;
  phase: RolloutPhase;
  message: string;
  /** The machine's state as a path, e.g. "progressing.flow.analyzing+hold.running"; for logs and debugging. */
  state: string;
  /** Canary: the current step (steps.length once all are done). Blue-green: undefined. */
  currentStepIndex?: number;
  /** Share of traffic on the new version: the canary weight, or 0/100 around a blue-green switch. */
  canaryWeight: number;
  /** The promoted revision. */
  stableHash: string;
  /** Canary: the revision in flight (or aborted). */
  canaryHash?: string;
  /** Blue-green: the revision the active Service selects. */
  activeHash?: string;
  /** Blue-green: the revision in flight (or aborted), selected by the preview Service. */
  previewHash?: string;
  /** Blue-green: the revision the active Service left at the last release, kept until `scaleDownAt` (ISO 8601). */
  previous?: { hash: string; scaleDownAt: string };
  /** 1 for the first try of the in-flight revision, +1 per retry; undefined when nothing is in flight. */
  attempt?: number;
  desiredReplicas: ReplicaTarget[];
  pauseConditions: PauseCondition[];
  /** Runs the machine waits on (or runs in the background); a finished one is reported with an `analysis` event. */
  analysisRuns: ActiveRun[];
  /** Canary: names of the header routes the rollout has set and not yet removed. */
  headerRoutes?: string[];
  aborted: boolean;
  /** Why the rollout aborted; for a first release past its deadline (Degraded, not aborted), why it stalled. */
  abort?: { reason: AbortReason; message: string; at?: string };
  /**
   * Gates that could not start (Degraded, not aborted): why, since when (ISO 8601), and the runs the rollout creates
   * once every one of them can be built (a `gateReady` event).
   */
  blockedGates?: { gates: string[]; reason: GateBlockReason; message: string; since: string; runs: Array<EffectOf<'createAnalysisRun'>> };
  /** Earliest epoch ms at which a `tick` can change something; undefined when nothing is timed. */
  nextWakeAt?: number;
}

export function pauseCondition(reason: PauseReason, at: number | null): PauseCondition {
  return { reason, startTime: toIso(at ?? 0) };
}

/** Progressing, or Paused when anything holds the rollout. */
export function progressingPhase(pauses: readonly PauseCondition[]): RolloutPhase {
  return pauses.length > 0 ? 'Paused' : 'Progressing';
}

/** The earliest of the timers that apply; undefined when none does. */
export function earliest(times: ReadonlyArray<number | undefined>): number | undefined {
  const set = times.filter((t): t is number => t !== undefined);
  return set.length === 0 ? undefined : Math.min(...set);
}

/** "a.b+c.d" for a (possibly parallel) state value. */
export function statePath(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value !== 'object' || value === null) return String(value);
  const entries = Object.entries(value as Record<string, unknown>);
  return entries.map(([key, child]) => (isLeafless(child) ? key : `${key}.${statePath(child)}`)).join('+');
}

function isLeafless(child: unknown): boolean {
  return typeof child === 'object' && child !== null && Object.keys(child).length === 0;
}
