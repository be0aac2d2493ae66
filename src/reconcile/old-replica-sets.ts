// What happens to the old ReplicaSets of a canary with a router (neither stable nor canary): each pass decides, from
// what is observed, which keep their pods until a scale-down deadline and which go now, and how fast.
//
// Argo docs features/specification.md (canary.scaleDownDelaySeconds, scaleDownDelayRevisionLimit): after a
// promotion the old stable keeps its pods for scaleDownDelaySeconds (default 30) so routers and kube-proxy stop
// sending it traffic first; its ReplicaSet is annotated with the deadline. At most scaleDownDelayRevisionLimit old
// ReplicaSets wait at once (newest first); older ones go at once. A superseded canary never had all traffic and goes
// at once. Argo docs features/canary/index.md: maxUnavailable "may still throttle old ReplicaSet scale-down" — pods
// are taken from old ReplicaSets only while spec.replicas - maxUnavailable stay available across all of them.
import { isNotFound } from '../kube/kube-api-error.js';
import type { ObjectWriter } from '../kube/kube-client.js';
import { Kinds } from '../kube/resource-kind.js';
import { surgeBoundsOf } from '../machine/canary-replicas.js';
import type { Effect } from '../machine/effects.js';
import type { RolloutPlan } from '../machine/rollout-plan.js';
import type { ReplicaTarget, RolloutView } from '../machine/rollout-view.js';
import { hashOf, type ReplicaSetObject } from '../resources/replica-set.js';
import { ROLLOUT_DEFAULTS } from '../resources/rollout-defaults.js';
import type { RolloutSpec } from '../resources/rollout.js';

/** Vane's name for Argo's `argo-rollouts.argoproj.io/scale-down-deadline`: when a waiting old ReplicaSet goes. */
export const SCALE_DOWN_DEADLINE_ANNOTATION = 'vane.dev/scale-down-deadline';

export interface OldReplicaSet {
  hash: string;
  replicas: number;
  available: number;
  /** Breaks ties in the order they may wait (see latestReplacedFirst). */
  createdAt: string;
  /** Epoch ms of the scale-down deadline this ReplicaSet carries, if any. */
  deadline?: number;
}

export interface OldReplicaSetPolicy {
  /** spec.replicas of the Rollout. */
  replicas: number;
  /** Pods allowed to be unavailable below spec.replicas (maxUnavailable resolved). */
  unavailable: number;
  /** How long a replaced stable keeps its pods; 0 scales it down at once. */
  delayMs: number;
  /** How many old ReplicaSets may wait at once. */
  revisionLimit: number;
  /** dynamicStableScale: the old stable was scaled down as traffic left it, so nothing waits. */
  dynamicStableScale: boolean;
}

export interface OldReplicaSetInput {
  policy: OldReplicaSetPolicy;
  /** No canary in flight: an old ReplicaSet is a replaced stable (Argo: "fully promoted"). */
  promoted: boolean;
  old: readonly OldReplicaSet[];
  /** Available pods of every ReplicaSet of the Rollout, old ones included. */
  availableTotal: number;
  now: number;
}

export interface OldReplicaSetPlan {
  /** New counts, only for ReplicaSets whose count changes. */
  scale: ReplicaTarget[];
  /** Deadlines to write (epoch ms) or remove (null), only where that changes. */
  deadlines: Array<{ hash: string; deadline: number | null }>;
  /** The earliest deadline still ahead: the pass to come back for it. */
  wakeAt?: number;
}

/** The counts and deadlines the old ReplicaSets should have now. */
export function planOldReplicaSets(input: OldReplicaSetInput): OldReplicaSetPlan {
  const { policy, now } = input;
  const plan: OldReplicaSetPlan = { scale: [], deadlines: [] };
  let maxScaleDown = input.availableTotal - (policy.replicas - policy.unavailable);
  let waiting = 0;
  for (const rs of [...input.old].sort(latestReplacedFirst)) {
    if (rs.replicas === 0) {
      if (rs.deadline !== undefined) plan.deadlines.push({ hash: rs.hash, deadline: null });
      continue;
    }
    let wanted = 0;
    if ((input.promoted || rs.deadline !== undefined) && !policy.dynamicStableScale && policy.delayMs > 0 && waiting < policy.revisionLimit) {
      const deadline = rs.deadline ?? now + policy.delayMs;
      if (deadline > now) {
        waiting += 1;
        wanted = rs.replicas;
        if (rs.deadline === undefined) plan.deadlines.push({ hash: rs.hash, deadline });
        plan.wakeAt = Math.min(plan.wakeAt ?? deadline, deadline);
      }
    }
    if (wanted === rs.replicas) continue;
    // Unready pods serve nothing: they go without counting against the availability bound.
    const unready = Math.max(0, rs.replicas - rs.available);
    const next = Math.max(wanted, rs.replicas - unready - Math.max(0, maxScaleDown));
    if (next === rs.replicas) continue;
    maxScaleDown -= Math.max(0, rs.replicas - next - unready);
    plan.scale.push({ hash: rs.hash, replicas: next });
    if (next === 0 && rs.deadline !== undefined) plan.deadlines.push({ hash: rs.hash, deadline: null });
  }
  return plan;
}

