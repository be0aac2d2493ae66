// How many pods a rollout may add above spec.replicas (surge) and take away below it (unavailable) while it moves.
import type { IntOrString } from '../resources/meta.js';

/** Argo docs features/canary/index.md: maxSurge and maxUnavailable both default to "25%". */
export const DEFAULT_SURGE: IntOrString = '25%';
export const DEFAULT_UNAVAILABLE: IntOrString = '25%';

export interface SurgeBounds {
  /** Pods allowed above spec.replicas. */
  surge: number;
  /** Pods allowed to be unavailable below spec.replicas. */
  unavailable: number;
}

/**
 * Resolves maxSurge (a percentage rounds up) and maxUnavailable (rounds down) against `replicas`, as a Deployment
 * does: when both come to 0 (a small percentage of few pods), one pod may be unavailable so the rollout can move.
 */
export function resolveSurgeBounds(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, replicas: number): SurgeBounds {
  const surge = scaledValue(maxSurge ?? DEFAULT_SURGE, replicas, true);
  let unavailable = scaledValue(maxUnavailable ?? DEFAULT_UNAVAILABLE, replicas, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  // Never more unavailable than there are pods; a Rollout of no pods has nothing to make unavailable.
  return { surge, unavailable: Math.min(unavailable, replicas) };
}

/** An absolute count, or a percentage of `total` rounded up or down. */
export function scaledValue(value: IntOrString, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const percent = Number.parseInt(value, 10);
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}
