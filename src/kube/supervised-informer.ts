// A list+watch cache of one resource kind that keeps itself alive: backoff after errors, relist on 410 Gone,
// a watchdog for silent watches, and a periodic resync.
//
// Built on the API's list and watch directly rather than client-node's informer, which stops on watch errors and
// reconnects without backoff (docs/adr/0001-kube-transport.md).
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { reachabilityProblem } from './api-reachability.js';
import { Backoff, type BackoffOptions } from './backoff.js';
import type { CacheTrim } from './cache-trim.js';
import type { KubeClient } from './kube-client.js';
import { KubeApiError } from './kube-api-error.js';
import { objectKey, type KubeObject } from './kube-object.js';
import type { WatchLine } from './kube-transport.js';
import { collectionPath, type ResourceKind } from './resource-kind.js';

export type InformerEventType = 'add' | 'update' | 'delete' | 'resync';

export interface InformerEvent<T> {
  type: InformerEventType;
  key: string;
  object: T;
  oldObject?: T;
}

export type InformerHandler<T> = (event: InformerEvent<T>) => void;

export type IndexFunc<T> = (obj: T) => string[];

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  /** Only objects matching these fields (the fields each kind's API supports, e.g. an Event's `regarding.kind`). */
  fieldSelector?: string;
  /** Re-deliver every cached object to the handlers this often (0 = never). */
  resyncMs?: number;
  /** Restart a watch that has delivered nothing (not even a bookmark) for this long; by default a little longer than
   * the watch's own timeout, since a quiet watch is normal until the server ends it. */
  watchdogMs?: number;
  /** Server-side watch timeout; the server ends the watch and we resume from the last resourceVersion. By default a
   * random 5–10 minutes per watch, like client-go's reflector, so informers do not all reconnect at once. */
  watchTimeoutSeconds?: number;
  backoff?: BackoffOptions;
  logger?: Logger;
  /** Applied to every listed or watched object before it is stored or handed to handlers (cache-trim.ts), so the
   * cache holds only what its readers use. It must return a new object: the informer owns its copies. */
  trim?: CacheTrim;
  /**
   * Watch only objects whose value of this label is one of the partitions chosen with selectPartitions() (none until
   * then), on top of `labelSelector`. A change of partitions lists only the partitions added (a replica's shards).
   */
  partitionLabel?: string;
}

const MIN_WATCH_TIMEOUT_SECONDS = 5 * 60;
/** How long past its timeout a watch may stay silent before the watchdog calls it stuck (the server's close may lag). */
const WATCHDOG_GRACE_MS = 60_000;

export interface WatchTimings {
  timeoutSeconds: number;
  watchdogMs: number;
}

/**
 * The timeout to ask the server for on one watch, and how long the watchdog waits for a line. Servers before 1.27 send
 * no periodic bookmarks, so a watch over quiet objects says nothing until its timeout: only silence beyond it is a
 * stuck watch (a dropped connection the socket did not notice).
 */
export function watchTimings(options: Pick<InformerOptions, 'watchTimeoutSeconds' | 'watchdogMs'>, random: () => number = Math.random): WatchTimings {
  const timeoutSeconds = options.watchTimeoutSeconds ?? Math.floor(MIN_WATCH_TIMEOUT_SECONDS * (1 + random()));
  return { timeoutSeconds, watchdogMs: options.watchdogMs ?? timeoutSeconds * 1000 + WATCHDOG_GRACE_MS };
}

/** Thrown inside the loop when the server says our resourceVersion is too old. */
class ExpiredError extends Error {}

