import { describe, expect, it } from 'vitest';
import { labelledShard, ownerShard, shardOf, unassignedSelector } from './shard.js';
import { assignShards } from './shard-assignment.js';

describe('shardOf', () => {
  it('is FNV-1a (32 bit) of namespace/name modulo the count, so any tool can compute it', () => {
    // FNV-1a("shop/checkout") = 0x06a37866, computed by an independent implementation.
    expect(shardOf('shop', 'checkout', 16)).toBe(0x06a37866 % 16);
    expect(shardOf('shop', 'checkout', 1000)).toBe(0x06a37866 % 1000);
    expect(shardOf('shop', 'checkout', 1)).toBe(0);
  });

  it('spreads 10,000 names over 16 shards within 15% of an even share', () => {
    const counts = new Array<number>(16).fill(0);
    for (let i = 0; i < 10_000; i++) counts[shardOf(`team-${i % 50}`, `svc-${i}`, 16)]! += 1;
    for (const count of counts) expect(Math.abs(count - 625)).toBeLessThan(625 * 0.15);
  });
});

describe('shard labels and selectors', () => {
  const withLabel = (value: string | undefined): { metadata: { labels?: Record<string, string> } } => ({ metadata: value === undefined ? {} : { labels: { 'vane.dev/shard': value } } });

  it('reads a label only when it names a shard that exists', () => {
    expect(labelledShard(withLabel('3'), 4)).toBe(3);
    expect(labelledShard(withLabel('4'), 4)).toBeUndefined();
    expect(labelledShard(withLabel('03'), 4)).toBeUndefined();
    expect(labelledShard(withLabel('x'), 4)).toBeUndefined();
    expect(labelledShard(withLabel(undefined), 4)).toBeUndefined();
  });

  it('follows a controlling Rollout owner, or the object\'s own name, but not another owner', () => {
    const owned = { metadata: { namespace: 'shop', name: 'web-abc', ownerReferences: [{ apiVersion: 'v', kind: 'Rollout', name: 'web', uid: 'u', controller: true }] } };
    expect(ownerShard(owned, 8)).toBe(shardOf('shop', 'web', 8));
    expect(ownerShard({ metadata: { namespace: 'shop', name: 'alone' } }, 8)).toBe(shardOf('shop', 'alone', 8));
    const experimentOwned = { metadata: { namespace: 'shop', name: 'x', ownerReferences: [{ apiVersion: 'v', kind: 'Experiment', name: 'e', uid: 'u', controller: true }] } };
    expect(ownerShard(experimentOwned, 8)).toBeUndefined();
  });

  it('selects as unassigned every object without a shard label or with one outside the shards', () => {
    expect(unassignedSelector(3)).toBe('vane.dev/shard notin (0,1,2)');
  });
});

describe('assignShards', () => {
  it('gives every shard to exactly one member, no member more than its share rounded up', () => {
    const assignment = assignShards(16, ['c', 'a', 'b']);
    expect([...assignment.values()].flat().sort((x, y) => x - y)).toEqual(Array.from({ length: 16 }, (_, i) => i));
    for (const shards of assignment.values()) expect(shards.length).toBeLessThanOrEqual(6);
  });

  it('is the same whatever order the members are listed in', () => {
    expect(assignShards(16, ['b', 'a', 'c', 'd'])).toEqual(assignShards(16, ['d', 'c', 'b', 'a']));
  });

  it('moves few shards when a fifth member joins four', () => {
    const before = assignShards(16, ['r0', 'r1', 'r2', 'r3']);
    const after = assignShards(16, ['r0', 'r1', 'r2', 'r3', 'r4']);
    const ownerOf = (assignment: Map<string, number[]>, shard: number): string | undefined => [...assignment].find(([, shards]) => shards.includes(shard))?.[0];
    const moved = Array.from({ length: 16 }, (_, shard) => shard).filter((shard) => ownerOf(before, shard) !== ownerOf(after, shard));
    expect(after.get('r4')?.length).toBeGreaterThanOrEqual(3);
    // The fifth member's share is 3 or 4 shards; a round-robin split would move 12 of 16.
    expect(moved.length).toBeLessThanOrEqual(8);
  });

  it('assigns nothing without members', () => {
    expect(assignShards(4, []).size).toBe(0);
  });
});
