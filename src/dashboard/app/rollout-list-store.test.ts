import { describe, expect, it } from 'vitest';
import type { RolloutSummary } from './api-types.js';
import { RolloutListStore } from './rollout-list-store.js';

function summary(name: string, phase: RolloutSummary['phase'] = 'Healthy'): RolloutSummary {
  return { namespace: 'shop', name, phase, strategy: 'canary', stepCount: 2, images: [], replicas: { desired: 1, ready: 1, updated: 1, available: 1 } };
}

const names = (store: RolloutListStore): string[] => [...store.values()].map((r) => r.name).sort();

describe('the live rollouts list', () => {
  it('adds, replaces and removes rollouts keyed by namespace/name', () => {
    const store = new RolloutListStore();
    store.apply({ type: 'ADDED', rollout: summary('a') });
    store.apply({ type: 'ADDED', rollout: summary('b') });
    store.apply({ type: 'MODIFIED', rollout: summary('a', 'Progressing') });
    store.apply({ type: 'DELETED', rollout: summary('b') });
    expect([...store.values()]).toEqual([summary('a', 'Progressing')]);
  });

  it('refuses what is not a stream message and counts only real changes', () => {
    const store = new RolloutListStore();
    const before = store.changeCount;
    expect(store.apply({ type: 'BOOKMARK', rollout: summary('a') })).toBe(false);
    expect(store.apply({ type: 'ADDED', rollout: { name: 'a' } })).toBe(false);
    expect(store.apply(null)).toBe(false);
    expect(store.changeCount).toBe(before);
    expect(store.apply({ type: 'ADDED', rollout: summary('a') })).toBe(true);
    expect(store.changeCount).toBe(before + 1);
  });

  it('after a reconnect, drops the rollouts the new snapshot does not name once a change follows it', () => {
    const store = new RolloutListStore();
    store.startSnapshot();
    for (const name of ['a', 'b', 'c']) store.apply({ type: 'ADDED', rollout: summary(name) });
    store.startSnapshot();
    store.apply({ type: 'ADDED', rollout: summary('a') });
    store.apply({ type: 'ADDED', rollout: summary('c') });
    expect(names(store)).toEqual(['a', 'b', 'c']);
    store.apply({ type: 'MODIFIED', rollout: summary('c', 'Paused') });
    expect(names(store)).toEqual(['a', 'c']);
  });

  it('after a reconnect, drops the rollouts the new snapshot does not name when the stream goes quiet', () => {
    const store = new RolloutListStore();
    store.apply({ type: 'ADDED', rollout: summary('gone') });
    store.startSnapshot();
    store.apply({ type: 'ADDED', rollout: summary('kept') });
    store.endSnapshot();
    expect(names(store)).toEqual(['kept']);
  });
});