export class SupervisedInformer<T extends KubeObject> {
  private readonly store = new Map<string, T>();
  private readonly indexers = new Map<string, { fn: IndexFunc<T>; index: Map<string, Set<string>> }>();
  private readonly handlers: InformerHandler<T>[] = [];
  private readonly backoff: Backoff;
  private readonly log: Logger;
  private resourceVersion = '';
  private synced = false;
  private syncWaiters: Array<() => void> = [];
  private abort: AbortController | undefined;
  private stopSignal = new AbortController();
  private stopped = true;
  private loop: Promise<void> | undefined;
  private resyncTimer: NodeJS.Timeout | undefined;
  private watchdogTimer: NodeJS.Timeout | undefined;
  private restarts = 0;
  /** The partitions asked for (partitionLabel only), and those the cache holds: set by each list. */
  private partitions: readonly string[] = [];
  private coveredPartitions: ReadonlySet<string> | undefined;
  /** What a resumed watch replays that a partition's list already holds (see applySelection). */
  private catchUp: CatchUp | undefined;
  private selectionPending = false;
  /** Callers of selectPartitions() waiting for the cache to hold their partitions, by selection generation. */
  private selectionWaiters: Array<{ generation: number; wake: () => void }> = [];
  private selectorGeneration = 0;

  constructor(
    private readonly client: KubeClient,
    readonly kind: ResourceKind,
    private readonly options: InformerOptions = {},
  ) {
    this.backoff = new Backoff(options.backoff);
    this.log = (options.logger ?? silentLogger).child({ informer: kind.plural });
  }

  addHandler(handler: InformerHandler<T>): void {
    this.handlers.push(handler);
  }

  addIndex(name: string, fn: IndexFunc<T>): void {
    const index = new Map<string, Set<string>>();
    for (const [key, obj] of this.store) addToIndex(index, fn(obj), key);
    this.indexers.set(name, { fn, index });
  }

  get(key: string): T | undefined {
    return this.store.get(key);
  }

  list(namespace?: string): T[] {
    const all = [...this.store.values()];
    return namespace === undefined ? all : all.filter((o) => o.metadata.namespace === namespace);
  }

  byIndex(name: string, value: string): T[] {
    const keys = this.indexers.get(name)?.index.get(value);
    if (!keys) return [];
    return [...keys].map((k) => this.store.get(k)).filter((o): o is T => o !== undefined);
  }

  keys(): string[] {
    return [...this.store.keys()];
  }

  get hasSynced(): boolean {
    return this.synced;
  }

  /** How many times the watch was re-established (for health and tests). */
  get restartCount(): number {
    return this.restarts;
  }

  waitForSync(): Promise<void> {
    if (this.synced) return Promise.resolve();
    return new Promise((resolve) => this.syncWaiters.push(resolve));
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.stopSignal = new AbortController();
    this.loop = this.run();
    const resyncMs = this.options.resyncMs ?? 0;
    if (resyncMs > 0) {
      this.resyncTimer = setInterval(() => this.resync(), resyncMs);
      this.resyncTimer.unref();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.resyncTimer) clearInterval(this.resyncTimer);
    if (this.watchdogTimer) clearTimeout(this.watchdogTimer);
    this.abort?.abort();
    this.stopSignal.abort();
    await this.loop;
    for (const waiter of this.selectionWaiters.splice(0)) waiter.wake();
  }

  /**
   * Watches exactly these partitions (values of options.partitionLabel) and resolves once the cache holds them.
   * Objects of partitions left leave the cache as deletes without a request; only the partitions added are listed,
   * and arrive as adds; the objects kept emit nothing. Nothing else is listed again, so the cache never holds two
   * copies of what it keeps (a replica handing over shards at 20,000 Rollouts ran out of heap doing that).
   */
  async selectPartitions(partitions: readonly string[]): Promise<void> {
    if (this.options.partitionLabel === undefined) throw new Error(`informer ${this.kind.plural} has no partitionLabel`);
    const next = [...new Set(partitions)].sort();
    const unchanged = next.join(',') === this.partitions.join(',');
    if (!unchanged) {
      this.partitions = next;
      this.selectorGeneration++;
    }
    if (this.stopped || (unchanged && !this.selectionPending)) return;
    this.selectionPending = true;
    if (!unchanged) this.abort?.abort();
    const generation = this.selectorGeneration;
    await new Promise<void>((wake) => this.selectionWaiters.push({ generation, wake }));
  }

