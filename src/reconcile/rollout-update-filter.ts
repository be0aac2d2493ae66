// Which Rollout updates the reconcile pass must see (not the notification outbox's own writes, which change nothing it
// reads), and which come from a person and go ahead of bulk work.
import { isDeepStrictEqual } from 'node:util';
import type { KubeObject } from '../kube/kube-object.js';
import type { Rollout } from '../resources/rollout.js';

type RolloutObject = Rollout & KubeObject;

/**
 * False when `after` differs from `before` only in what the outbox records (`notified` in the release records) and in
 * the bookkeeping every write changes (resourceVersion, managedFields). A pass reads neither, so waking it for such a
 * write only costs a pass that writes nothing — one or two per release and notifier.
 */
export function wakesReconcile(before: RolloutObject | undefined, after: RolloutObject): boolean {
  if (before === undefined || before.metadata.generation !== after.metadata.generation) return true;
  const beforeHistory = before.status?.history;
  const afterHistory = after.status?.history;
  if (beforeHistory === undefined || afterHistory === undefined || beforeHistory.length !== afterHistory.length) return true;
  if (isDeepStrictEqual(beforeHistory, afterHistory)) return true;
  return !isDeepStrictEqual(withoutNotified(before), withoutNotified(after));
}

function withoutNotified(rollout: RolloutObject): unknown {
  const { resourceVersion: _rv, managedFields: _mf, ...metadata } = rollout.metadata as RolloutObject['metadata'] & { managedFields?: unknown };
  const history = rollout.status?.history?.map(({ notified: _n, ...record }) => record);
  return { ...rollout, metadata, status: { ...rollout.status, history } };
}

/**
 * True when a person has just asked something of the Rollout: a new command in status (promote, abort, retry, ...) or
 * spec.paused turned on or off. Such a pass goes ahead of bulk work in the queue, so a burst of releases does not make
 * an abort wait.
 */
export function carriesNewCommand(before: RolloutObject | undefined, after: RolloutObject): boolean {
  if (before === undefined) return false;
  const command = after.status?.command;
  if (command !== undefined && command.id !== before.status?.command?.id) return true;
  return (after.spec.paused ?? false) !== (before.spec.paused ?? false);
}
