// Remembers, per key, the resourceVersion an object had when we last wrote it, so a pass does not act on a cache
// that has not yet seen our own write (it would replay older decisions and only learn of it from a 409).
//
// Exact, with no ordering of resourceVersions assumed: the cache is stale while it still shows the version we
// wrote over. The watch event for our write then wakes the key again.

export class WriteTracker {
  private readonly overwritten = new Map<string, string>();

  /** Call after a successful write of `key` that replaced `previousVersion`. */
  wrote(key: string, previousVersion: string | undefined): void {
    if (previousVersion) this.overwritten.set(key, previousVersion);
  }

  /** True while the cached object is still the version our last write replaced. */
  isStale(key: string, cachedVersion: string | undefined): boolean {
    const replaced = this.overwritten.get(key);
    if (replaced === undefined) return false;
    if (cachedVersion === replaced) return true;
    this.overwritten.delete(key);
    return false;
  }

  forget(key: string): void {
    this.overwritten.delete(key);
  }
}
