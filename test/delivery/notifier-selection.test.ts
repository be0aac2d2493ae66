// notifiersFor: which Notifiers and ClusterNotifiers hear about a Rollout, by its namespace's labels and its own.
import { describe, expect, it } from 'vitest';
import { notifiersFor } from '../../src/delivery/notifier-selection.js';
import type { ClusterNotifier } from '../../src/resources/notifier.js';
import { shopRollout } from './support/release-fixtures.js';

function clusterNotifier(name: string, spec: Omit<ClusterNotifier['spec'], 'webhook'>): ClusterNotifier {
  return { apiVersion: 'vane.dev/v1alpha1', kind: 'ClusterNotifier', metadata: { name }, spec: { ...spec, webhook: { url: 'https://hooks.example.com/vane' } } };
}

describe('notifiersFor: a ClusterNotifier namespaceSelector', () => {
  // @covers spec.namespaceSelector.matchLabels
  it('given matchLabels, then it selects a Rollout only when its namespace carries every one of those labels', () => {
    const prod = clusterNotifier('prod', { namespaceSelector: { matchLabels: { tier: 'prod', team: 'shop' } } });
    const ids = (labels: Record<string, string> | undefined): string[] => notifiersFor(shopRollout(), [], [prod], labels).map((n) => n.id);
    expect(ids({ tier: 'prod', team: 'shop', other: 'x' })).toEqual(['prod']);
    expect(ids({ tier: 'prod' })).toEqual([]);
    expect(ids({ tier: 'dev', team: 'shop' })).toEqual([]);
    expect(ids(undefined)).toEqual([]);
  });

  it('given no namespaceSelector, then it selects the Rollout in any namespace, even one whose labels are not known', () => {
    const everywhere = clusterNotifier('everywhere', {});
    expect(notifiersFor(shopRollout(), [], [everywhere], undefined).map((n) => n.id)).toEqual(['everywhere']);
  });
});
