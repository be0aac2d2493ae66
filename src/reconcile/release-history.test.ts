// The release records in status.history: one per (pod-template hash, attempt), upserted idempotently.
import { describe, expect, it } from 'vitest';
import type { EffectOf } from '../machine/effects.js';
import type { AnalysisRun } from '../resources/analysis.js';
import { RELEASE_STEPS_KEPT, type RevisionRecord } from '../resources/rollout.js';
import { elapsed, failingMetric, mergeHistory, stampRestored, type ReleaseRecordEffect } from './release-history.js';

const lookups = { images: (hash: string): string[] => [`app:${hash}`] };

function rec(hash: string, attempt: number, outcome: RevisionRecord['outcome'], at: string): EffectOf<'recordRevision'> {
  return { type: 'recordRevision', hash, attempt, outcome, at };
}

describe('mergeHistory', () => {
  it('given a release that starts, then a record with its attempt is added', () => {
    const history = mergeHistory(undefined, [rec('h2', 1, 'Progressing', 'T1')], lookups);
    expect(history).toEqual([{ podTemplateHash: 'h2', attempt: 1, images: ['app:h2'], outcome: 'Progressing', startedAt: 'T1' }]);
  });

  it('given an aborted attempt 1 retried as attempt 2, then each attempt has its own record', () => {
    let history = mergeHistory(undefined, [rec('h2', 1, 'Progressing', 'T1'), rec('h2', 1, 'Aborted', 'T2')], lookups);
    history = mergeHistory(history, [rec('h2', 2, 'Progressing', 'T3'), rec('h2', 2, 'Promoted', 'T4')], lookups);
    expect(history.map((h) => [h.attempt, h.outcome, h.startedAt, h.finishedAt])).toEqual([
      [1, 'Aborted', 'T1', 'T2'],
      [2, 'Promoted', 'T3', 'T4'],
    ]);
  });

  it('given a verdict replayed by a later pass, then the record keeps the time it first finished', () => {
    const once = mergeHistory(undefined, [rec('h2', 1, 'Progressing', 'T1'), rec('h2', 1, 'Aborted', 'T2')], lookups);
    const twice = mergeHistory(once, [rec('h2', 1, 'Aborted', 'T9')], lookups);
    expect(twice).toEqual(once);
  });

  it('given a record written before attempts were recorded, then its release in progress is finished in place', () => {
    const legacy: RevisionRecord[] = [{ podTemplateHash: 'h2', images: ['app:h2'], outcome: 'Progressing', startedAt: 'T1' }];
    const history = mergeHistory(legacy, [rec('h2', 1, 'Promoted', 'T2')], lookups);
    expect(history).toEqual([{ podTemplateHash: 'h2', attempt: 1, images: ['app:h2'], outcome: 'Promoted', startedAt: 'T1', finishedAt: 'T2' }]);
  });

  it('given a finished record written before attempts were recorded, then a new release of its hash gets a new record', () => {
    const legacy: RevisionRecord[] = [{ podTemplateHash: 'h2', images: ['app:h2'], outcome: 'Aborted', startedAt: 'T1', finishedAt: 'T2' }];
    const history = mergeHistory(legacy, [rec('h2', 2, 'Progressing', 'T3')], lookups);
    expect(history).toHaveLength(2);
    expect(history[0]).toEqual(legacy[0]);
    expect(history[1]).toMatchObject({ attempt: 2, outcome: 'Progressing', startedAt: 'T3' });
  });

  it('given more releases than the limit, then the oldest go', () => {
    const records = ['a', 'b', 'c'].map((hash, i) => rec(hash, 1, 'Progressing', `T${i}`));
    expect(mergeHistory(undefined, records, lookups, 2).map((h) => h.podTemplateHash)).toEqual(['b', 'c']);
  });
});

describe('the verdict of a release', () => {
  const failedRun = {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name: 'web-h2-1-step-1' },
    spec: { metrics: [] },
    status: {
      phase: 'Failed',
      metricResults: [
        { name: 'latency', phase: 'Successful', count: 1, successful: 1, failed: 0, inconclusive: 0, error: 0, consecutiveError: 0, measurements: [{ phase: 'Successful', startedAt: 'T', value: '12' }] },
        {
          name: 'success-rate',
          phase: 'Failed',
          count: 2,
          successful: 1,
          failed: 1,
          inconclusive: 0,
          error: 0,
          consecutiveError: 0,
          measurements: [
            { phase: 'Successful', startedAt: 'T', value: '0.99' },
            { phase: 'Failed', startedAt: 'T', value: '0.42' },
          ],
        },
      ],
    },
  } as unknown as AnalysisRun;

  it('given an abort by a failed analysis, then the verdict names the failing metric, its last value and the run', () => {
    const abort: ReleaseRecordEffect = { ...rec('h2', 1, 'Aborted', 'T2'), verdict: { reason: 'AnalysisFailed', by: 'controller', message: 'step 1 analysis failed', analysisRun: 'h2-1-step-1' } };
    const history = mergeHistory(undefined, [rec('h2', 1, 'Progressing', 'T1'), abort], { ...lookups, metricOf: (run) => failingMetric(failedRun, `web-${run}`) });
    expect(history[0]?.verdict).toEqual({
      at: 'T2',
      by: 'controller',
      reason: 'AnalysisFailed',
      message: 'step 1 analysis failed',
      metric: { name: 'success-rate', value: '0.42', analysisRun: 'web-h2-1-step-1' },
    });
  });

  it('given a promotion replayed later, then the verdict keeps its first time', () => {
    const promote: ReleaseRecordEffect = { ...rec('h2', 1, 'Promoted', 'T2'), verdict: { reason: 'UserPromote', by: 'alice' } };
    const once = mergeHistory(undefined, [rec('h2', 1, 'Progressing', 'T1'), promote], lookups);
    expect(once[0]?.verdict).toEqual({ at: 'T2', by: 'alice', reason: 'UserPromote' });
    expect(mergeHistory(once, [{ ...promote, at: 'T5' }], lookups)).toEqual(once);
  });
});

