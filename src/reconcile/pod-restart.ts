// spec.restartAt: every pod created before that time is recreated, without a new revision (Argo docs
// features/restart.md): pods are deleted one ReplicaSet at a time (stable, current, then the oldest others), never more
// unavailable at once than maxUnavailable allows, and each ReplicaSet brings up the replacements.
import type { LiveReader, ObjectWriter } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import { DEFAULT_UNAVAILABLE, resolveSurgeBounds, scaledValue } from '../machine/surge-bounds.js';
import { POD_TEMPLATE_HASH_LABEL } from '../resources/pod-template-hash.js';
import { hashOf, type ReplicaSetObject } from '../resources/replica-set.js';
import type { Rollout } from '../resources/rollout.js';

/** How soon a restart under way is looked at again (pod deletions also wake the Rollout through its ReplicaSets). */
const RESTART_RECHECK_MS = 1_000;

export interface RestartOutcome {
  /** Set once every pod is newer than spec.restartAt: status.restartedAt. */
  restartedAt?: string;
  requeueAfterMs?: number;
}

export interface RestartContext {
  rollout: Rollout;
  replicaSets: ReplicaSetObject[];
  stableHash: string;
  currentHash: string;
  client: LiveReader & ObjectWriter;
  now: number;
}

/**
 * Pods that may be unavailable at once during a restart: Argo's maxUnavailable, and at least one (restart.md). A
 * canary's is resolved with its maxSurge as its updates do; a blue-green's (used for nothing else) is a count or a
 * percentage rounded down, 25% when absent, as Argo defaults both.
 */
export function restartBudget(rollout: Rollout, replicas: number): number {
  const { canary, blueGreen } = rollout.spec.strategy;
  const count = canary
    ? resolveSurgeBounds(canary.maxSurge, canary.maxUnavailable, replicas).unavailable
    : Math.min(replicas, scaledValue(blueGreen?.maxUnavailable ?? DEFAULT_UNAVAILABLE, replicas, false));
  return Math.max(1, Number.isFinite(count) ? count : 1);
}

/** Stable first, then the current revision, then the others from the oldest (restart.md). */
export function restartOrder(replicaSets: ReplicaSetObject[], stableHash: string, currentHash: string): ReplicaSetObject[] {
  const rank = (rs: ReplicaSetObject): number => (hashOf(rs) === stableHash ? 0 : hashOf(rs) === currentHash ? 1 : 2);
  return [...replicaSets]
    .filter((rs) => (rs.spec?.replicas ?? 0) > 0)
    .sort((a, b) => rank(a) - rank(b) || (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''));
}

/** One step of a restart: delete what the budget allows of the first ReplicaSet that still has old pods. */
export async function restartPods(ctx: RestartContext): Promise<RestartOutcome> {
  const restartAt = ctx.rollout.spec.restartAt;
  if (restartAt === undefined || ctx.rollout.status?.restartedAt === restartAt) return {};
  const at = Date.parse(restartAt);
  if (at > ctx.now) return { requeueAfterMs: at - ctx.now };
  const replicas = ctx.rollout.spec.replicas ?? 1;
  const missing = (rs: ReplicaSetObject): number => Math.max(0, (rs.spec?.replicas ?? 0) - (rs.status?.availableReplicas ?? 0));
  for (const rs of restartOrder(ctx.replicaSets, ctx.stableHash, ctx.currentHash)) {
    const pods = await podsOf(ctx, rs);
    const old = pods.filter((pod) => Date.parse(pod.metadata.creationTimestamp ?? '') < at);
    if (old.length === 0) continue;
    // This ReplicaSet's pods are counted live (the cached status may not show the last deletion yet); the others' from status.
    const here = Math.max(0, (rs.spec?.replicas ?? 0) - pods.filter(isReady).length);
    const elsewhere = ctx.replicaSets.filter((other) => other !== rs).reduce((sum, other) => sum + missing(other), 0);
    const allowed = restartBudget(ctx.rollout, replicas) - here - elsewhere;
    for (const pod of old.slice(0, Math.max(0, allowed))) {
      await ctx.client.delete(Kinds.Pod, pod.metadata.namespace, pod.metadata.name ?? '');
    }
    return { requeueAfterMs: RESTART_RECHECK_MS };
  }
  return { restartedAt: restartAt };
}

async function podsOf(ctx: RestartContext, rs: ReplicaSetObject): Promise<KubeObject[]> {
  const hash = hashOf(rs) ?? '';
  const { items } = await ctx.client.list<KubeObject>(Kinds.Pod, rs.metadata.namespace, { labelSelector: `${POD_TEMPLATE_HASH_LABEL}=${hash}` });
  const uid = rs.metadata.uid;
  return items.filter((pod) => !pod.metadata.deletionTimestamp && pod.metadata.ownerReferences?.some((ref) => ref.uid === uid));
}

function isReady(pod: KubeObject): boolean {
  const conditions = (pod['status'] as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}
