// Records a delivery's result in its release's `notified`, over a live read of the Rollout: touches nothing else, a
// 409 re-reads, and a key already recorded (by an earlier leader) is left as it is.
import type { LiveReader, StatusWriter } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import { updateStatusOverLiveRead } from '../kube/status-update.js';
import type { WriteTracker } from '../kube/write-tracker.js';
import { releaseIdentity, type NotificationRecord, type RevisionRecord, type Rollout } from '../resources/rollout.js';
import type { Delivery } from './notification-plan.js';

/** Per release: enough for every transition to several notifiers; the oldest entries go first. */
export const NOTIFIED_KEPT = 64;

export interface NotifiedWriterDeps {
  client: LiveReader & StatusWriter;
  writes?: WriteTracker;
}

type RolloutObject = Rollout & KubeObject;

/**
 * The live Rollout, unless it already records `delivery` (another leader sent it, or the cache lagged) or the release
 * is gone: then undefined, and nothing is to be sent.
 */
export async function unrecordedLive(client: LiveReader, rollout: Rollout, delivery: Delivery): Promise<RolloutObject | undefined> {
  const live = await client.get<RolloutObject>(Kinds.Rollout, rollout.metadata.namespace, rollout.metadata.name ?? '');
  const record = live && findRecord(live, delivery.release);
  return record === undefined || (record.notified ?? []).some((n) => n.key === delivery.key) ? undefined : live;
}

/**
 * Appends the results to their records; returns false when the Rollout or every record is gone. The first try writes
 * over `read` (a live read just taken) when given; a 409 reads again.
 */
export async function recordResults(deps: NotifiedWriterDeps, rollout: Rollout, results: ReadonlyArray<{ delivery: Delivery; result: NotificationRecord }>, read?: RolloutObject): Promise<boolean> {
  const { namespace = 'default', name = '' } = rollout.metadata;
  const written = await updateStatusOverLiveRead<RolloutObject>(deps.client, Kinds.Rollout, { namespace, name }, (live) => {
    const history = live.status?.history && withResults(live.status.history, results);
    return history === undefined ? undefined : { ...live.status, history };
  }, { ...(deps.writes ? { writes: deps.writes } : {}), ...(read ? { read } : {}) });
  return written !== undefined;
}

/** The history with each result appended to its record, or undefined when there is nothing new to write. */
function withResults(history: readonly RevisionRecord[], results: ReadonlyArray<{ delivery: Delivery; result: NotificationRecord }>): RevisionRecord[] | undefined {
  let changed = false;
  const next = history.map((record) => {
    const mine = results.filter(({ delivery }) => sameRelease(record, delivery.release));
    const known = new Set((record.notified ?? []).map((n) => n.key));
    const added = mine.map((r) => r.result).filter((r) => !known.has(r.key));
    if (added.length === 0) return record;
    changed = true;
    return { ...record, notified: [...(record.notified ?? []), ...added].slice(-NOTIFIED_KEPT) };
  });
  return changed ? next : undefined;
}

function findRecord(rollout: Rollout, release: Delivery['release']): RevisionRecord | undefined {
  return rollout.status?.history?.find((r) => sameRelease(r, release));
}

function sameRelease(record: RevisionRecord, release: Delivery['release']): boolean {
  return releaseIdentity(record) === releaseIdentity(release);
}
