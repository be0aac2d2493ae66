import { describe, expect, it } from 'vitest';
import type { GitRollbackRecord, RevisionRecord, Rollout } from '../resources/rollout.js';
import { gitCondition, settle, withRevert, type RetryPolicy } from './git-rollback-reconciler.js';
import { answerRollbackRetry } from './rollback-retry.js';

const POLICY: RetryPolicy = { maxTries: 3, firstDelayMs: 1_000, maxDelayMs: 1_500 };
const NOW = Date.parse('2026-12-07T10:00:00Z');
const QUEUED: GitRollbackRecord = { state: 'Pending', failingPodHash: 'f00d', attempt: 2, stablePodHash: 'beef', actor: 'alice', tries: 0 };

describe('settle: what a try of the git rollback leaves in status', () => {
  it('given a transient failure with tries left, then it is Retrying at the backoff, keeping the release it is about', () => {
    const record = settle(QUEUED, { state: 'Failed', reason: 'Unavailable', message: 'the remote is unreachable' }, NOW, POLICY);
    expect(record).toMatchObject({ state: 'Retrying', reason: 'Unavailable', tries: 1, failingPodHash: 'f00d', attempt: 2, stablePodHash: 'beef', actor: 'alice' });
    expect(record.nextTryAt).toBe('2026-12-07T10:00:01.000Z');
    expect(record.message).toMatch(/^try 1 of 3 failed, next at .*: the remote is unreachable$/);
  });

  it('given transient failures, then the delay doubles up to the cap, and the last try gives up as Failed', () => {
    const second = settle({ ...QUEUED, state: 'Retrying', tries: 1 }, { state: 'Failed', reason: 'Timeout' }, NOW, POLICY);
    expect(second.nextTryAt).toBe('2026-12-07T10:00:01.500Z');
    const last = settle({ ...QUEUED, state: 'Retrying', tries: 2 }, { state: 'Failed', reason: 'Timeout', message: 'git stopped responding' }, NOW, POLICY);
    expect(last).toMatchObject({ state: 'Failed', reason: 'Timeout', tries: 3, message: 'gave up after 3 tries: git stopped responding' });
    expect(last.nextTryAt).toBeUndefined();
  });

  it('given a permanent failure, then it is Failed at once with its reason', () => {
    const record = settle(QUEUED, { state: 'Failed', reason: 'Forbidden', message: 'protected branch' }, NOW, POLICY);
    expect(record).toMatchObject({ state: 'Failed', reason: 'Forbidden', tries: 1, message: 'protected branch' });
  });

  it('given a commit, then it is Committed and the GitRolledBack condition is True', () => {
    const record = settle({ ...QUEUED, state: 'Retrying', tries: 1, nextTryAt: 'x' }, { state: 'Committed', commit: 'abc', message: 'reverted' }, NOW, POLICY);
    expect(record).toMatchObject({ state: 'Committed', commit: 'abc', tries: 2 });
    expect(record.nextTryAt).toBeUndefined();
    expect(gitCondition(record)).toMatchObject({ type: 'GitRolledBack', status: 'True', reason: 'Committed' });
  });
});

describe('rollback-retry', () => {
  const rollout = (git: GitRollbackRecord, action = 'rollback-retry'): Rollout =>
    ({
      metadata: { name: 'web', namespace: 'shop' },
      spec: {},
      status: { command: { id: 'c1', action, actor: 'bob', time: 'now' }, rollback: { reason: 'AnalysisFailed: x', at: 'then', trafficReset: true, git } },
    }) as unknown as Rollout;

  it('given a failed git rollback, when a person asks for a retry, then it is queued again from the first try', () => {
    const answer = answerRollbackRetry(rollout({ ...QUEUED, state: 'Failed', reason: 'Forbidden', tries: 1 }), NOW);
    expect(answer?.ack).toMatchObject({ id: 'c1', action: 'rollback-retry', result: 'Accepted' });
    expect(answer?.rollback?.git).toMatchObject({ state: 'Pending', tries: 0, failingPodHash: 'f00d', attempt: 2, message: 'queued again by bob' });
  });

  it('given a committed git rollback, when a retry is asked, then it is rejected with the state', () => {
    const answer = answerRollbackRetry(rollout({ ...QUEUED, state: 'Committed' }), NOW);
    expect(answer?.ack).toMatchObject({ result: 'Rejected', message: expect.stringContaining('it is Committed') });
    expect(answer?.rollback).toBeUndefined();
  });

  it('given another command pending, then rollback-retry leaves it to the machine', () => {
    expect(answerRollbackRetry(rollout({ ...QUEUED, state: 'Failed' }, 'promote'), NOW)).toBeUndefined();
  });
});

describe('withRevert: the revert commit on the release it undid', () => {
  const release = (attempt: number): RevisionRecord => ({ podTemplateHash: 'f00d', attempt, images: [], outcome: 'Aborted', startedAt: 'T0', finishedAt: 'T1' });
  const committed: GitRollbackRecord = { ...QUEUED, state: 'Committed', commit: 'c0ffee', repoURL: 'https://git.example/shop.git', tries: 1 };

  it('given a Committed revert, then the (failingPodHash, attempt) record gets its commit, remote and push time', () => {
    const history = withRevert([release(1), release(2)], committed, NOW);
    expect(history?.[0]?.revert).toBeUndefined();
    expect(history?.[1]?.revert).toEqual({ commit: 'c0ffee', repoURL: 'https://git.example/shop.git', at: '2026-12-07T10:00:00.000Z' });
  });

  it('given a revert already stamped, or a record in another state, then nothing changes', () => {
    const stamped = withRevert([release(2)], committed, NOW) ?? [];
    expect(withRevert(stamped, committed, NOW + 5_000)).toBeUndefined();
    expect(withRevert([release(2)], { ...committed, state: 'Retrying' }, NOW)).toBeUndefined();
  });
});
