// Which live replica should own each shard: rendezvous hashing with a bound on load, computed the same by every
// replica from the same member list, so no replica has to decide for the others.
import { createHash } from 'node:crypto';

/**
 * Shards `0..shards-1` spread over `members`: each shard goes to the member that ranks it highest (a hash of member and
 * shard) among those still under ⌈shards/members⌉. A member joining or leaving moves few shards, and no member holds
 * more than its share rounded up. Empty when there are no members.
 */
export function assignShards(shards: number, members: readonly string[]): Map<string, number[]> {
  const assignment = new Map<string, number[]>([...new Set(members)].sort().map((member) => [member, []]));
  if (assignment.size === 0) return assignment;
  const capacity = Math.ceil(shards / assignment.size);
  for (let shard = 0; shard < shards; shard++) {
    const ranked = [...assignment.keys()].sort((a, b) => rank(b, shard) - rank(a, shard) || (a < b ? -1 : 1));
    const owner = ranked.find((member) => (assignment.get(member)?.length ?? 0) < capacity) ?? ranked[0];
    assignment.get(owner as string)?.push(shard);
  }
  return assignment;
}

const ranks = new Map<string, number>();

function rank(member: string, shard: number): number {
  const key = `${member}\u0000${shard}`;
  let value = ranks.get(key);
  if (value === undefined) {
    value = createHash('sha256').update(key).digest().readUInt32BE(0);
    if (ranks.size > 100_000) ranks.clear();
    ranks.set(key, value);
  }
  return value;
}
