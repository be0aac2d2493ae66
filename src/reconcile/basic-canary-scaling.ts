// The next ReplicaSet counts of a canary without a router, moving towards the machine's targets no faster than
// maxSurge and maxUnavailable allow; recomputed from what is observed on every pass (level-triggered).
//
// Argo docs features/canary/index.md ("Mimicking Rolling Update", maxSurge, maxUnavailable): for a canary without
// trafficRouting the pods are the traffic, so the ReplicaSets move like a Deployment's rolling update: the total of
// spec.replicas never exceeds spec.replicas + maxSurge, and pods are only taken away while at least
// spec.replicas - maxUnavailable stay available. Stable grows before the canary; older ReplicaSets (a superseded
// canary, the stable before a promotion) shrink before canary or stable do, their unavailable pods first.
import { surgeBoundsOf } from '../machine/canary-replicas.js';
import type { Effect } from '../machine/effects.js';
import type { CanaryPlan } from '../machine/rollout-plan.js';
import type { ReplicaTarget } from '../machine/rollout-view.js';
import type { SurgeBounds } from '../machine/surge-bounds.js';
import { hashOf, type ReplicaSetObject } from '../resources/replica-set.js';

/** A ReplicaSet as this arithmetic needs it: its revision, the pods it asks for and those available. */
export interface ObservedCounts {
  hash: string;
  replicas: number;
  available: number;
  /** Orders older ReplicaSets: the newest shrinks first, as Argo scales old ReplicaSets down by revision. */
  createdAt: string;
}

export interface ScalingInput {
  /** spec.replicas of the Rollout. */
  replicas: number;
  bounds: SurgeBounds;
  /** What the machine asks for: `[stable, canary]` while a revision is in flight, `[stable]` otherwise. */
  targets: readonly ReplicaTarget[];
  replicaSets: readonly ObservedCounts[];
}

/** The count each ReplicaSet should be given now: every target (a missing one is created), others only on change. */
export function nextBasicCanaryCounts(input: ScalingInput): ReplicaTarget[] {
  const [first, second] = input.targets;
  if (first === undefined) return [];
  // One target, or both the same revision: it is the new one, wanted at its count, with no stable beside it.
  const stableTarget = second === undefined || second.hash === first.hash ? undefined : first;
  const canaryTarget = stableTarget === undefined ? first : (second as ReplicaTarget);
  const find = (hash: string): ObservedCounts | undefined => input.replicaSets.find((rs) => rs.hash === hash);
  const canary = find(canaryTarget.hash);
  const stable = stableTarget === undefined ? undefined : find(stableTarget.hash);
  const others = input.replicaSets.filter((rs) => rs.hash !== canaryTarget.hash && rs.hash !== stableTarget?.hash);
  const next = pairCounts(input, { rs: canary, target: canaryTarget.replicas }, stableTarget === undefined ? undefined : { rs: stable, target: stableTarget.replicas }, others);
  const result: ReplicaTarget[] = [];
  if (stableTarget !== undefined) result.push({ hash: stableTarget.hash, replicas: next.stable });
  result.push({ hash: canaryTarget.hash, replicas: next.canary });
  return [...result, ...otherCounts(input, others)];
}

interface Side {
  rs: ObservedCounts | undefined;
  target: number;
}

/** Canary and stable: grow within the surge (stable first), then shrink within the unavailability allowed. */
function pairCounts(input: ScalingInput, canary: Side, stable: Side | undefined, others: readonly ObservedCounts[]): { canary: number; stable: number } {
  const maxTotal = input.replicas + input.bounds.surge;
  const othersTotal = sum(others.map((rs) => rs.replicas));
  let canaryNext = canary.rs?.replicas ?? 0;
  let stableNext = stable?.rs?.replicas ?? 0;
  let room = maxTotal - othersTotal - canaryNext - stableNext;
  if (stable !== undefined && stableNext < stable.target && room > 0) {
    const grow = Math.min(room, stable.target - stableNext);
    stableNext += grow;
    room -= grow;
  }
  if (canaryNext < canary.target && room > 0) canaryNext = Math.min(canary.target, canaryNext + room);
  // Older ReplicaSets serve traffic too: they go first, before canary or stable lose a pod.
  if (othersTotal > 0) return { canary: canaryNext, stable: stableNext };

  const minAvailable = input.replicas - input.bounds.unavailable;
  // Growing the canary, stable's unready pods still count as removable (or a crash-looping stable would block the
  // rollout); shrinking it (an abort), the canary's do.
  const increasing = canary.rs === undefined || canary.target >= canary.rs.replicas;
  const removable = forScaleDown(canary.rs, !increasing) + forScaleDown(stable?.rs, increasing);
  if (removable <= minAvailable) return { canary: canaryNext, stable: stableNext };
  const scaleDown = removable - minAvailable;
  if (!increasing) {
    canaryNext = drained(canary, scaleDown, canaryNext);
    const [c, s] = withinLimits(canary.rs, stable?.rs, canaryNext, stableNext, maxTotal, minAvailable);
    return { canary: c, stable: s };
  }
  if (stable === undefined) return { canary: canaryNext, stable: stableNext };
  stableNext = drained(stable, scaleDown, stableNext);
  const [s, c] = withinLimits(stable.rs, canary.rs, stableNext, canaryNext, maxTotal, minAvailable);
  return { canary: c, stable: s };
}

