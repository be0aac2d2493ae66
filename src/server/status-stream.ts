// Server-sent events of Rollout status changes: one informer handler fans each change out to the open streams whose
// filter matches. A stream starts with the current state of what it watches, then sends changes.
//
// Streams are bounded: so many per user and so many in all (each holds a connection and a file descriptor), each
// lives for a limited time (the client reconnects, as EventSource does by itself), and each re-checks its caller's
// authentication and authorization on an interval, closing when they no longer hold.
import type { Response } from 'express';
import { toVaneError } from '../errors.js';
import type { InformerEvent, SupervisedInformer } from '../kube/supervised-informer.js';
import { sameJson } from '../resources/canonical-json.js';
import { ApiError } from './api-error.js';
import { DEFAULT_STREAM_LIMITS, type StreamLimits } from './api-limits.js';
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

/** Whether the stream's caller may still watch it: why not, or undefined while access holds. */
export type StreamRecheck = () => Promise<string | undefined>;

export interface StreamOwner {
  user: string;
  recheck: StreamRecheck;
}

export interface StatusStreamOptions {
  /** A comment line this often keeps proxies from closing an idle stream. */
  heartbeatMs?: number;
  /**
   * A client this far behind on changes (bytes buffered) is disconnected rather than buffered without bound. The
   * opening state is not counted: it is written as fast as the client reads it, however large.
   */
  maxBufferedBytes?: number;
  limits?: Partial<StreamLimits>;
}

interface Subscriber {
  filter: StreamFilter;
  res: Response;
  owner: StreamOwner;
  /**
   * While the opening state is being written: the changes that came meanwhile, the latest per Rollout, sent after it
   * (bounded by the number of Rollouts, not by how slowly the client reads).
   */
  backlog?: Map<string, { type: StreamEventType; rollout: RolloutObject }>;
  heartbeat?: NodeJS.Timeout;
  lifetime?: NodeJS.Timeout;
  recheck?: NodeJS.Timeout;
}

/** The reconnect delay a stream's first line asks for. */
const RETRY_MS = 3_000;
/** A refused stream is told to come back after this long. */
const REFUSED_RETRY_AFTER_SECONDS = 10;

export class RolloutStatusStream {
  private readonly subscribers = new Set<Subscriber>();
  private readonly perUser = new Map<string, number>();
  readonly limits: StreamLimits;

  constructor(informer: SupervisedInformer<RolloutObject>, private readonly options: StatusStreamOptions = {}) {
    this.limits = { ...DEFAULT_STREAM_LIMITS, ...options.limits };
    informer.addHandler((event) => this.onChange(event));
  }

  get openStreams(): number {
    return this.subscribers.size;
  }

  /**
   * Turns the response into an event stream; `initial` are the objects the stream starts with. Throws RateLimited
   * (429, nothing written) when the owner or the server already holds as many streams as allowed.
   */
  open(res: Response, filter: StreamFilter, initial: readonly RolloutObject[], owner: StreamOwner): void {
    this.admit(owner.user);
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store, no-transform');
    // A stream's connection is not reused after it ends (at shutdown): closing it then lets the server stop at once.
    res.shouldKeepAlive = false;
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write(`retry: ${RETRY_MS}\n\n`);
    const subscriber: Subscriber = { filter, res, owner };
    this.subscribers.add(subscriber);
    this.perUser.set(owner.user, (this.perUser.get(owner.user) ?? 0) + 1);
    res.on('close', () => this.drop(subscriber));
    subscriber.heartbeat = setInterval(() => res.write(': keep-alive\n\n'), this.options.heartbeatMs ?? 15_000).unref();
    const lifetimeMs = this.limits.maxLifetimeMs - Math.random() * (this.limits.maxLifetimeMs / 10);
    // The retry hint spreads the reconnects of streams that opened together.
    const reconnect = `stream lifetime reached; reconnect\nretry: ${RETRY_MS + Math.round(Math.random() * RETRY_MS)}`;
    subscriber.lifetime = setTimeout(() => this.end(subscriber, reconnect), lifetimeMs).unref();
    this.scheduleRecheck(subscriber);
    subscriber.backlog = new Map();
    void this.sendInitial(subscriber, initial);
  }

  /**
   * The opening state, written only as fast as the client takes it: thousands of Rollouts are more than a socket's
   * buffer, and writing them in one go would trip the limit meant for a client that falls behind on changes.
   */
  private async sendInitial(subscriber: Subscriber, initial: readonly RolloutObject[]): Promise<void> {
    const { res } = subscriber;
    for (const rollout of initial) {
      if (!this.subscribers.has(subscriber)) return;
      if (!res.write(formatMessage('ADDED', rollout))) await drained(res);
    }
    const backlog = subscriber.backlog ?? new Map();
    subscriber.backlog = undefined;
    for (const { type, rollout } of backlog.values()) this.send(subscriber, type, rollout);
  }

