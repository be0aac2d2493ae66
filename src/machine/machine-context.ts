// Context pieces both rollout machines share: their input, active analysis runs and the abort record.
import type { AbortReason } from './effects.js';

/** What a machine starts from: a Rollout seen for the first time, its current template adopted as stable. */
export interface MachineInput<P> {
  plan: P;
  stableHash: string;
  now: number;
}

/** An AnalysisRun the machine created and is waiting on (or running in the background). */
export interface ActiveRun {
  gate: string;
  name: string;
  /** An experiment step's Experiment (absent: an AnalysisRun); its verdict arrives as an `analysis` event too. */
  kind?: 'experiment';
}

export interface AbortRecord {
  reason: AbortReason;
  message: string;
  actor?: string;
  /** The run whose verdict caused the abort, as the machine names it. Absent from records stored before it existed. */
  runName?: string;
}

/** Why a gate's run could not be created: its AnalysisTemplate is missing, or it cannot be used as it is. */
export type GateBlockReason = 'ReferenceNotFound' | 'InvalidReference';

/**
 * Analysis gates whose runs could not be created: a configuration error (a missing AnalysisTemplate or argument, a
 * condition that does not compile), not a verdict on the release. The rollout waits with traffic on stable.
 */
export interface BlockedGates {
  gates: string[];
  reason: GateBlockReason;
  /** What is wrong, one sentence per gate, as the reconciler found it. */
  message: string;
  since: number;
}

/** Epoch ms, or null when that clock is not running. */
export type Stamp = number | null;

/** The later of the stamps that are set; `fallback` when none is. */
export function latest(stamps: readonly Stamp[], fallback: number): number {
  return stamps.reduce<number>((max, s) => (s !== null && s > max ? s : max), fallback);
}

export function toIso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}
