// The watch cache: a bounded history of changes per resource, and fan-out of new changes to subscribed watches.
import { expired } from './api-status.js';
import type { ObjectStore, StoreEvent } from './object-store.js';

export type WatchSubscriber = (event: StoreEvent) => void;

/** A fixed-capacity ring of events in revision order. */
class EventHistory {
  private readonly events: StoreEvent[] = [];
  private start = 0;
  /** The newest revision that fell out of the window: watching from before it would miss changes. */
  evictedThrough = 0;

  constructor(private readonly capacity: number) {}

  push(event: StoreEvent): void {
    this.events.push(event);
    if (this.events.length - this.start <= this.capacity) return;
    const evicted = this.events[this.start];
    if (evicted) this.evictedThrough = evicted.revision;
    this.start += 1;
    // Compact now and then rather than shifting on every push.
    if (this.start >= this.capacity) {
      this.events.splice(0, this.start);
      this.start = 0;
    }
  }

  /** Events newer than `revision`, oldest first. */
  after(revision: number): StoreEvent[] {
    let lo = this.start;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.events[mid]?.revision ?? 0) <= revision) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo);
  }
}

export class WatchHub {
  private readonly histories = new Map<string, EventHistory>();
  private readonly subscribers = new Map<string, Set<WatchSubscriber>>();
  private readonly unsubscribeStore: () => void;

  constructor(
    store: ObjectStore,
    private readonly windowSize: number,
  ) {
    this.unsubscribeStore = store.subscribe((event) => this.publish(event));
  }

  /**
   * Replays the resource's changes after `fromRevision`, then delivers new ones as they happen.
   * Throws a 410 Expired when the history no longer reaches back to `fromRevision`.
   */
  subscribe(storageKey: string, fromRevision: number, subscriber: WatchSubscriber): () => void {
    const history = this.history(storageKey);
    if (fromRevision < history.evictedThrough) {
      throw expired(`too old resource version: ${fromRevision} (${history.evictedThrough + 1})`);
    }
    for (const event of history.after(fromRevision)) subscriber(event);
    let set = this.subscribers.get(storageKey);
    if (!set) {
      set = new Set();
      this.subscribers.set(storageKey, set);
    }
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
    };
  }

  /** The oldest revision a watch or a continue token may still start from. */
  oldestRevision(storageKey: string): number {
    return this.history(storageKey).evictedThrough;
  }

  close(): void {
    this.unsubscribeStore();
    this.subscribers.clear();
  }

  private publish(event: StoreEvent): void {
    this.history(event.storageKey).push(event);
    const set = this.subscribers.get(event.storageKey);
    if (!set) return;
    for (const subscriber of set) {
      try {
        subscriber(event);
      } catch {
        // A broken watch stream must not cost the other watches this change; it cleans itself up on close.
      }
    }
  }

  private history(storageKey: string): EventHistory {
    let history = this.histories.get(storageKey);
    if (!history) {
      history = new EventHistory(this.windowSize);
      this.histories.set(storageKey, history);
    }
    return history;
  }
}
