// Runs a reconcile function over a work queue: results become requeue-after, retryable errors back off, terminal
// errors stop retrying. Knows nothing about what is being reconciled.
import { TerminalError, toVaneError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { WorkQueue, type Priority, type WorkQueueOptions } from './work-queue.js';

/** What a reconcile asks for next. */
export interface ReconcileResult {
  /** Reconcile this key again after this long (a pause expiring, an analysis interval). */
  requeueAfterMs?: number;
  /**
   * The requeue is a wake-up something waits for (a pause ending, a deadline): when due it goes ahead of bulk work.
   * Otherwise (a look again at a cache catching up, a held-back write) it waits in the bulk lane like any event.
   */
  urgent?: boolean;
}

export type Reconcile = (key: string) => Promise<ReconcileResult>;

export interface ReconcileObserver {
  onReconciled?(key: string, durationMs: number, outcome: 'ok' | 'error' | 'terminal'): void;
}

export interface ControllerRunnerOptions extends WorkQueueOptions {
  name: string;
  workers?: number;
  logger?: Logger;
  observer?: ReconcileObserver;
}

export class ControllerRunner {
  readonly queue: WorkQueue;
  private readonly log: Logger;
  private running: Promise<void> | undefined;

  constructor(private readonly reconcile: Reconcile, private readonly options: ControllerRunnerOptions) {
    this.queue = new WorkQueue(options);
    this.log = (options.logger ?? silentLogger).child({ controller: options.name });
  }

  /** Queues the key; `urgent` goes ahead of bulk work (a person's command, a wake-up that is due). */
  enqueue(key: string, priority: Priority = 'bulk'): void {
    this.queue.add(key, priority);
  }

  start(): void {
    this.running ??= this.queue.run(this.options.workers ?? 4, (key) => this.process(key));
  }

  /** Stops taking keys and waits for the reconciles in flight to finish. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await this.running;
  }

  private async process(key: string): Promise<void> {
    const started = performance.now();
    let outcome: 'ok' | 'error' | 'terminal' = 'ok';
    try {
      const result = await this.reconcile(key);
      this.queue.forget(key);
      this.queue.reschedule(key, result.requeueAfterMs === undefined ? undefined : Math.max(0, result.requeueAfterMs), result.urgent === true ? 'urgent' : 'bulk');
    } catch (err) {
      outcome = this.handleError(key, err);
    } finally {
      this.options.observer?.onReconciled?.(key, performance.now() - started, outcome);
    }
  }

  private handleError(key: string, err: unknown): 'error' | 'terminal' {
    if (err instanceof TerminalError) {
      this.queue.forget(key);
      this.log.error({ key, err: err.message }, 'reconcile failed terminally; not retrying until the object changes');
      return 'terminal';
    }
    const error = toVaneError(err);
    const delay = this.queue.addRateLimited(key);
    const level = error.code === 'Conflict' ? 'debug' : 'warn';
    this.log[level]({ key, code: error.code, err: error.message, retryInMs: delay }, 'reconcile failed; retrying');
    return 'error';
  }
}
