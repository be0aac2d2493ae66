import { describe, expect, it } from 'vitest';
import { COMMIT_WAIT_MS, planDeliveries } from '../../src/delivery/notification-plan.js';
import type { SelectedNotifier } from '../../src/delivery/notifier-selection.js';
import type { NotifierSpec } from '../../src/resources/notifier.js';
import type { RevisionRecord } from '../../src/resources/rollout.js';
import { shopRollout } from './support/release-fixtures.js';

const STARTED = '2026-12-07T10:00:00.000Z';
const startedAt = Date.parse(STARTED);

function notifier(spec: NotifierSpec): SelectedNotifier {
  const object = { apiVersion: 'vane.dev/v1alpha1', kind: 'Notifier', metadata: { name: 'n', namespace: 'shop' }, spec } as const;
  return { id: 'shop/n', kind: 'Notifier', spec, object };
}

const github = notifier({ events: ['started'], github: { tokenSecretRef: { name: 'gh', key: 'token' } } });
const webhook = notifier({ events: ['started'], webhook: { url: 'https://hooks.example/vane' } });

function started(source?: RevisionRecord['source']): RevisionRecord {
  return { podTemplateHash: 'abc', attempt: 1, images: ['app:2'], outcome: 'Progressing', startedAt: STARTED, ...(source ? { source } : {}) };
}

function actions(record: RevisionRecord, selected: SelectedNotifier, now: number): string[] {
  const rollout = { ...shopRollout(), status: { history: [record] } };
  return planDeliveries(rollout, [selected], now).map((d) => d.action);
}

describe('planning deliveries', () => {
  it('given a GitHub notifier and a release whose commit is not known yet, then its message waits for the commit', () => {
    const rollout = { ...shopRollout(), status: { history: [started()] } };
    const [delivery] = planDeliveries(rollout, [github], startedAt + 1_000);
    expect(delivery).toMatchObject({ action: 'wait', until: startedAt + COMMIT_WAIT_MS });
  });

  it('given a GitHub notifier and the commit known, then it is sent', () => {
    expect(actions(started({ commit: 'f'.repeat(40), via: 'argocd' }), github, startedAt + 1_000)).toEqual(['send']);
  });

  it('given a GitHub notifier and no commit found within the wait, then it is sent anyway (and the sink says why it cannot mark one)', () => {
    expect(actions(started(), github, startedAt + COMMIT_WAIT_MS + 1)).toEqual(['send']);
  });

  it('given a webhook notifier, then a release without a known commit is sent at once', () => {
    expect(actions(started(), webhook, startedAt + 1_000)).toEqual(['send']);
  });
});
