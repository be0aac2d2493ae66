// Runs a synchronous handler once per queued key on a later turn of the event loop: how the sandbox's built-in
// controllers (garbage collector, namespace and CRD cleanup, workload simulator) react to changes asynchronously,
// as their apiserver and controller-manager counterparts do, without writing from inside a change notification.

export class DeferredKeyQueue {
  private pending = new Set<string>();
  private scheduled: NodeJS.Immediate | undefined;
  private stopped = false;

  constructor(
    private readonly handle: (key: string) => void,
    private readonly onError: (err: unknown, key: string) => void,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    this.pending.add(key);
    this.scheduled ??= setImmediate(() => this.drain());
  }

  stop(): void {
    this.stopped = true;
    if (this.scheduled) clearImmediate(this.scheduled);
    this.scheduled = undefined;
    this.pending.clear();
  }

  private drain(): void {
    this.scheduled = undefined;
    const keys = this.pending;
    this.pending = new Set();
    for (const key of keys) {
      if (this.stopped) return;
      try {
        this.handle(key);
      } catch (err) {
        this.onError(err, key);
      }
    }
  }
}
