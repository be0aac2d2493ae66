import { describe, expect, it } from 'vitest';
import type { RolloutSummary } from './api-types.js';
import { compareRollouts, matchesFilter, namespacesOf, visibleRollouts } from './rollout-order.js';

function rollout(namespace: string, name: string, phase?: RolloutSummary['phase'], images: string[] = [`${name}:v1`], stableImages?: string[]): RolloutSummary {
  return { namespace, name, strategy: 'canary', stepCount: 4, images, replicas: { desired: 1, ready: 1, updated: 1, available: 1 }, ...(phase ? { phase } : {}), ...(stableImages ? { stableImages } : {}) };
}

describe('the rollouts list order', () => {
  it('puts moving (Progressing, Paused) and failing (Degraded) rollouts before healthy ones, then orders by namespace and name', () => {
    const rows = visibleRollouts(
      [rollout('a', 'quiet', 'Healthy'), rollout('b', 'paused', 'Paused'), rollout('a', 'zeta', 'Degraded'), rollout('z', 'moving', 'Progressing'), rollout('a', 'new')],
      { namespace: '', search: '' },
    );
    expect(rows.map((r) => `${r.namespace}/${r.name}`)).toEqual(['a/zeta', 'b/paused', 'z/moving', 'a/new', 'a/quiet']);
  });

  it('orders by name within a namespace when the phases rank alike', () => {
    expect(compareRollouts(rollout('shop', 'b', 'Healthy'), rollout('shop', 'a', 'Healthy'))).toBeGreaterThan(0);
    expect(compareRollouts(rollout('shop', 'a', 'Healthy'), rollout('shop', 'b', 'Degraded'))).toBeGreaterThan(0);
  });
});

describe('the rollouts list filter', () => {
  const items = [rollout('shop', 'cart', 'Healthy', ['registry/cart:2.0'], ['registry/cart:1.9']), rollout('pay', 'checkout', 'Healthy'), rollout('shop', 'search', 'Healthy')];

  it('keeps only the chosen namespace', () => {
    expect(visibleRollouts(items, { namespace: 'shop', search: '' }).map((r) => r.name)).toEqual(['cart', 'search']);
  });

  it('searches namespace/name and images, case-insensitively, every word having to match', () => {
    expect(visibleRollouts(items, { namespace: '', search: 'CART' }).map((r) => r.name)).toEqual(['cart']);
    expect(visibleRollouts(items, { namespace: '', search: 'pay/check' }).map((r) => r.name)).toEqual(['checkout']);
    expect(matchesFilter(items[0]!, { namespace: '', search: 'shop 1.9' })).toBe(true);
    expect(matchesFilter(items[0]!, { namespace: '', search: 'shop 3.0' })).toBe(false);
  });

  it('lists each namespace once, sorted', () => {
    expect(namespacesOf(items)).toEqual(['pay', 'shop']);
  });
});