  /** The label selector of the objects this informer holds. */
  get labelSelector(): string | undefined {
    return this.selectorFor(this.partitions);
  }

  private selectorFor(partitions: readonly string[]): string | undefined {
    const label = this.options.partitionLabel;
    if (label === undefined) return this.options.labelSelector;
    // With no partition it still names a value (`none`): `in ()` is not a selector, and no selector selects everything.
    const inPartitions = `${label} in (${partitions.length === 0 ? 'none' : partitions.join(',')})`;
    return this.options.labelSelector ? `${this.options.labelSelector},${inPartitions}` : inPartitions;
  }

  private async run(): Promise<void> {
    let needList = true;
    while (!this.stopped) {
      try {
        if (needList) await this.relist();
        else if (this.selectionPending) await this.applySelection();
        needList = false;
        // stop() during the list had no watch to abort yet; starting one now would outlive it by minutes.
        if (this.stopped) break;
        if (this.selectionPending) continue;
        await this.watchOnce();
        this.backoff.reset();
      } catch (err) {
        if (this.stopped) break;
        if (err instanceof ExpiredError) {
          this.log.info({ resourceVersion: this.resourceVersion }, 'watch expired (410); relisting');
          needList = true;
          continue;
        }
        const delay = this.backoff.next();
        needList = this.backoff.attempts > 3;
        // An unreachable server or rejected credentials are summarised once for every informer (api-reachability.ts).
        const quiet = this.client.transport.reportsReachability && reachabilityProblem(err) !== undefined;
        this.log[quiet ? 'debug' : 'warn']({ err: describe(err), retryInMs: delay, relist: needList }, 'list/watch failed; backing off');
        await sleep(delay, this.stopSignal.signal);
      }
      this.restarts++;
    }
  }

  private async relist(): Promise<void> {
    const generation = this.selectorGeneration;
    const partitions = this.partitions;
    const { items, resourceVersion } = await this.listWith(this.selectorFor(partitions));
    const fresh = new Map(items.map((o) => [objectKey(o), this.own(o)]));
    for (const [key, old] of this.store) {
      if (!fresh.has(key)) this.remove(key, old);
    }
    for (const [key, obj] of fresh) this.upsert(key, obj);
    this.resourceVersion = resourceVersion;
    this.catchUp = undefined;
    this.selected(generation, partitions);
    if (!this.synced) {
      this.synced = true;
      for (const wake of this.syncWaiters.splice(0)) wake();
    }
  }

  /**
   * Moves the cache to the partitions asked for without listing what it keeps: drops the objects of partitions left,
   * lists the partitions added, and lets the watch resume from where it stopped with the new selector. That watch
   * replays, for the added partitions, changes their list already holds (or newer): `catchUp` skips those, by
   * comparing resourceVersions as numbers — opaque to Kubernetes, but etcd revisions on every real server. A server
   * whose resourceVersions are not numbers gets a full list instead.
   */
  private async applySelection(): Promise<void> {
    const generation = this.selectorGeneration;
    const partitions = this.partitions;
    const covered = this.coveredPartitions ?? new Set<string>();
    const resumeFrom = revision(this.resourceVersion);
    const wanted = new Set(partitions);
    for (const [key, obj] of this.store) {
      if (!wanted.has(this.partitionOf(obj) ?? '')) this.remove(key, obj);
    }
    const added = partitions.filter((p) => !covered.has(p));
    this.catchUp = this.catchUp?.keeping(wanted);
    if (added.length > 0) {
      const { items, resourceVersion } = await this.listWith(this.selectorFor(added));
      const listedAt = revision(resourceVersion);
      if (resumeFrom === undefined || listedAt === undefined) {
        await this.relist();
        return;
      }
      for (const item of items) this.upsert(objectKey(item), this.own(item));
      if (listedAt > resumeFrom) {
        this.catchUp = (this.catchUp ?? new CatchUp()).listed(added, items.map(objectKey), listedAt);
      }
    }
    this.selected(generation, partitions);
  }

