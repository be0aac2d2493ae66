// Server-sent events of Rollout status changes: one informer handler fans each change out to the open streams whose
// filter matches. A stream starts with the current state of what it watches, then sends changes.
import type { Response } from 'express';
import type { InformerEvent, SupervisedInformer } from '../kube/supervised-informer.js';
import type { RolloutObject } from './rollout-read-model.js';
import { summarizeRollout, type RolloutSummary } from './rollout-view.js';

export interface StreamFilter {
  namespace?: string;
  name?: string;
}

export type StreamEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StreamMessage {
  type: StreamEventType;
  rollout: RolloutSummary;
}

export interface StatusStreamOptions {
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs?: number;
  /** A client this far behind (bytes buffered) is disconnected rather than buffered without bound. */
  maxBufferedBytes?: number;
}

interface Subscriber {
  filter: StreamFilter;
  res: Response;
  heartbeat: NodeJS.Timeout;
}

export class RolloutStatusStream {
  private readonly subscribers = new Set<Subscriber>();

  constructor(informer: SupervisedInformer<RolloutObject>, private readonly options: StatusStreamOptions = {}) {
    informer.addHandler((event) => this.onChange(event));
  }

  get openStreams(): number {
    return this.subscribers.size;
  }

  /** Turns the response into an event stream; `initial` are the objects the stream starts with. */
  open(res: Response, filter: StreamFilter, initial: readonly RolloutObject[]): void {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store, no-transform');
    // A stream's connection is not reused after it ends (at shutdown): closing it then lets the server stop at once.
    res.shouldKeepAlive = false;
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), this.options.heartbeatMs ?? 15_000);
    heartbeat.unref();
    const subscriber: Subscriber = { filter, res, heartbeat };
    this.subscribers.add(subscriber);
    res.on('close', () => this.drop(subscriber));
    for (const rollout of initial) this.send(subscriber, 'ADDED', rollout);
  }

  /** Ends every stream (server shutdown). */
  closeAll(): void {
    for (const subscriber of [...this.subscribers]) {
      subscriber.res.end();
      this.drop(subscriber);
    }
  }

  private onChange(event: InformerEvent<RolloutObject>): void {
    const type = messageType(event);
    if (!type) return;
    for (const subscriber of this.subscribers) {
      if (matches(subscriber.filter, event.object)) this.send(subscriber, type, event.object);
    }
  }

  private send(subscriber: Subscriber, type: StreamEventType, rollout: RolloutObject): void {
    const { res } = subscriber;
    if (res.writableLength > (this.options.maxBufferedBytes ?? 1024 * 1024)) {
      res.end();
      this.drop(subscriber);
      return;
    }
    const message: StreamMessage = { type, rollout: summarizeRollout(rollout) };
    const id = rollout.metadata.resourceVersion ? `id: ${rollout.metadata.resourceVersion}\n` : '';
    res.write(`${id}data: ${JSON.stringify(message)}\n\n`);
  }

  private drop(subscriber: Subscriber): void {
    clearInterval(subscriber.heartbeat);
    this.subscribers.delete(subscriber);
  }
}

/** Only status (and spec generation) changes are news; resyncs and metadata-only updates are not. */
function messageType(event: InformerEvent<RolloutObject>): StreamEventType | undefined {
  if (event.type === 'add') return 'ADDED';
  if (event.type === 'delete') return 'DELETED';
  if (event.type !== 'update' || !event.oldObject) return undefined;
  const before = event.oldObject;
  const after = event.object;
  const changed = before.metadata.generation !== after.metadata.generation || JSON.stringify(before.status ?? {}) !== JSON.stringify(after.status ?? {});
  return changed ? 'MODIFIED' : undefined;
}

function matches(filter: StreamFilter, rollout: RolloutObject): boolean {
  if (filter.namespace !== undefined && rollout.metadata.namespace !== filter.namespace) return false;
  return filter.name === undefined || rollout.metadata.name === filter.name;
}
