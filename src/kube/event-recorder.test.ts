// Specification of Event recording: fields cut to the server's byte limits, and a failure that never reaches the caller.
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { VaneError } from '../errors.js';
import { EVENT_FIELD_LIMITS, truncateUtf8 } from './event-fields.js';
import { KubeEventRecorder } from './event-recorder.js';
import { KubeApiError } from './kube-api-error.js';
import type { ObjectWriter } from './kube-client.js';
import type { KubeObject } from './kube-object.js';

const rollout: KubeObject = { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'shop', namespace: 'default', uid: 'u-1' } };

/** A writer that validates an Event as kube-apiserver does (lengths in bytes), then fails or stores it. */
class EventSink implements ObjectWriter {
  readonly created: KubeObject[] = [];
  failures: unknown[] = [];

  create<T extends KubeObject>(_kind: unknown, obj: T): Promise<T> {
    const failure = this.failures.shift();
    if (failure) return Promise.reject(failure);
    const tooLong = Object.entries(EVENT_FIELD_LIMITS).filter(([field, limit]) => Buffer.byteLength(String(obj[field] ?? '')) > limit);
    if (tooLong.length > 0) return Promise.reject(new KubeApiError(422, { reason: 'Invalid', message: `${tooLong.map(([f]) => f).join(', ')} too long` }, 'POST events'));
    if (this.created.some((e) => e.metadata.name === obj.metadata.name)) return Promise.reject(new KubeApiError(409, { reason: 'AlreadyExists' }, 'POST events'));
    this.created.push(obj);
    return Promise.resolve(obj);
  }
  replace<T extends KubeObject>(): Promise<T> {
    return Promise.reject(new Error('not used'));
  }
  patch<T extends KubeObject>(): Promise<T> {
    return Promise.reject(new Error('not used'));
  }
  delete(): Promise<void> {
    return Promise.reject(new Error('not used'));
  }
}

