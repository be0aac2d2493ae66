// The live set of rollouts a list stream describes: ADDED/MODIFIED/DELETED messages applied to a map keyed ns/name.
import type { RolloutSummary, WatchMessage } from './api-types.js';
import { rolloutKey } from './rollout-order.js';

export class RolloutListStore {
  private readonly rollouts = new Map<string, RolloutSummary>();
  /** Set when a stream (re)connects: it sends every rollout again, so what it does not resend is gone. */
  private replacing: Map<string, RolloutSummary> | undefined;
  private version = 0;

  /** Called when a stream connection opens. */
  startSnapshot(): void {
    this.replacing = new Map();
  }

  /** Applies one message; returns false for one that is not a stream message. */
  apply(message: unknown): boolean {
    if (!isWatchMessage(message)) return false;
    const key = rolloutKey(message.rollout);
    if (this.replacing !== undefined) this.finishSnapshotOn(message);
    if (message.type === 'DELETED') this.rollouts.delete(key);
    else this.rollouts.set(key, message.rollout);
    this.version++;
    return true;
  }

  /**
   * A reconnect's snapshot is a run of ADDED messages: the first other message ends it, and the rollouts it did not
   * name are dropped (they were deleted while the stream was down).
   */
  private finishSnapshotOn(message: WatchMessage): void {
    const replacing = this.replacing;
    if (replacing === undefined) return;
    if (message.type === 'ADDED') {
      replacing.set(rolloutKey(message.rollout), message.rollout);
      return;
    }
    this.endSnapshot();
  }

  /** Ends a reconnect's snapshot (also when the list has been quiet for a moment after it). */
  endSnapshot(): void {
    const replacing = this.replacing;
    if (replacing === undefined) return;
    this.replacing = undefined;
    for (const key of [...this.rollouts.keys()]) {
      if (!replacing.has(key)) {
        this.rollouts.delete(key);
        this.version++;
      }
    }
  }

  get changeCount(): number {
    return this.version;
  }

  get size(): number {
    return this.rollouts.size;
  }

  values(): IterableIterator<RolloutSummary> {
    return this.rollouts.values();
  }

  clear(): void {
    this.rollouts.clear();
    this.replacing = undefined;
    this.version++;
  }
}

function isWatchMessage(value: unknown): value is WatchMessage {
  if (typeof value !== 'object' || value === null) return false;
  const { type, rollout } = value as { type?: unknown; rollout?: unknown };
  if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return false;
  if (typeof rollout !== 'object' || rollout === null) return false;
  const { namespace, name } = rollout as { namespace?: unknown; name?: unknown };
  return typeof namespace === 'string' && typeof name === 'string';
}
