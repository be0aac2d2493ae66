// Records Kubernetes Events (events.k8s.io/v1) about an object, de-duplicated by a caller-given key.
//
// A key maps to a deterministic Event name, so a reconcile replayed after a crash re-creates the same Event and the
// API's AlreadyExists tells us it was already recorded: each step, abort or promotion is reported at most once.
//
// Events are side work: recording one never throws, so it can neither block a status write nor make a pass repeat
// its effects. Like client-go's recorder, an Event the server refuses is dropped and logged, and one the server could
// not be reached for is retried in the background a few times, then dropped.
import { createHash } from 'node:crypto';
import { toVaneError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { boundedName } from './bounded-name.js';
import { EVENT_FIELD_LIMITS, truncateUtf8 } from './event-fields.js';
import { isAlreadyExists } from './kube-api-error.js';
import type { ObjectWriter } from './kube-client.js';
import type { KubeObject } from './kube-object.js';
import { microTime } from './leader-election.js';
import { Kinds } from './resource-kind.js';

export interface EventSpec {
  /** Identifies this occurrence; the same key is recorded once. Absent: always recorded. */
  key?: string;
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  action?: string;
}

export interface EventRecorder {
  /** Records the Event or logs why not; never rejects. */
  record(regarding: KubeObject, event: EventSpec): Promise<void>;
}

export interface EventRetryPolicy {
  /** The waits before each retry of an Event the server could not be reached for; its length is the retry count. */
  delaysMs: readonly number[];
  /** Events waiting for a retry at most; beyond, a failed Event is dropped at once. */
  maxPending: number;
}

const DEFAULT_RETRY: EventRetryPolicy = { delaysMs: [1_000, 2_000, 5_000, 10_000, 30_000, 60_000], maxPending: 1_000 };

export class KubeEventRecorder implements EventRecorder {
  private readonly log: Logger;
  private pending = 0;

  constructor(
    private readonly writer: ObjectWriter,
    private readonly controller: string,
    private readonly instance: string,
    logger: Logger = silentLogger,
    private readonly retry: EventRetryPolicy = DEFAULT_RETRY,
  ) {
    this.log = logger;
  }

  async record(regarding: KubeObject, event: EventSpec): Promise<void> {
    await this.attempt(this.eventFor(regarding, event), 0);
  }

  private eventFor(regarding: KubeObject, event: EventSpec): KubeObject {
    const { namespace, name, uid, resourceVersion } = regarding.metadata;
    const suffix = event.key ? digest(`${uid ?? ''}/${event.key}`) : `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    return {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: boundedName(`${name ?? 'object'}.${suffix}`), namespace: namespace ?? 'default' },
      eventTime: microTime(new Date()),
      reportingController: this.controller,
      reportingInstance: truncateUtf8(this.instance, EVENT_FIELD_LIMITS.reportingInstance),
      action: truncateUtf8(event.action ?? event.reason, EVENT_FIELD_LIMITS.action),
      reason: truncateUtf8(event.reason, EVENT_FIELD_LIMITS.reason),
      note: truncateUtf8(event.message, EVENT_FIELD_LIMITS.note),
      type: event.type,
      regarding: { apiVersion: regarding.apiVersion, kind: regarding.kind, name, namespace, uid, resourceVersion },
    };
  }

  private async attempt(body: KubeObject, retries: number): Promise<void> {
    try {
      await this.writer.create(Kinds.Event, body);
    } catch (err) {
      if (isAlreadyExists(err)) return;
      this.failed(body, retries, err);
    }
  }

  private failed(body: KubeObject, retries: number, err: unknown): void {
    const failure = toVaneError(err, 'Unavailable');
    const line = { err: failure.message, event: body.metadata.name, reason: body['reason'] };
    const delayMs = this.retry.delaysMs[retries];
    if (!failure.retryable || delayMs === undefined || this.pending >= this.retry.maxPending) {
      this.log.warn(line, failure.retryable ? 'could not record event; dropped' : 'event refused by the API server; dropped');
      return;
    }
    this.log.debug({ ...line, retryInMs: delayMs }, 'could not record event; will retry');
    this.pending++;
    const timer = setTimeout(() => {
      this.pending--;
      void this.attempt(body, retries + 1);
    }, delayMs);
    // A pending Event never keeps the process alive: it is best effort.
    timer.unref();
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
