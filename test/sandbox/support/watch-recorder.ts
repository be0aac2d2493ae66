// Records the events of a client-node Watch, for tests that wait on what a watcher saw.
import * as k8s from '@kubernetes/client-node';

export interface RecordedEvent {
  type: string;
  object: { metadata?: { name?: string; resourceVersion?: string; labels?: Record<string, string> }; [k: string]: unknown };
}

export class WatchRecorder {
  readonly events: RecordedEvent[] = [];
  private controller: AbortController | undefined;
  private ended = false;
  private endError: unknown;
  private readonly waiters = new Set<() => void>();

  private constructor() {}

  static async start(kc: k8s.KubeConfig, path: string, query: Record<string, string | number | boolean> = {}): Promise<WatchRecorder> {
    const recorder = new WatchRecorder();
    const watch = new k8s.Watch(kc);
    recorder.controller = await watch.watch(
      path,
      query,
      (type, object) => {
        recorder.events.push({ type, object: object as RecordedEvent['object'] });
        recorder.notify();
      },
      (err) => {
        recorder.ended = true;
        recorder.endError = err;
        recorder.notify();
      },
    );
    return recorder;
  }

  get done(): boolean {
    return this.ended;
  }

  get error(): unknown {
    return this.endError;
  }

  /** Resolves once `check` holds for the events so far (or the stream ended); rejects after the timeout. */
  async until(check: (events: RecordedEvent[]) => boolean, timeoutMs = 15_000): Promise<RecordedEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (!check(this.events)) {
      if (this.ended) throw new Error(`watch ended before the condition held (${this.events.length} events, error ${String(this.endError)})`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`watch condition not met in time (${this.events.length} events)`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.waiters.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events;
  }

  /** Resolves when the server ends the stream. */
  async untilEnded(timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      if (Date.now() > deadline) throw new Error('watch did not end in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  stop(): void {
    this.controller?.abort();
  }

  private notify(): void {
    const waiters = [...this.waiters];
    this.waiters.clear();
    for (const w of waiters) w();
  }
}
