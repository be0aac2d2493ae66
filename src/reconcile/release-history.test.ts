// The release records in status.history: one per (pod-template hash, attempt), upserted idempotently.
import { describe, expect, it } from 'vitest';
import type { RevisionRecord } from '../resources/rollout.js';
import { mergeHistory, type ReleaseRecordEffect } from './release-history.js';

const images = (hash: string): string[] => [`app:${hash}`];

function rec(hash: string, attempt: number, outcome: RevisionRecord['outcome'], at: string): ReleaseRecordEffect {
  return { type: 'recordRevision', hash, attempt, outcome, at };
}

describe('mergeHistory', () => {
  it('given a release that starts, then a record with its attempt is added', () => {
    const history = mergeHistory(undefined, [rec('h2', 1, 'Progressing', 'T1')], images);
    expect(history).toEqual([{ podTemplateHash: 'h2', attempt: 1, images: ['app:h2'], outcome: 'Progressing', startedAt: 'T1' }]);
  });

  it('given an aborted attempt 1 retried as attempt 2, then each attempt has its own record', () => {
    let history = mergeHistory(undefined, [rec('h2', 1, 'Progressing', 'T1'), rec('h2', 1, 'Aborted', 'T2')], images);
    history = mergeHistory(history, [rec('h2', 2, 'Progressing', 'T3'), rec('h2', 2, 'Promoted', 'T4')], images);
    expect(history.map((h) => [h.attempt, h.outcome, h.startedAt, h.finishedAt])).toEqual([
      [1, 'Aborted', 'T1', 'T2'],
      [2, 'Promoted', 'T3', 'T4'],
    ]);
  });

  it('given a verdict replayed by a later pass, then the record keeps the time it first finished', () => {
    const once = mergeHistory(undefined, [rec('h2', 1, 'Progressing', 'T1'), rec('h2', 1, 'Aborted', 'T2')], images);
    const twice = mergeHistory(once, [rec('h2', 1, 'Aborted', 'T9')], images);
    expect(twice).toEqual(once);
  });

  it('given a record written before attempts were recorded, then its release in progress is finished in place', () => {
    const legacy: RevisionRecord[] = [{ podTemplateHash: 'h2', images: ['app:h2'], outcome: 'Progressing', startedAt: 'T1' }];
    const history = mergeHistory(legacy, [rec('h2', 1, 'Promoted', 'T2')], images);
    expect(history).toEqual([{ podTemplateHash: 'h2', attempt: 1, images: ['app:h2'], outcome: 'Promoted', startedAt: 'T1', finishedAt: 'T2' }]);
  });

  it('given a finished record written before attempts were recorded, then a new release of its hash gets a new record', () => {
    const legacy: RevisionRecord[] = [{ podTemplateHash: 'h2', images: ['app:h2'], outcome: 'Aborted', startedAt: 'T1', finishedAt: 'T2' }];
    const history = mergeHistory(legacy, [rec('h2', 2, 'Progressing', 'T3')], images);
    expect(history).toHaveLength(2);
    expect(history[0]).toEqual(legacy[0]);
    expect(history[1]).toMatchObject({ attempt: 2, outcome: 'Progressing', startedAt: 'T3' });
  });

  it('given more releases than the limit, then the oldest go', () => {
    const records = ['a', 'b', 'c'].map((hash, i) => rec(hash, 1, 'Progressing', `T${i}`));
    expect(mergeHistory(undefined, records, images, 2).map((h) => h.podTemplateHash)).toEqual(['b', 'c']);
  });
});