  /** The cache now holds `partitions`, as asked at `generation`: wakes who waited for it, or asks for the next. */
  private selected(generation: number, partitions: readonly string[]): void {
    this.coveredPartitions = new Set(partitions);
    this.selectionPending = generation !== this.selectorGeneration;
    const waiting = this.selectionWaiters;
    this.selectionWaiters = waiting.filter((waiter) => waiter.generation > generation);
    for (const waiter of waiting) if (waiter.generation <= generation) waiter.wake();
  }

  private listWith(labelSelector: string | undefined): Promise<{ items: T[]; resourceVersion: string }> {
    return this.client.list<T>(this.kind, this.options.namespace, {
      labelSelector,
      fieldSelector: this.options.fieldSelector,
      dropManagedFields: true, // no informer's reader looks at them; the biggest part of what the server sends
    });
  }

  private partitionOf(obj: KubeObject): string | undefined {
    const label = this.options.partitionLabel;
    return label === undefined ? undefined : obj.metadata.labels?.[label];
  }

  private async watchOnce(): Promise<void> {
    const abort = new AbortController();
    this.abort = abort;
    const { timeoutSeconds, watchdogMs } = watchTimings(this.options);
    const kick = (): void => {
      if (this.watchdogTimer) clearTimeout(this.watchdogTimer);
      this.watchdogTimer = setTimeout(() => {
        this.log.warn({ watchdogMs, timeoutSeconds }, 'watch silent past its timeout; restarting it');
        abort.abort();
      }, watchdogMs);
      this.watchdogTimer.unref();
    };
    kick();
    let expired = false;
    try {
      await this.client.transport.watch(
        collectionPath(this.kind, this.options.namespace),
        { resourceVersion: this.resourceVersion, allowWatchBookmarks: true, timeoutSeconds, labelSelector: this.labelSelector, fieldSelector: this.options.fieldSelector },
        (line) => {
          kick();
          if (this.apply(line) === 'expired') {
            expired = true;
            abort.abort();
          }
        },
        abort.signal,
        { dropManagedFields: true },
      );
    } catch (err) {
      if (err instanceof KubeApiError && err.status === 410) expired = true;
      else if (!abort.signal.aborted) throw err;
    } finally {
      if (this.watchdogTimer) clearTimeout(this.watchdogTimer);
    }
    if (expired) throw new ExpiredError();
  }

  private apply(line: WatchLine): 'ok' | 'expired' {
    if (line.type === 'ERROR') {
      const code = (line.object as { code?: number }).code;
      if (code === 410) return 'expired';
      throw new Error(`watch error: ${JSON.stringify(line.object)}`);
    }
    const rv = (line.object as Partial<T>).metadata?.resourceVersion;
    if (rv) this.resourceVersion = rv;
    if (this.catchUp && rv) {
      const at = revision(rv);
      const seen = line.type !== 'BOOKMARK' && at !== undefined && this.catchUp.holds(line.object as T, this.partitionOf(line.object as T), at);
      if (at !== undefined && this.catchUp.passedBy(at)) this.catchUp = undefined;
      if (seen) return 'ok';
    }
    if (line.type === 'BOOKMARK') return 'ok';
    const obj = this.own(line.object as T);
    const key = objectKey(obj);
    if (line.type === 'DELETED') {
      const old = this.store.get(key);
      if (old) this.remove(key, old);
    } else {
      this.upsert(key, obj);
    }
    return 'ok';
  }

  /** The copy the cache keeps of an object the server sent. */
  private own(obj: T): T {
    const described = withKind(obj, this.kind);
    return this.options.trim ? this.options.trim(described) : described;
  }

