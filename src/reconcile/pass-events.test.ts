import { describe, expect, it } from 'vitest';
import type { Effect } from '../machine/effects.js';
import type { RevisionRecord } from '../resources/rollout.js';
import { releaseTrail, withReleaseTrail } from './pass-events.js';

const completed: Effect = { type: 'emitEvent', key: 'RolloutCompleted/h2/1/', eventType: 'Normal', reason: 'RolloutCompleted', message: 'promoted h2; h1 scaled down' };
const promoted: Effect = { type: 'recordRevision', hash: 'h2', attempt: 1, outcome: 'Promoted', at: '2026-12-07T10:00:03.000Z', verdict: { reason: 'StepsCompleted', by: 'controller', message: 'promoted h2' } };
const scale: Effect = { type: 'scaleReplicaSet', hash: 'h1', replicas: 0 };
const stored: RevisionRecord = {
  podTemplateHash: 'h2',
  attempt: 1,
  images: ['img:2'],
  outcome: 'Progressing',
  startedAt: '2026-12-07T10:00:00.000Z',
  steps: [
    { index: 0, at: '2026-12-07T10:00:00.000Z' },
    { index: 1, at: '2026-12-07T10:00:00.100Z' },
    { index: 2, at: '2026-12-07T10:00:01.100Z' },
  ],
};
const step4: Effect = { type: 'recordMoment', hash: 'h2', attempt: 1, at: '2026-12-07T10:00:01.100Z', moment: { kind: 'step', index: 3 } };

describe('withReleaseTrail: the outcome Event names the whole release', () => {
  it('given a pass that enters the last step and promotes, then RolloutCompleted names when the release started and every step with how long it took, this pass\'s step included', () => {
    const out = withReleaseTrail([step4, scale, promoted, completed], [stored], 4);
    expect(out.find((e) => e.type === 'emitEvent')).toEqual({
      ...completed,
      message: 'promoted h2; h1 scaled down; attempt 1 started 2026-12-07T10:00:00.000Z, took 3s: step 1/4 0s, step 2/4 1s, step 3/4 0s, step 4/4 2s',
    });
    expect(out.filter((e) => e.type !== 'emitEvent')).toEqual([step4, scale, promoted]);
  });

  it('given a pass with no promotion, or no record of the release, then every effect stays as it is', () => {
    const aborted: Effect = { type: 'emitEvent', key: 'RolloutAborted/h2/1/', eventType: 'Warning', reason: 'RolloutAborted', message: 'analysis failed' };
    expect(withReleaseTrail([scale, aborted], [stored], 4)).toEqual([scale, aborted]);
    expect(withReleaseTrail([promoted, completed], [], 4)).toEqual([promoted, completed]);
  });

  it('given a release that starts and promotes within one pass\'s replay (its start was never written), then the trail starts at its start record', () => {
    const start: Effect = { type: 'recordRevision', hash: 'h2', attempt: 1, outcome: 'Progressing', at: '2026-12-07T10:00:01.000Z' };
    const out = withReleaseTrail([start, promoted, completed], [], 0);
    expect(out.find((e) => e.type === 'emitEvent')).toMatchObject({ message: 'promoted h2; h1 scaled down; attempt 1 started 2026-12-07T10:00:01.000Z, took 2s' });
  });

  it('given a release without steps (blue-green), then the trail says when it started and how long it took', () => {
    expect(releaseTrail({ ...stored, steps: [] }, '2026-12-07T10:02:05.000Z', 0)).toBe('attempt 1 started 2026-12-07T10:00:00.000Z, took 2m5s');
  });
});