describe('the moments of a release', () => {
  const moment = (at: string, m: EffectOf<'recordMoment'>['moment']): ReleaseRecordEffect => ({ type: 'recordMoment', hash: 'h2', attempt: 1, at, moment: m });
  const started = mergeHistory(undefined, [rec('h2', 1, 'Progressing', 'T0')], lookups);

  it('given steps entered, then each is recorded once in order, a step re-entered by a plan change not again', () => {
    const history = mergeHistory(started, [moment('T1', { kind: 'step', index: 0 }), moment('T2', { kind: 'step', index: 1 }), moment('T3', { kind: 'step', index: 1 })], lookups);
    expect(history[0]?.steps).toEqual([
      { index: 0, at: 'T1' },
      { index: 1, at: 'T2' },
    ]);
  });

  it('given more steps than RELEASE_STEPS_KEPT, then the oldest go', () => {
    const steps = Array.from({ length: RELEASE_STEPS_KEPT + 3 }, (_, i) => moment(`T${i}`, { kind: 'step', index: i }));
    const kept = mergeHistory(started, steps, lookups)[0]?.steps ?? [];
    expect(kept).toHaveLength(RELEASE_STEPS_KEPT);
    expect(kept[0]?.index).toBe(3);
  });

  it('given a pause recorded again with its start time, then it is one pause', () => {
    const pause = moment('T1', { kind: 'pause', reason: 'CanaryPauseStep', step: 1 });
    const history = mergeHistory(mergeHistory(started, [pause], lookups), [pause], lookups);
    expect(history[0]?.pauses).toEqual([{ at: 'T1', reason: 'CanaryPauseStep', step: 1 }]);
  });

  it('given traffic reset and a deadline recorded twice, then the first times stay', () => {
    const once = mergeHistory(started, [moment('T1', { kind: 'trafficReset' }), moment('T1', { kind: 'stuck' })], lookups);
    const twice = mergeHistory(once, [moment('T5', { kind: 'trafficReset' }), moment('T5', { kind: 'stuck' })], lookups);
    expect(twice[0]).toMatchObject({ trafficResetAt: 'T1', stuckAt: 'T1' });
  });

  it('given a moment of a release without a record, then the history is unchanged', () => {
    expect(mergeHistory(started, [{ type: 'recordMoment', hash: 'h9', attempt: 1, at: 'T1', moment: { kind: 'stuck' } }], lookups)).toEqual(started);
  });
});

describe('restoredAt', () => {
  const aborted: RevisionRecord = { podTemplateHash: 'h2', attempt: 1, images: [], outcome: 'Aborted', startedAt: 'T0', finishedAt: 'T1', verdict: { at: 'T1', by: 'controller', reason: 'AnalysisFailed' } };

  it('given an aborted release, when the pass turns Healthy, then its record is restored at that time', () => {
    const history = [aborted];
    expect(stampRestored(history, true, 'T5')?.restoredAt).toBe('T5');
    expect(history[0]?.restoredAt).toBe('T5');
  });

  it('given a release already restored, or a pass that does not turn Healthy, then nothing is stamped', () => {
    expect(stampRestored([{ ...aborted, restoredAt: 'T5' }], true, 'T9')).toBeUndefined();
    expect(stampRestored([aborted], false, 'T9')).toBeUndefined();
  });

  it('given an aborted record from before verdicts were recorded, then it is left alone', () => {
    const { verdict: _none, ...legacy } = aborted;
    expect(stampRestored([legacy], true, 'T9')).toBeUndefined();
  });

  it('given a time to restore, then it reads in hours, minutes and seconds', () => {
    expect(elapsed('2026-01-01T00:00:00Z', '2026-01-01T01:02:03Z')).toBe('1h2m3s');
    expect(elapsed('2026-01-01T00:00:00Z', '2026-01-01T00:00:42Z')).toBe('42s');
  });
});
