// The bounded release history in status.history: one record per release (pod-template hash, attempt), upserted from
// the record effects a pass executed.
import type { EffectOf } from '../machine/effects.js';
import type { RevisionRecord } from '../resources/rollout.js';

/** Releases kept in status.history. */
export const HISTORY_KEPT = 10;

/** The effects that write a release's record. */
export type ReleaseRecordEffect = EffectOf<'recordRevision'>;

/**
 * Upserts the records into the history, oldest first, the oldest dropped beyond `limit`. Applying the same effects
 * again changes nothing, so a replayed pass writes the same record.
 */
export function mergeHistory(history: RevisionRecord[] | undefined, records: readonly ReleaseRecordEffect[], images: (hash: string) => string[], limit = HISTORY_KEPT): RevisionRecord[] {
  const list = [...(history ?? [])];
  for (const record of records) {
    const index = releaseIndex(list, record.hash, record.attempt);
    const finished = record.outcome !== 'Progressing';
    if (index >= 0) {
      const current = list[index] as RevisionRecord;
      // A finished record keeps the time it first finished: a replayed verdict is not a new one.
      const finishedAt = current.outcome === record.outcome && current.finishedAt !== undefined ? current.finishedAt : record.at;
      list[index] = { ...current, attempt: record.attempt, outcome: record.outcome, ...(finished ? { finishedAt } : {}) };
    } else {
      list.push({ podTemplateHash: record.hash, attempt: record.attempt, images: images(record.hash), outcome: record.outcome, startedAt: record.at, ...(finished ? { finishedAt: record.at } : {}) });
    }
  }
  return list.slice(-limit);
}

/**
 * The record of release (hash, attempt), the latest first; -1 when there is none. A record written before attempts
 * were recorded has none: it is taken for the release of its hash while it is still in progress.
 */
export function releaseIndex(list: readonly RevisionRecord[], hash: string, attempt: number): number {
  return list.findLastIndex((h) => h.podTemplateHash === hash && (h.attempt === undefined ? h.outcome === 'Progressing' : h.attempt === attempt));
}
