// Which shards this replica acts on right now, and the passes in flight on each, so a shard is handed over only
// once nothing acts on it any more: the old owner stops and drains before it releases the Lease.
import type { Reconcile, ReconcileResult } from './controller-runner.js';

export class ShardGate {
  private readonly active = new Set<number>();
  private readonly inFlight = new Map<number, number>();
  private readonly drained = new Map<number, Array<() => void>>();

  isActive(shard: number): boolean {
    return this.active.has(shard);
  }

  get activeShards(): number[] {
    return [...this.active].sort((a, b) => a - b);
  }

  activate(shards: Iterable<number>): void {
    for (const shard of shards) this.active.add(shard);
  }

  /** Stops admitting work on the shards and resolves once the work already admitted has finished. */
  async deactivate(shards: Iterable<number>): Promise<void> {
    const waits: Array<Promise<void>> = [];
    for (const shard of shards) {
      this.active.delete(shard);
      if ((this.inFlight.get(shard) ?? 0) === 0) continue;
      waits.push(new Promise((resolve) => {
        const list = this.drained.get(shard) ?? [];
        list.push(resolve);
        this.drained.set(shard, list);
      }));
    }
    await Promise.all(waits);
  }

  /**
   * `reconcile`, run only for keys on an active shard; another key is dropped (its new owner queues it). `shardOfKey`
   * answers undefined for a key whose shard cannot be known here (an object this replica does not see).
   */
  guard(shardOfKey: (key: string) => number | undefined, reconcile: Reconcile): Reconcile {
    return async (key: string): Promise<ReconcileResult> => {
      const shard = shardOfKey(key);
      if (shard === undefined || !this.active.has(shard)) return {};
      return this.within(shard, () => reconcile(key));
    };
  }

  /** Runs `work` counted as in flight on `shard`, so a hand-over waits for it. */
  async within<T>(shard: number, work: () => Promise<T>): Promise<T> {
    this.inFlight.set(shard, (this.inFlight.get(shard) ?? 0) + 1);
    try {
      return await work();
    } finally {
      const left = (this.inFlight.get(shard) ?? 1) - 1;
      if (left > 0) this.inFlight.set(shard, left);
      else this.finish(shard);
    }
  }

  private finish(shard: number): void {
    this.inFlight.delete(shard);
    for (const wake of this.drained.get(shard) ?? []) wake();
    this.drained.delete(shard);
  }
}