  private upsert(key: string, obj: T): void {
    const old = this.store.get(key);
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) return;
    this.store.set(key, obj);
    for (const { fn, index } of this.indexers.values()) {
      if (old) removeFromIndex(index, fn(old), key);
      addToIndex(index, fn(obj), key);
    }
    this.emit(old ? { type: 'update', key, object: obj, oldObject: old } : { type: 'add', key, object: obj });
  }

  private remove(key: string, old: T): void {
    this.store.delete(key);
    for (const { fn, index } of this.indexers.values()) removeFromIndex(index, fn(old), key);
    this.emit({ type: 'delete', key, object: old });
  }

  private resync(): void {
    for (const [key, obj] of this.store) this.emit({ type: 'resync', key, object: obj });
  }

  private emit(event: InformerEvent<T>): void {
    for (const handler of this.handlers) {
      try {
        handler(event);
      } catch (err) {
        this.log.error({ err: describe(err), key: event.key }, 'informer handler threw');
      }
    }
  }
}

/**
 * The revisions up to which the lists of partitions added to a running informer are ahead of its resumed watch: by
 * partition (what the list left out was gone by then) and by key (what it held may have moved partitions since).
 */
class CatchUp {
  /** The newest of those revisions: past it, the watch is past every list. */
  private readonly latest: bigint;

  constructor(
    private readonly partitions = new Map<string, bigint>(),
    private readonly keys = new Map<string, bigint>(),
  ) {
    let latest = 0n;
    for (const until of [...partitions.values(), ...keys.values()]) if (until > latest) latest = until;
    this.latest = latest;
  }

  listed(partitions: readonly string[], keys: readonly string[], at: bigint): CatchUp {
    const byPartition = new Map(this.partitions);
    const byKey = new Map(this.keys);
    for (const partition of partitions) byPartition.set(partition, at);
    for (const key of keys) byKey.set(key, at);
    return new CatchUp(byPartition, byKey);
  }

  /** Without the partitions no longer wanted (their objects have left the cache); undefined when nothing is left. */
  keeping(wanted: ReadonlySet<string>): CatchUp | undefined {
    const partitions = new Map([...this.partitions].filter(([partition]) => wanted.has(partition)));
    return partitions.size === 0 && this.keys.size === 0 ? undefined : new CatchUp(partitions, this.keys);
  }

  /** True when the cache already holds this change to `obj` at `at`, or a later one. */
  holds(obj: KubeObject, partition: string | undefined, at: bigint): boolean {
    const byKey = this.keys.get(objectKey(obj));
    const byPartition = partition === undefined ? undefined : this.partitions.get(partition);
    return (byKey !== undefined && at <= byKey) || (byPartition !== undefined && at <= byPartition);
  }

  /** True once the watch is past every list: nothing it sends from now on is older than the cache. */
  passedBy(at: bigint): boolean {
    return at > this.latest;
  }
}

/** A resourceVersion as the etcd revision it is on every real server, or undefined when it is not a number. */
function revision(resourceVersion: string): bigint | undefined {
  return /^[0-9]{1,30}$/.test(resourceVersion) ? BigInt(resourceVersion) : undefined;
}

/** List items come without apiVersion/kind; restore them so cached objects are self-describing. */
function withKind<T extends KubeObject>(obj: T, kind: ResourceKind): T {
  if (obj.kind && obj.apiVersion) return obj;
  return { ...obj, apiVersion: kind.group ? `${kind.group}/${kind.version}` : kind.version, kind: kind.kind };
}

function addToIndex(index: Map<string, Set<string>>, values: string[], key: string): void {
  for (const value of values) {
    let keys = index.get(value);
    if (!keys) index.set(value, (keys = new Set()));
    keys.add(key);
  }
}

function removeFromIndex(index: Map<string, Set<string>>, values: string[], key: string): void {
  for (const value of values) {
    const keys = index.get(value);
    keys?.delete(key);
    if (keys?.size === 0) index.delete(value);
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}