  /** Ends every stream (server shutdown). */
  closeAll(): void {
    for (const subscriber of [...this.subscribers]) {
      subscriber.res.end();
      this.drop(subscriber);
    }
  }

  private admit(user: string): void {
    const mine = this.perUser.get(user) ?? 0;
    if (mine >= this.limits.maxPerUser) {
      throw new ApiError('RateLimited', `${user} has ${mine} open status streams, at most ${this.limits.maxPerUser} per user; close one before opening another`, {
        retryAfterSeconds: REFUSED_RETRY_AFTER_SECONDS,
      });
    }
    if (this.subscribers.size >= this.limits.maxTotal) {
      throw new ApiError('RateLimited', `the server has ${this.subscribers.size} open status streams, its limit; retry later`, { retryAfterSeconds: REFUSED_RETRY_AFTER_SECONDS });
    }
  }

  private scheduleRecheck(subscriber: Subscriber): void {
    subscriber.recheck = setTimeout(() => void this.recheck(subscriber), this.limits.recheckMs).unref();
  }

  /** Fails closed: a recheck that cannot reach the authority ends the stream; the client's reconnect asks again. */
  private async recheck(subscriber: Subscriber): Promise<void> {
    let refusal: string | undefined;
    try {
      refusal = await subscriber.owner.recheck();
    } catch (err) {
      refusal = `access could not be checked again (${toVaneError(err).code}); reconnect later`;
    }
    if (!this.subscribers.has(subscriber)) return;
    if (refusal) this.end(subscriber, `closing: ${refusal}`);
    else this.scheduleRecheck(subscriber);
  }

  private onChange(event: InformerEvent<RolloutObject>): void {
    // Every status write of every Rollout passes here: with nobody watching, telling what changed is wasted work.
    if (this.subscribers.size === 0) return;
    const type = messageType(event);
    if (!type) return;
    for (const subscriber of this.subscribers) {
      if (!matches(subscriber.filter, event.object)) continue;
      if (subscriber.backlog) subscriber.backlog.set(event.key, { type, rollout: event.object });
      else this.send(subscriber, type, event.object);
    }
  }

  private send(subscriber: Subscriber, type: StreamEventType, rollout: RolloutObject): void {
    const { res } = subscriber;
    if (res.writableLength > (this.options.maxBufferedBytes ?? 1024 * 1024)) {
      res.end();
      this.drop(subscriber);
      return;
    }
    res.write(formatMessage(type, rollout));
  }

  /** Ends a stream with a comment saying why (comment lines are for people; EventSource ignores them). */
  private end(subscriber: Subscriber, note: string): void {
    const [first = '', ...fields] = note.split('\n');
    subscriber.res.end(`: ${first}\n${fields.map((field) => `${field}\n`).join('')}\n`);
    this.drop(subscriber);
  }

  private drop(subscriber: Subscriber): void {
    if (!this.subscribers.delete(subscriber)) return;
    clearInterval(subscriber.heartbeat);
    clearTimeout(subscriber.lifetime);
    clearTimeout(subscriber.recheck);
    const left = (this.perUser.get(subscriber.owner.user) ?? 1) - 1;
    if (left > 0) this.perUser.set(subscriber.owner.user, left);
    else this.perUser.delete(subscriber.owner.user);
  }
}

function formatMessage(type: StreamEventType, rollout: RolloutObject): string {
  const message: StreamMessage = { type, rollout: summarizeRollout(rollout) };
  const id = rollout.metadata.resourceVersion ? `id: ${rollout.metadata.resourceVersion}\n` : '';
  return `${id}data: ${JSON.stringify(message)}\n\n`;
}

/** Resolves when the response's buffer has drained, or the connection is gone (then nothing more is written). */
function drained(res: Response): Promise<void> {
  if (res.destroyed || res.writableEnded) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/** Only status (and spec generation) changes are news; resyncs and metadata-only updates are not. */
function messageType(event: InformerEvent<RolloutObject>): StreamEventType | undefined {
  if (event.type === 'add') return 'ADDED';
  if (event.type === 'delete') return 'DELETED';
  if (event.type !== 'update' || !event.oldObject) return undefined;
  const before = event.oldObject;
  const after = event.object;
  const changed = before.metadata.generation !== after.metadata.generation || !sameJson(before.status ?? {}, after.status ?? {});
  return changed ? 'MODIFIED' : undefined;
}

function matches(filter: StreamFilter, rollout: RolloutObject): boolean {
  if (filter.namespace !== undefined && rollout.metadata.namespace !== filter.namespace) return false;
  return filter.name === undefined || rollout.metadata.name === filter.name;
}
