// One watch over HTTP: newline-delimited JSON events from a resourceVersion on, filtered by namespace and
// selectors, with bookmarks, a server-side timeout, and the apiserver's 410 Expired for a too-old start.
import type { ServerResponse } from 'node:http';
import { ApiStatusError } from './api-status.js';
import type { KubeObject } from './kube-object.js';
import { encodeStored } from './object-encoding.js';
import type { ObjectFilter } from './object-filter.js';
import type { ObjectStore, StoreEvent } from './object-store.js';
import { apiVersionOfType, type ResourceType } from './resource-type.js';
import type { WatchHub } from './watch-hub.js';
import { matchesRequest, type RequestMatch } from './fault-injector.js';

export interface WatchTarget {
  type: ResourceType;
  namespace: string | undefined;
  filter: ObjectFilter | undefined;
}

export interface WatchSettings {
  /** Where to start; absent, empty or "0" first sends the current state as ADDED events. */
  resourceVersion: string | undefined;
  allowBookmarks: boolean;
  timeoutSeconds: number;
  bookmarkIntervalMs: number;
  /** A watcher that falls this far behind is cut off (it relists), as the apiserver drops slow watchers. */
  maxBufferedBytes: number;
}

type EventType = 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';

export class WatchStream {
  private unsubscribe: (() => void) | undefined;
  private timers: NodeJS.Timeout[] = [];
  private corked = false;
  private closed = false;

  constructor(
    private readonly res: ServerResponse,
    readonly target: WatchTarget,
    private readonly hub: WatchHub,
    private readonly store: ObjectStore,
    private readonly settings: WatchSettings,
    private readonly onClose: (stream: WatchStream) => void,
  ) {}

  start(): void {
    this.res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    this.res.flushHeaders();
    this.res.socket?.setNoDelay(true);
    this.res.on('close', () => this.cleanUp());
    const rv = this.settings.resourceVersion;
    let from: number;
    if (rv === undefined || rv === '' || rv === '0') {
      from = this.store.revision;
      for (const obj of this.store.list(this.target.type.storageKey, this.target.namespace)) {
        if (this.matches(obj)) this.send('ADDED', obj);
      }
    } else {
      from = Number(rv);
    }
    try {
      this.unsubscribe = this.hub.subscribe(this.target.type.storageKey, from, (event) => this.deliver(event));
    } catch (err) {
      if (!(err instanceof ApiStatusError)) throw err;
      this.sendLine('ERROR', JSON.stringify(err.toStatus()));
      this.close();
      return;
    }
    this.startTimers();
  }

  /** Ends the stream as a server-side close; the client re-watches from its last resourceVersion. */
  close(): void {
    if (this.closed) return;
    this.cleanUp();
    this.res.end();
  }

  matchesRequest(match: RequestMatch): boolean {
    const { type, namespace } = this.target;
    return matchesRequest(match, { verb: 'watch', group: type.group, resource: type.resource, subresource: undefined, namespace });
  }

  private startTimers(): void {
    const { allowBookmarks, bookmarkIntervalMs, timeoutSeconds } = this.settings;
    if (allowBookmarks) this.timers.push(setInterval(() => this.bookmark(), bookmarkIntervalMs));
    this.timers.push(
      setTimeout(() => {
        if (allowBookmarks) this.bookmark();
        this.close();
      }, timeoutSeconds * 1000),
    );
  }

  private matches(obj: KubeObject): boolean {
    return !this.target.filter || this.target.filter(obj);
  }

  /** Turns a change into what this watcher sees: objects entering or leaving its selection are ADDED/DELETED. */
  private deliver(event: StoreEvent): void {
    const { namespace } = this.target;
    if (namespace !== undefined && event.object.metadata.namespace !== namespace) return;
    if (event.type === 'ADDED') {
      if (this.matches(event.object)) this.send('ADDED', event.object);
      return;
    }
    if (event.type === 'DELETED') {
      if (this.matches(event.object)) this.send('DELETED', event.object);
      return;
    }
    const now = this.matches(event.object);
    const before = event.previous !== undefined && this.matches(event.previous);
    if (now) this.send(before ? 'MODIFIED' : 'ADDED', event.object);
    else if (before && event.previous) {
      // As the apiserver's cacher does: the last matching state, at the revision that made it leave.
      this.send('DELETED', { ...event.previous, metadata: { ...event.previous.metadata, resourceVersion: String(event.revision) } });
    }
  }

  private send(type: EventType, stored: KubeObject): void {
    this.sendLine(type, encodeStored(this.target.type, stored));
  }

  private bookmark(): void {
    const { type } = this.target;
    const object = { kind: type.kind, apiVersion: apiVersionOfType(type), metadata: { resourceVersion: String(this.store.revision) } };
    this.sendLine('BOOKMARK', JSON.stringify(object));
  }

  private sendLine(type: EventType, objectJson: string): void {
    if (this.closed) return;
    if (this.res.writableLength > this.settings.maxBufferedBytes) {
      this.cleanUp();
      this.res.destroy();
      return;
    }
    // Events of one turn of the event loop go out in one write.
    if (!this.corked) {
      this.corked = true;
      this.res.cork();
      process.nextTick(() => {
        this.corked = false;
        this.res.uncork();
      });
    }
    this.res.write(`{"type":"${type}","object":${objectJson}}\n`);
  }

  private cleanUp(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribe?.();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers = [];
    this.onClose(this);
  }
}

/** The open watches, for fault injection (dropWatches) and shutdown. */
export class WatchRegistry {
  private readonly streams = new Set<WatchStream>();

  add(stream: WatchStream): void {
    this.streams.add(stream);
  }

  remove(stream: WatchStream): void {
    this.streams.delete(stream);
  }

  get size(): number {
    return this.streams.size;
  }

  /** Closes the matching watches; returns how many. */
  drop(match: RequestMatch): number {
    let dropped = 0;
    for (const stream of [...this.streams]) {
      if (!stream.matchesRequest(match)) continue;
      stream.close();
      dropped += 1;
    }
    return dropped;
  }

  closeAll(): void {
    for (const stream of [...this.streams]) stream.close();
  }
}