/** Pods of `rs` that may be counted on when deciding how many to take away. */
function forScaleDown(rs: ObservedCounts | undefined, ignoreAvailability: boolean): number {
  if (rs === undefined) return 0;
  // Pods above spec.replicas are already going: never count them as available.
  if (rs.replicas < rs.available) return rs.replicas;
  return ignoreAvailability ? rs.replicas : rs.available;
}

function drained(side: Side, scaleDown: number, current: number): number {
  if (side.rs === undefined || side.rs.replicas <= side.target) return current;
  return Math.max(side.target, side.rs.replicas - scaleDown);
}

/**
 * Keeps the pair within the surge and the availability bound after the draining side shrank: the other side gives
 * back what exceeds the surge, but keeps available pods the minimum still needs.
 */
function withinLimits(
  drainRs: ObservedCounts | undefined,
  adjustRs: ObservedCounts | undefined,
  drainCount: number,
  adjustCount: number,
  maxTotal: number,
  minAvailable: number,
): [number, number] {
  if (adjustRs === undefined) return [drainCount, adjustCount];
  let available = drainRs === undefined ? 0 : Math.min(drainRs.available, drainCount);
  let adjusted = adjustCount - Math.max(0, adjustCount + drainCount - maxTotal);
  available += Math.min(adjustRs.available, adjusted);
  const lostAvailable = Math.max(0, adjustRs.available - adjusted);
  adjusted += Math.min(lostAvailable, Math.max(0, minAvailable - available));
  return [drainCount - Math.max(0, adjusted + drainCount - maxTotal), adjusted];
}

/** Older ReplicaSets: unavailable pods go at once, then available ones while the availability bound allows. */
function otherCounts(input: ScalingInput, others: readonly ObservedCounts[]): ReplicaTarget[] {
  const counts = new Map(others.map((rs) => [rs.hash, Math.min(rs.replicas, rs.available)]));
  const allAvailable = sum(input.replicaSets.map((rs) => rs.available));
  let maxScaleDown = allAvailable - (input.replicas - input.bounds.unavailable);
  const newestFirst = [...others].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  for (const rs of newestFirst) {
    const current = counts.get(rs.hash) ?? 0;
    if (maxScaleDown <= 0 || current === 0) continue;
    const next = Math.max(0, current - maxScaleDown);
    maxScaleDown -= current - next;
    counts.set(rs.hash, next);
  }
  return others.filter((rs) => counts.get(rs.hash) !== rs.replicas).map((rs) => ({ hash: rs.hash, replicas: counts.get(rs.hash) ?? 0 }));
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/**
 * The pass's effects with the machine's scale targets replaced by the next bounded counts: the machine says where a
 * canary without a router is going (view.desiredReplicas), this says how far it may go now. Recomputed every pass,
 * so the counts keep moving as pods become available, whatever state the machine rests in.
 */
export function boundedScaleEffects(effects: readonly Effect[], plan: CanaryPlan, targets: readonly ReplicaTarget[], replicaSets: readonly ReplicaSetObject[]): Effect[] {
  const observed = replicaSets.map((rs) => ({
    hash: hashOf(rs) ?? '',
    replicas: rs.spec?.replicas ?? 0,
    available: rs.status?.availableReplicas ?? 0,
    createdAt: rs.metadata.creationTimestamp ?? '',
  }));
  const next = nextBasicCanaryCounts({ replicas: plan.replicas, bounds: surgeBoundsOf(plan), targets, replicaSets: observed });
  return [...effects.filter((e) => e.type !== 'scaleReplicaSet'), ...next.map((t): Effect => ({ type: 'scaleReplicaSet', hash: t.hash, replicas: t.replicas }))];
}

/**
 * Argo's basic canary completes a step only when the canary is available at its count, stable is at its count and
 * no older ReplicaSet still has available pods (they would take traffic): `replicasReady` for the canary waits for
 * all of that.
 */
export function basicCanarySettled(targets: readonly ReplicaTarget[], replicaSets: readonly ReplicaSetObject[]): boolean {
  const wanted = new Map(targets.map((t) => [t.hash, t.replicas]));
  return replicaSets.every((rs) => {
    const desired = wanted.get(hashOf(rs) ?? '');
    if (desired === undefined) return (rs.status?.availableReplicas ?? 0) === 0;
    return (rs.spec?.replicas ?? 0) === desired && (rs.status?.replicas ?? 0) === desired;
  });
}
