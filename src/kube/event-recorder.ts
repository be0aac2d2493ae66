// Records Kubernetes Events (events.k8s.io/v1) about an object, de-duplicated by a caller-given key.
//
// A key maps to a deterministic Event name, so a reconcile replayed after a crash re-creates the same Event and the
// API's AlreadyExists tells us it was already recorded: each step, abort or promotion is reported exactly once.
import { createHash } from 'node:crypto';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
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
  record(regarding: KubeObject, event: EventSpec): Promise<void>;
}

export class KubeEventRecorder implements EventRecorder {
  private readonly log: Logger;

  constructor(
    private readonly writer: ObjectWriter,
    private readonly controller: string,
    private readonly instance: string,
    logger: Logger = silentLogger,
  ) {
    this.log = logger;
  }

  async record(regarding: KubeObject, event: EventSpec): Promise<void> {
    const { namespace, name, uid, resourceVersion } = regarding.metadata;
    const suffix = event.key ? digest(`${uid ?? ''}/${event.key}`) : `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
    const body: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: `${name ?? 'object'}.${suffix}`, namespace: namespace ?? 'default' },
      eventTime: microTime(new Date()),
      reportingController: this.controller,
      reportingInstance: this.instance,
      action: event.action ?? event.reason,
      reason: event.reason,
      note: event.message.slice(0, 1024),
      type: event.type,
      regarding: { apiVersion: regarding.apiVersion, kind: regarding.kind, name, namespace, uid, resourceVersion },
    };
    try {
      await this.writer.create(Kinds.Event, body);
    } catch (err) {
      if (isAlreadyExists(err)) return;
      // Keyed events are effects of a reconcile: failing here makes the pass retry, and the key keeps it exactly-once.
      if (event.key) throw err;
      this.log.warn({ err: err instanceof Error ? err.message : String(err), reason: event.reason }, 'could not record event');
    }
  }
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}
