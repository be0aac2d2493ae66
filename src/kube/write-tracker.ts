// Remembers, per key, the resourceVersion an object had when we last wrote it, so a pass does not act on a cache
// that has not yet seen our own write (it would replay older decisions and only learn of it from a 409).
//
// Exact, with no ordering of resourceVersions assumed: the cache is stale while it still shows the version we
// wrote over. The watch event for our write then wakes the key again. Two things keep a missed or absent event
// from stalling a key: a write the server answers with the version it replaced changed nothing (a real API server
// keeps the resourceVersion and sends no event for it), so it marks nothing; and a mark expires after `expiryMs`.

/** How long a key may be held as stale without seeing the watch event of our write. */
const DEFAULT_EXPIRY_MS = 10_000;

export interface WriteTrackerOptions {
  expiryMs?: number;
  clock?: () => number;
}

export class WriteTracker {
  private readonly overwritten = new Map<string, { version: string; until: number }>();
  private readonly expiryMs: number;
  private readonly clock: () => number;

  constructor(options: WriteTrackerOptions = {}) {
    this.expiryMs = options.expiryMs ?? DEFAULT_EXPIRY_MS;
    this.clock = options.clock ?? Date.now;
  }

  /**
   * Call after a successful write of `key` that replaced `previousVersion` and was answered with `writtenVersion`.
   * An answer that still carries `previousVersion` was a no-op on the server: no event will come, nothing is stale.
   */
  wrote(key: string, previousVersion: string | undefined, writtenVersion: string | undefined): void {
    if (!previousVersion || writtenVersion === previousVersion) return;
    this.overwritten.set(key, { version: previousVersion, until: this.clock() + this.expiryMs });
  }

  /** True while the cached object is still the version our last write replaced, and the mark has not expired. */
  isStale(key: string, cachedVersion: string | undefined): boolean {
    const mark = this.overwritten.get(key);
    if (mark === undefined) return false;
    if (cachedVersion === mark.version && this.clock() < mark.until) return true;
    this.overwritten.delete(key);
    return false;
  }

  /** How soon a pass skipped as stale should look again, so a wake-up it swallowed is not lost. */
  recheckAfterMs(key: string): number {
    const mark = this.overwritten.get(key);
    return mark === undefined ? 0 : Math.max(0, Math.min(STALE_RECHECK_MS, mark.until - this.clock()));
  }

  forget(key: string): void {
    this.overwritten.delete(key);
  }
}

/** A skipped pass looks again this soon; the watch event of our write normally wakes the key long before. */
const STALE_RECHECK_MS = 1_000;