function capturingLogger(): { logger: pino.Logger; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino({ level: 'debug' }, { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  return { logger, lines };
}

describe('truncateUtf8', () => {
  it('keeps a text within the limit as it is', () => {
    expect(truncateUtf8('héllo', 6)).toBe('héllo');
    expect(truncateUtf8('', 0)).toBe('');
  });

  it('counts bytes, not UTF-16 units: 600 × "é" is cut to 512 of them (1,024 bytes)', () => {
    const cut = truncateUtf8('é'.repeat(600), 1024);
    expect(cut).toBe('é'.repeat(512));
    expect(Buffer.byteLength(cut)).toBe(1024);
  });

  it('never splits a multi-byte character: it cuts before one that does not fit whole', () => {
    expect(truncateUtf8('aé', 2)).toBe('a');
    expect(truncateUtf8('a€b', 3)).toBe('a');
    expect(truncateUtf8('a€b', 4)).toBe('a€');
  });

  it('never splits an emoji (a surrogate pair, 4 bytes) nor leaves half of one', () => {
    const text = 'ok 🚀🚀';
    for (let max = 0; max <= Buffer.byteLength(text); max++) {
      const cut = truncateUtf8(text, max);
      expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(max);
      expect(text.startsWith(cut)).toBe(true);
      expect(cut).not.toMatch(/[\uD800-\uDBFF]$/);
      expect(cut).not.toContain('\uFFFD');
    }
    expect(truncateUtf8(text, 6)).toBe('ok ');
    expect(truncateUtf8(text, 7)).toBe('ok 🚀');
  });
});

describe('KubeEventRecorder', () => {
  it('given an abort message of 600 × "é", when recorded, then the Event is accepted with its note cut to 1,024 bytes', async () => {
    const sink = new EventSink();
    const recorder = new KubeEventRecorder(sink, 'vane.dev/rollout-controller', 'pod-1');
    await recorder.record(rollout, { key: 'abort/1', type: 'Warning', reason: 'RolloutAborted', message: `metric latency was ${'é'.repeat(600)}` });
    expect(sink.created).toHaveLength(1);
    expect(Buffer.byteLength(String(sink.created[0]?.['note']))).toBeLessThanOrEqual(1024);
  });

  it('cuts reason, action and reporting instance to 128 bytes', async () => {
    const sink = new EventSink();
    await new KubeEventRecorder(sink, 'vane.dev/cli', 'ü'.repeat(100)).record(rollout, { type: 'Normal', reason: 'R'.repeat(200), action: '動'.repeat(50), message: 'm' });
    const [event] = sink.created;
    expect(Buffer.byteLength(String(event?.['reason']))).toBe(128);
    expect(event?.['action']).toBe('動'.repeat(42));
    expect(event?.['reportingInstance']).toBe('ü'.repeat(64));
  });

  it('given a writer the server refuses, when a keyed Event is recorded, then it resolves, logs and does not retry', async () => {
    const sink = new EventSink();
    sink.failures = [new KubeApiError(422, { reason: 'Invalid', message: 'note too long' }, 'POST events')];
    const { logger, lines } = capturingLogger();
    const recorder = new KubeEventRecorder(sink, 'vane.dev/rollout-controller', 'pod-1', logger, { delaysMs: [0], maxPending: 10 });
    await expect(recorder.record(rollout, { key: 'abort/1', type: 'Warning', reason: 'RolloutAborted', message: 'aborted' })).resolves.toBeUndefined();
    await new Promise((r) => setTimeout(r, 20));
    expect(sink.created).toHaveLength(0);
    expect(lines.some((l) => l['level'] === 40 && String(l['msg']).includes('refused'))).toBe(true);
  });

  it('given an unreachable server, when a keyed Event is recorded, then it resolves at once and the Event is retried in the background', async () => {
    const sink = new EventSink();
    sink.failures = [new VaneError('Unavailable', 'connection refused'), new KubeApiError(503, undefined, 'POST events')];
    const recorder = new KubeEventRecorder(sink, 'vane.dev/rollout-controller', 'pod-1', undefined, { delaysMs: [5, 5], maxPending: 10 });
    await expect(recorder.record(rollout, { key: 'started/1', type: 'Normal', reason: 'RolloutStarted', message: 'started' })).resolves.toBeUndefined();
    expect(sink.created).toHaveLength(0);
    await expect.poll(() => sink.created.length).toBe(1);
  });

  it('gives up after the last retry without throwing anywhere', async () => {
    const sink = new EventSink();
    sink.failures = [new Error('socket hang up'), new Error('socket hang up'), new Error('socket hang up')];
    const { logger, lines } = capturingLogger();
    const recorder = new KubeEventRecorder(sink, 'vane.dev/rollout-controller', 'pod-1', logger, { delaysMs: [1, 1], maxPending: 10 });
    await recorder.record(rollout, { type: 'Normal', reason: 'RolloutStarted', message: 'started' });
    await expect.poll(() => lines.some((l) => String(l['msg']).includes('dropped'))).toBe(true);
    expect(sink.created).toHaveLength(0);
  });

  it('given an object with a 253-character name, then the Event name stays within 253 characters and is still deduplicated', async () => {
    const sink = new EventSink();
    const recorder = new KubeEventRecorder(sink, 'vane.dev/rollout-controller', 'pod-1');
    const long: KubeObject = { ...rollout, metadata: { ...rollout.metadata, name: 'r'.repeat(253) } };
    for (let i = 0; i < 2; i++) await recorder.record(long, { key: 'step/1', type: 'Normal', reason: 'StepCompleted', message: 'step 1' });
    expect(sink.created).toHaveLength(1);
    expect(sink.created[0]?.metadata.name?.length).toBeLessThanOrEqual(253);
  });

  it('records a keyed Event once however often it is replayed', async () => {
    const sink = new EventSink();
    const recorder = new KubeEventRecorder(sink, 'vane.dev/rollout-controller', 'pod-1');
    for (let i = 0; i < 3; i++) await recorder.record(rollout, { key: 'step/2', type: 'Normal', reason: 'StepCompleted', message: 'step 2' });
    expect(sink.created).toHaveLength(1);
  });
});
