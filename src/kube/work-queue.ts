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

/**
 * Which lane a key waits in. Urgent keys (a wake-up that is due, a person's command) are handed out before any bulk
 * key (an informer event, a resync, a retry after an error), so a burst of thousands of changes cannot delay them.
 */
export type Priority = 'urgent' | 'bulk';

export class WorkQueue {
  private readonly lanes: Record<Priority, Lane> = { urgent: new Lane(), bulk: new Lane() };
  /** Each queued key and the lane it waits in (a lane may also hold stale entries of keys moved or taken). */
  private readonly queued = new Map<string, Priority>();
  private readonly processing = new Set<string>();
  /** Keys added while processing, with the lane to queue them in once done. */
  private readonly dirty = new Map<string, Priority>();
  private readonly schedule = new DueSchedule((key, priority) => this.add(key, priority));
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
    return this.queued.size;
  }

  /** Keys scheduled for later. */
  get delayed(): number {
    return this.schedule.size;
  }

  /** Queues the key; an urgent add moves a key already waiting in the bulk lane ahead. */
  add(key: string, priority: Priority = 'bulk'): void {
    if (this.stopped) return;
    if (this.processing.has(key)) {
      if (this.dirty.get(key) !== 'urgent') this.dirty.set(key, priority);
      return;
    }
    const waiting = this.queued.get(key);
    if (waiting === 'urgent' || waiting === priority) return;
    this.queued.set(key, priority);
    this.lanes[priority].push(key);
    if (waiting === undefined) this.waiters.shift()?.();
  }

  /**
   * Adds the key after `delayMs`, at most MAX_REQUEUE_DELAY_MS (a longer or unreadable delay waits that long), in the
   * lane given (urgent: a wake-up that is due goes ahead of bulk work); an earlier pending schedule for the same key
   * wins, and an urgent one keeps its lane when a bulk one for the same time comes. One timer serves every key.
   */
  addAfter(key: string, requestedMs: number, priority: Priority = 'urgent'): void {
    if (this.stopped) return;
    const delayMs = requeueDelay(requestedMs);
    if (delayMs <= 0) this.add(key, priority);
    else this.schedule.at(key, Date.now() + delayMs, priority);
  }

  /**
   * A pass's own answer for its key: it replaces whatever wake-up the key had (the pass read the latest state, so an
   * older answer, like a progress deadline of a step since completed, no longer holds), and no answer cancels it.
   * Without this a key at rest kept the earliest wake-up any earlier pass asked for and woke once more for nothing.
   */
  reschedule(key: string, requestedMs: number | undefined, priority: Priority = 'urgent'): void {
    this.schedule.cancel(key);
    if (requestedMs !== undefined) this.addAfter(key, requestedMs, priority);
  }

  /** Schedules a retry after a failure, backing off exponentially per key; the retry waits in the bulk lane. */
  addRateLimited(key: string): number {
    const count = this.failures.get(key) ?? 0;
    this.failures.set(key, count + 1);
    const delay = requeueDelay(Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** count));
    if (!this.stopped) this.schedule.at(key, Date.now() + delay, 'bulk');
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
    this.schedule.clear();
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
    const key = this.take('urgent') ?? (this.take('bulk') as string);
    this.queued.delete(key);
    this.processing.add(key);
    return key;
  }

  /** The next key that still waits in this lane (entries of keys moved to the urgent lane or taken are skipped). */
  private take(priority: Priority): string | undefined {
    const lane = this.lanes[priority];
    for (let key = lane.shift(); key !== undefined; key = lane.shift()) if (this.queued.get(key) === priority) return key;
    return undefined;
  }

  private done(key: string): void {
    this.processing.delete(key);
    const again = this.dirty.get(key);
    if (again === undefined) return;
    this.dirty.delete(key);
    this.add(key, again);
  }
}

/** A FIFO of keys that does not copy on every shift. */
class Lane {
  private items: string[] = [];
  private head = 0;

  push(key: string): void {
    this.items.push(key);
  }

  shift(): string | undefined {
    if (this.head >= this.items.length) return undefined;
    const key = this.items[this.head++];
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return key;
  }
}

/**
 * Keys due at a time, on one timer for all of them (a min-heap of due times): thousands of paused Rollouts cost one
 * timer, not one each. A key's earliest schedule wins; a later one is ignored.
 */
class DueSchedule {
  private readonly due = new Map<string, { at: number; priority: Priority }>();
  /** [time, key] pairs ordered by time; a pair whose time is no longer the key's schedule is dropped when reached. */
  private readonly heap: Array<[number, string]> = [];
  private timer: { at: number; handle: NodeJS.Timeout } | undefined;

  constructor(private readonly fire: (key: string, priority: Priority) => void) {}

  get size(): number {
    return this.due.size;
  }

  at(key: string, at: number, priority: Priority): void {
    const pending = this.due.get(key);
    if (pending && pending.at <= at) {
      if (priority === 'urgent' && pending.priority === 'bulk') pending.priority = 'urgent';
      return;
    }
    // An earlier schedule replaces a later one; an urgent later one still makes this one urgent (it comes first).
    this.due.set(key, { at, priority: pending?.priority === 'urgent' ? 'urgent' : priority });
    heapPush(this.heap, [at, key]);
    this.arm();
  }

  /** Forgets the key's schedule; its heap entry is dropped when reached (see expire). */
  cancel(key: string): void {
    this.due.delete(key);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer.handle);
    this.timer = undefined;
    this.due.clear();
    this.heap.length = 0;
  }

  private arm(): void {
    const first = this.heap[0];
    if (first === undefined || (this.timer && this.timer.at <= first[0])) return;
    if (this.timer) clearTimeout(this.timer.handle);
    const handle = setTimeout(() => this.expire(), Math.max(0, first[0] - Date.now()));
    handle.unref();
    this.timer = { at: first[0], handle };
  }

  private expire(): void {
    this.timer = undefined;
    const now = Date.now();
    for (let first = this.heap[0]; first !== undefined && first[0] <= now; first = this.heap[0]) {
      heapPop(this.heap);
      const [at, key] = first;
      const pending = this.due.get(key);
      if (pending?.at !== at) continue;
      this.due.delete(key);
      this.fire(key, pending.priority);
    }
    this.arm();
  }
}

function heapPush(heap: Array<[number, string]>, item: [number, string]): void {
  heap.push(item);
  for (let i = heap.length - 1; i > 0; ) {
    const parent = (i - 1) >> 1;
    if (heap[parent]![0] <= item[0]) break;
    heap[i] = heap[parent]!;
    heap[parent] = item;
    i = parent;
  }
}

function heapPop(heap: Array<[number, string]>): void {
  const last = heap.pop();
  if (last === undefined || heap.length === 0) return;
  heap[0] = last;
  for (let i = 0; ; ) {
    const left = 2 * i + 1;
    const right = left + 1;
    let least = i;
    if (left < heap.length && heap[left]![0] < heap[least]![0]) least = left;
    if (right < heap.length && heap[right]![0] < heap[least]![0]) least = right;
    if (least === i) return;
    [heap[i], heap[least]] = [heap[least]!, heap[i]!];
    i = least;
  }
}

/** A delay a timer honours: NaN and anything above the cap (Infinity included) wait the cap. */
function requeueDelay(requestedMs: number): number {
  if (Number.isNaN(requestedMs)) return MAX_REQUEUE_DELAY_MS;
  return Math.min(requestedMs, MAX_REQUEUE_DELAY_MS);
}
