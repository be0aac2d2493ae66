import { describe, expect, it } from 'vitest';
import { ShardGate } from './shard-gate.js';

describe('ShardGate', () => {
  it('runs a reconcile only for keys on active shards', async () => {
    const gate = new ShardGate();
    const ran: string[] = [];
    const guarded = gate.guard((key) => (key.startsWith('a') ? 0 : 1), async (key) => {
      ran.push(key);
      return { requeueAfterMs: 5 };
    });
    gate.activate([0]);
    expect(await guarded('a/x')).toEqual({ requeueAfterMs: 5 });
    expect(await guarded('b/x')).toEqual({});
    expect(ran).toEqual(['a/x']);
  });

  it('hands a shard over only once the passes already running on it have finished', async () => {
    const gate = new ShardGate();
    gate.activate([2]);
    let finish: () => void = () => undefined;
    const pass = gate.within(2, () => new Promise<void>((resolve) => (finish = resolve)));
    let drained = false;
    const handOver = gate.deactivate([2]).then(() => (drained = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(drained).toBe(false);
    expect(gate.isActive(2)).toBe(false);
    finish();
    await pass;
    await handOver;
    expect(drained).toBe(true);
  });

  it('admits no new pass on a shard being handed over', async () => {
    const gate = new ShardGate();
    gate.activate([1]);
    void gate.deactivate([1]);
    let ran = false;
    await gate.guard(() => 1, async () => {
      ran = true;
      return {};
    })('k');
    expect(ran).toBe(false);
  });
});
