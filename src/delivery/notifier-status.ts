// The Ready condition of a Notifier or ClusterNotifier: False with every validation problem when its spec is invalid
// (the outbox then sends nothing through it), True otherwise. Written over a live read, only when it changes.
import type { LiveReader, StatusWriter } from '../kube/kube-client.js';
import { updateStatusOverLiveRead } from '../kube/status-update.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import { formatFieldErrors } from '../resources/field-error.js';
import type { ClusterNotifier, Notifier, NotifierStatus } from '../resources/notifier.js';
import { validateClusterNotifier, validateNotifier } from '../resources/notifier-validation.js';

type Condition = NonNullable<NotifierStatus['conditions']>[number];
type NotifierObject = (Notifier | ClusterNotifier) & KubeObject;

export const READY = 'Ready';

/** Every problem of the notifier's spec; empty when the outbox may send through it. */
export function notifierProblems(notifier: Notifier | ClusterNotifier): string[] {
  const errors = notifier.kind === 'ClusterNotifier' ? validateClusterNotifier(notifier) : validateNotifier(notifier);
  return errors.length === 0 ? [] : formatFieldErrors(errors).split('\n');
}

export function readyCondition(problems: readonly string[]): Omit<Condition, 'lastTransitionTime'> {
  return problems.length === 0
    ? { type: READY, status: 'True', reason: 'Valid', message: 'the spec is valid; transitions are sent' }
    : { type: READY, status: 'False', reason: 'InvalidSpec', message: `nothing is sent until the spec is fixed: ${problems.join('; ')}` };
}

/** Writes the Ready condition when the live object's differs; a 409 re-reads. Returns whether it wrote. */
export async function writeReadyCondition(client: LiveReader & StatusWriter, kind: 'Notifier' | 'ClusterNotifier', namespace: string | undefined, name: string, now: number): Promise<boolean> {
  const resource = kind === 'Notifier' ? Kinds.Notifier : Kinds.ClusterNotifier;
  const written = await updateStatusOverLiveRead<NotifierObject>(client, resource, { namespace, name }, (live) => {
    const wanted = readyCondition(notifierProblems(live));
    const current = live.status?.conditions?.find((c) => c.type === READY);
    const generation = live.metadata.generation;
    if (current && current.status === wanted.status && current.message === wanted.message && live.status?.observedGeneration === generation) return undefined;
    const condition: Condition = { ...wanted, lastTransitionTime: current?.status === wanted.status ? current.lastTransitionTime : new Date(now).toISOString() };
    const conditions = [...(live.status?.conditions ?? []).filter((c) => c.type !== READY), condition];
    return { ...live.status, ...(generation !== undefined ? { observedGeneration: generation } : {}), conditions };
  });
  return written !== undefined;
}