/**
 * Argo orders old ReplicaSets by revision, and a revision rolled back to gets a new number; Vane has no revision
 * numbers, so the one replaced last comes first: one not yet given a deadline (replaced in this pass), then by
 * deadline, the latest first; creation time breaks ties.
 */
function latestReplacedFirst(a: OldReplicaSet, b: OldReplicaSet): number {
  const byDeadline = (b.deadline ?? Number.POSITIVE_INFINITY) - (a.deadline ?? Number.POSITIVE_INFINITY);
  if (byDeadline !== 0 && !Number.isNaN(byDeadline)) return byDeadline;
  return b.createdAt.localeCompare(a.createdAt);
}

/** The deadline a ReplicaSet carries, in epoch ms; an unreadable one counts as passed (the RS may go). */
export function deadlineOf(rs: ReplicaSetObject): number | undefined {
  const value = rs.metadata.annotations?.[SCALE_DOWN_DEADLINE_ANNOTATION];
  if (value === undefined || value === '') return undefined;
  const at = Date.parse(value);
  return Number.isNaN(at) ? 0 : at;
}

/** A ReplicaSet as `planOldReplicaSets` reads it. */
export function oldReplicaSetOf(rs: ReplicaSetObject): OldReplicaSet {
  const deadline = deadlineOf(rs);
  return {
    hash: hashOf(rs) ?? '',
    replicas: rs.spec?.replicas ?? 0,
    available: rs.status?.availableReplicas ?? 0,
    createdAt: rs.metadata.creationTimestamp ?? '',
    ...(deadline === undefined ? {} : { deadline }),
  };
}

/** The policy a canary with a router follows for its old ReplicaSets; undefined for any other Rollout. */
export function oldReplicaSetPolicy(plan: RolloutPlan, spec: RolloutSpec): OldReplicaSetPolicy | undefined {
  const canary = spec.strategy.canary;
  if (plan.strategy !== 'canary' || !plan.hasTrafficRouting || canary === undefined) return undefined;
  return {
    replicas: plan.replicas,
    unavailable: surgeBoundsOf(plan).unavailable,
    delayMs: (canary.scaleDownDelaySeconds ?? ROLLOUT_DEFAULTS.scaleDownDelaySeconds) * 1000,
    revisionLimit: canary.scaleDownDelayRevisionLimit ?? Number.POSITIVE_INFINITY,
    dynamicStableScale: canary.dynamicStableScale === true,
  };
}

export interface OldReplicaSetPass {
  effects: Effect[];
  deadlines: Array<{ hash: string; deadline: number | null }>;
  wakeAt?: number;
}

/**
 * The pass's effects with the machine's scale-downs of old ReplicaSets replaced by what the delay, the revision
 * limit and maxUnavailable allow now; and the deadlines to write, including the removal of a deadline from a
 * ReplicaSet that is stable or canary again (a rollback to a revision still waiting).
 */
export function oldReplicaSetPass(effects: readonly Effect[], policy: OldReplicaSetPolicy, view: RolloutView, replicaSets: readonly ReplicaSetObject[], now: number): OldReplicaSetPass {
  const targets = new Set(view.desiredReplicas.map((t) => t.hash));
  const old = replicaSets.filter((rs) => !targets.has(hashOf(rs) ?? ''));
  const plan = planOldReplicaSets({
    policy,
    promoted: view.canaryHash === undefined,
    old: old.map(oldReplicaSetOf),
    availableTotal: replicaSets.reduce((sum, rs) => sum + (rs.status?.availableReplicas ?? 0), 0),
    now,
  });
  const kept = effects.filter((e) => e.type !== 'scaleReplicaSet' || targets.has(e.hash));
  const revived = replicaSets.filter((rs) => targets.has(hashOf(rs) ?? '') && deadlineOf(rs) !== undefined).map((rs) => ({ hash: hashOf(rs) ?? '', deadline: null }));
  return {
    effects: [...kept, ...plan.scale.map((t): Effect => ({ type: 'scaleReplicaSet', hash: t.hash, replicas: t.replicas }))],
    deadlines: [...plan.deadlines, ...revived],
    ...(plan.wakeAt === undefined ? {} : { wakeAt: plan.wakeAt }),
  };
}

/** The annotation that writes a scale-down deadline, or removes it (null). */
export function deadlineAnnotation(deadline: number | null): Record<string, string | null> {
  return { [SCALE_DOWN_DEADLINE_ANNOTATION]: deadline === null ? null : new Date(deadline).toISOString() };
}

/**
 * Writes (or removes) the scale-down deadline annotations of ReplicaSets this pass did not scale (a scaled one
 * carries its deadline in its scale request); a ReplicaSet gone since it was read is skipped.
 */
export async function writeScaleDownDeadlines(writer: ObjectWriter, replicaSets: readonly ReplicaSetObject[], deadlines: OldReplicaSetPass['deadlines'], scaled: ReadonlySet<string>): Promise<void> {
  for (const { hash, deadline } of deadlines) {
    const rs = replicaSets.find((r) => hashOf(r) === hash);
    if (rs === undefined || scaled.has(hash)) continue;
    const patch = { metadata: { annotations: deadlineAnnotation(deadline) } };
    await writer.patch(Kinds.ReplicaSet, rs.metadata.namespace, rs.metadata.name ?? '', patch, 'merge').catch((err: unknown) => {
      if (!isNotFound(err)) throw err;
    });
  }
}
