// A de-duplicating, rate-limited work queue of keys, with requeue-after and per-key serialisation.
//
// Semantics follow client-go's workqueue: a key is queued at most once; a key being processed is never handed to
// a second worker, and if it is added meanwhile it is queued again once the first worker is done.

/** The longest delay a Node timer holds: setTimeout fires a longer one after 1 ms (and warns). */
export const MAX_TIMER_DELAY_MS = 2 ** 31 - 1;

/**
 * The longest a requeue waits. A reconcile asks for the wait it computed (a 30-day pause, a long analysis interval);
 * capping it costs one early pass an hour, which re-reads the clock and asks again for what is left. It keeps every
 * timer far below MAX_TIMER_DELAY_MS and bounds the harm of a wrong wake-up time.
 */
export const MAX_REQUEUE_DELAY_MS = 3_600_000;

export interface WorkQueueOptions {
  /** First retry delay after a failure; doubles per consecutive failure of the same key. */
  baseDelayMs?: number;
  /** Ceiling of the per-key failure backoff. */
  maxDelayMs?: number;
}

export type KeyHandler = (key: string) => Promise<void>;

export class WorkQueue {
  private fifo: string[] = [];
  private head = 0;
  private readonly queued = new Set<string>();
  private readonly processing = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly timers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly failures = new Map<string, number>();
  private waiters: Array<() => void> = [];
  private stopped = false;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(options: WorkQueueOptions = {}) {
    this.baseDelayMs = options.baseDelayMs ?? 5;
    this.maxDelayMs = options.maxDelayMs ?? 300_000;
  }

  /** Keys waiting to be processed (not counting delayed ones). */
  get depth(): number {
    return this.fifo.length - this.head;
  }

  /** Keys scheduled for later. */
  get delayed(): number {
    return this.timers.size;
  }

  add(key: string): void {
    if (this.stopped) return;
    if (this.processing.has(key)) {
      this.dirty.add(key);
      return;
    }
    if (this.queued.has(key)) return;
    this.queued.add(key);
    this.fifo.push(key);
    this.waiters.shift()?.();
  }

  /**
   * Adds the key after `delayMs`, at most MAX_REQUEUE_DELAY_MS (a longer or unreadable delay waits that long); an
   * earlier pending schedule for the same key wins.
   */
  addAfter(key: string, requestedMs: number): void {
    if (this.stopped) return;
    const delayMs = requeueDelay(requestedMs);
    if (delayMs <= 0) {
      this.add(key);
      return;
    }
    const at = Date.now() + delayMs;
    const pending = this.timers.get(key);
    if (pending && pending.at <= at) return;
    if (pending) clearTimeout(pending.timer);
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.add(key);
    }, delayMs);
    timer.unref();
    this.timers.set(key, { at, timer });
  }

  /** Schedules a retry after a failure, backing off exponentially per key. */
  addRateLimited(key: string): number {
    const count = this.failures.get(key) ?? 0;
    this.failures.set(key, count + 1);
    const delay = requeueDelay(Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** count));
    this.addAfter(key, delay);
    return delay;
  }

  /** Forgets the failure history of a key (after a successful pass). */
  forget(key: string): void {
    this.failures.delete(key);
  }

  failureCount(key: string): number {
    return this.failures.get(key) ?? 0;
  }

  /** Runs `workers` loops that take keys and call `handler`; resolves when the queue is shut down and drained. */
  async run(workers: number, handler: KeyHandler): Promise<void> {
    const loops = Array.from({ length: Math.max(1, workers) }, () => this.workerLoop(handler));
    await Promise.all(loops);
  }

  /** Stops handing out keys; in-flight handlers finish. */
  shutDown(): void {
    this.stopped = true;
    for (const { timer } of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private async workerLoop(handler: KeyHandler): Promise<void> {
    for (;;) {
      const key = await this.next();
      if (key === undefined) return;
      try {
        await handler(key);
      } finally {
        this.done(key);
      }
    }
  }

  private async next(): Promise<string | undefined> {
    while (!this.stopped && this.depth === 0) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    if (this.stopped) return undefined;
    const key = this.fifo[this.head++] as string;
    if (this.head > 1024 && this.head * 2 > this.fifo.length) {
      this.fifo = this.fifo.slice(this.head);
      this.head = 0;
    }
    this.queued.delete(key);
    this.processing.add(key);
    return key;
  }

  private done(key: string): void {
    this.processing.delete(key);
    if (this.dirty.delete(key)) this.add(key);
  }
}

/** A delay a timer honours: NaN and anything above the cap (Infinity included) wait the cap. */
function requeueDelay(requestedMs: number): number {
  if (Number.isNaN(requestedMs)) return MAX_REQUEUE_DELAY_MS;
  return Math.min(requestedMs, MAX_REQUEUE_DELAY_MS);
}
