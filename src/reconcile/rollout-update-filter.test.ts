import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../kube/kube-object.js';
import type { RevisionRecord, Rollout } from '../resources/rollout.js';
import { carriesNewCommand, wakesReconcile } from './rollout-update-filter.js';

type RolloutObject = Rollout & KubeObject;

const record: RevisionRecord = { podTemplateHash: 'abc', attempt: 1, images: ['app:2'], outcome: 'Aborted', startedAt: '2026-12-07T10:00:00Z', verdict: { at: '2026-12-07T10:05:00Z', by: 'controller', reason: 'AnalysisFailed' } };

function rollout(history: RevisionRecord[], resourceVersion = '1', labels: Record<string, string> = {}): RolloutObject {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'shop', generation: 2, resourceVersion, labels },
    spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'app:2' }] } }, strategy: { canary: {} } },
    status: { phase: 'Degraded', history },
  } as RolloutObject;
}

const sent = { key: 'aborted/shop/hook', at: '2026-12-07T10:05:01Z', result: 'Sent' as const };

describe('which Rollout updates wake the reconcile pass', () => {
  it('given only a notification recorded in a release (the outbox\'s write), then the pass is not woken', () => {
    expect(wakesReconcile(rollout([record], '1'), rollout([{ ...record, notified: [sent] }], '2'))).toBe(false);
  });

  it('given a release record that changed otherwise, then the pass is woken', () => {
    expect(wakesReconcile(rollout([record], '1'), rollout([{ ...record, notified: [sent], restoredAt: '2026-12-07T10:09:00Z' }], '2'))).toBe(true);
  });

  it('given a notification recorded together with another change (a label), then the pass is woken', () => {
    expect(wakesReconcile(rollout([record], '1'), rollout([{ ...record, notified: [sent] }], '2', { team: 'a' }))).toBe(true);
  });

  it('given a change outside the history (no history change at all), then the pass is woken', () => {
    expect(wakesReconcile(rollout([record], '1'), rollout([record], '2', { team: 'a' }))).toBe(true);
  });

  it('given no previous object (an add), then the pass is woken', () => {
    expect(wakesReconcile(undefined, rollout([record]))).toBe(true);
  });
});

describe('which Rollout updates come from a person (and go ahead of bulk work)', () => {
  const command = { id: 'c1', action: 'abort' as const, actor: 'alice', time: '2026-12-07T10:06:00Z' };
  const withStatus = (status: Partial<NonNullable<Rollout['status']>>, paused?: boolean): RolloutObject => {
    const base = rollout([record]);
    return { ...base, spec: { ...base.spec, ...(paused === undefined ? {} : { paused }) }, status: { ...base.status, ...status } } as RolloutObject;
  };

  it('given a new command in status, then it is a person\'s; the same command again (its acknowledgement written beside it) is not', () => {
    expect(carriesNewCommand(withStatus({}), withStatus({ command }))).toBe(true);
    expect(carriesNewCommand(withStatus({ command }), withStatus({ command: { ...command, id: 'c2', action: 'retry' } }))).toBe(true);
    expect(carriesNewCommand(withStatus({ command }), withStatus({ command, phase: 'Healthy' }))).toBe(false);
  });

  it('given spec.paused turned on or off, then it is a person\'s; any other change, or an add, is bulk work', () => {
    expect(carriesNewCommand(withStatus({}), withStatus({}, true))).toBe(true);
    expect(carriesNewCommand(withStatus({}, true), withStatus({}, false))).toBe(true);
    expect(carriesNewCommand(withStatus({}), withStatus({ phase: 'Progressing' }))).toBe(false);
    expect(carriesNewCommand(undefined, withStatus({ command }))).toBe(false);
  });
});
