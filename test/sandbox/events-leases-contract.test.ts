// Contract: Events through both APIs (events.k8s.io/v1 is a view of core/v1 Events), Leases for leader election, and
// the MicroTime fields of both (exactly six fractional digits, or the decoder refuses the body).
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, openTestCluster, type TestCluster } from './support/test-cluster.js';

let cluster: TestCluster;
let ns: string;
let events: k8s.EventsV1Api;
let leases: k8s.CoordinationV1Api;

const MICRO_TIME_LAYOUT = '2006-01-02T15:04:05.000000Z07:00';

/** Now as a metav1.MicroTime: RFC 3339 with six fractional digits (a Date would serialise with three). */
function microTime(): string {
  return new Date().toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** Creates an events.k8s.io/v1 Event as written: client-node's typed API would send eventTime as a Date. */
function createEvent(body: Record<string, unknown>): ReturnType<TestCluster['raw']> {
  return cluster.raw('POST', `/apis/events.k8s.io/v1/namespaces/${ns}/events`, body);
}

function createLease(name: string, spec: Record<string, unknown>): ReturnType<TestCluster['raw']> {
  return cluster.raw('POST', `/apis/coordination.k8s.io/v1/namespaces/${ns}/leases`, { metadata: { name }, spec });
}

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false } });
  ns = await cluster.namespace('events');
  events = cluster.kc.makeApiClient(k8s.EventsV1Api);
  leases = cluster.kc.makeApiClient(k8s.CoordinationV1Api);
});

afterAll(async () => {
  await cluster?.close();
});

describe('events', () => {
  it('given an events.k8s.io/v1 Event, when read through core/v1, then note, regarding and reportingController map across', async () => {
    const created = await createEvent({
      metadata: { name: 'rollout.step' },
      eventTime: microTime(),
      reportingController: 'vane.dev/controller',
      reportingInstance: 'vane-0',
      action: 'SetWeight',
      reason: 'StepCompleted',
      note: 'canary at 20%',
      type: 'Normal',
      regarding: { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', name: 'shop', namespace: ns },
    });
    expect(created.status, created.text).toBe(201);
    const core = await cluster.core.readNamespacedEvent({ namespace: ns, name: 'rollout.step' });
    expect(core.message).toBe('canary at 20%');
    expect(core.reason).toBe('StepCompleted');
    expect(core.reportingComponent).toBe('vane.dev/controller');
    expect(core.involvedObject).toMatchObject({ kind: 'Rollout', name: 'shop' });
    const v1 = await events.readNamespacedEvent({ namespace: ns, name: 'rollout.step' });
    expect(v1.note).toBe('canary at 20%');
    expect(v1.regarding).toMatchObject({ kind: 'Rollout', name: 'shop' });
  });

  it('given an events.k8s.io/v1 Event without reporter or action, then it is refused with 422', async () => {
    const res = await createEvent({ metadata: { name: 'incomplete' }, eventTime: microTime(), reason: 'X', type: 'Normal' });
    const status = res.json as { code?: number; details?: { causes?: Array<{ field?: string }> } };
    expect(status.code).toBe(422);
    expect(status.details?.causes?.map((c) => c.field)).toEqual(expect.arrayContaining(['reportingController', 'action']));
  });

  it('given a note of 600 × "é" (600 characters, 1,200 bytes), then the Event is refused with 422: the limit of 1,024 counts bytes', async () => {
    const event = (name: string, note: string): Record<string, unknown> => ({
      metadata: { name },
      eventTime: microTime(),
      reportingController: 'vane.dev/controller',
      reportingInstance: 'vane-0',
      action: 'Abort',
      reason: 'RolloutAborted',
      note,
      type: 'Warning',
      regarding: { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', name: 'shop', namespace: ns },
    });
    const refused = await createEvent(event('bytes', 'é'.repeat(600)));
    expect(refused.json).toMatchObject({ kind: 'Status', reason: 'Invalid', code: 422 });
    const causes = (refused.json as { details?: { causes?: Array<{ field?: string; message?: string }> } }).details?.causes ?? [];
    // Kubernetes 1.19 names the core Event's field (`message`), later versions the events.k8s.io one (`note`).
    expect(causes).toEqual([expect.objectContaining({ field: expect.stringMatching(/^(note|message)$/), message: expect.stringContaining('at most 1024') })]);
    const accepted = await createEvent(event('bytes', 'é'.repeat(512)));
    expect(accepted.status, accepted.text).toBe(201);
  });

  it('given an eventTime with milliseconds, then the Event is refused with 400 as the decoder refuses it', async () => {
    const res = await createEvent({ metadata: { name: 'millis' }, eventTime: '2024-05-01T10:00:00.123Z', reportingController: 'c', reportingInstance: 'i', action: 'A', reason: 'R', type: 'Normal' });
    expect(res.json).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'BadRequest', code: 400 });
    const message = (res.json as { message: string }).message;
    expect(message).toContain('Event in version "v1" cannot be handled as a Event');
    expect(message).toContain(`parsing time "2024-05-01T10:00:00.123Z" as "${MICRO_TIME_LAYOUT}": cannot parse ".123Z" as ".000000"`);
  });

  it('given core Events, then they can be selected by involvedObject fields', async () => {
    for (const [name, target] of [['e1', 'a'], ['e2', 'b']]) {
      await cluster.core.createNamespacedEvent({
        namespace: ns,
        body: { metadata: { name }, involvedObject: { kind: 'Pod', name: target, namespace: ns }, reason: 'Tested', message: name, type: 'Normal' },
      });
    }
    const list = await cluster.core.listNamespacedEvent({ namespace: ns, fieldSelector: 'involvedObject.name=b' });
    expect(list.items.map((e) => e.metadata?.name)).toEqual(['e2']);
  });
});

describe('leases', () => {
  it('given a Lease, when two candidates update it from the same resourceVersion, then exactly one wins', async () => {
    const created = await leases.createNamespacedLease({ namespace: ns, body: { metadata: { name: 'leader' }, spec: { holderIdentity: 'a', leaseDurationSeconds: 15 } } });
    const take = (holder: string): Promise<k8s.V1Lease> =>
      leases.replaceNamespacedLease({ namespace: ns, name: 'leader', body: { ...created, spec: { ...created.spec, holderIdentity: holder, leaseTransitions: 1 } } });
    const results = await Promise.allSettled([take('b'), take('c')]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const loser = results.find((r) => r.status === 'rejected');
    expect((loser as PromiseRejectedResult).reason).toMatchObject({ code: 409 });
    const read = await leases.readNamespacedLease({ namespace: ns, name: 'leader' });
    expect(['b', 'c']).toContain(read.spec?.holderIdentity);
  });

  it('given a renewTime with milliseconds or whole seconds, then the Lease is refused with 400 naming the layout', async () => {
    const millis = await createLease('millis', { holderIdentity: 'a', renewTime: '2024-05-01T10:00:00.123Z' });
    expect(millis.json).toMatchObject({ reason: 'BadRequest', code: 400 });
    const message = (millis.json as { message: string }).message;
    expect(message).toContain('Lease in version "v1" cannot be handled as a Lease');
    expect(message).toContain(`parsing time "2024-05-01T10:00:00.123Z" as "${MICRO_TIME_LAYOUT}": cannot parse ".123Z" as ".000000"`);
    const seconds = await createLease('seconds', { holderIdentity: 'a', acquireTime: '2024-05-01T10:00:00Z' });
    expect((seconds.json as { message: string }).message).toContain('cannot parse "Z" as ".000000"');
  });

  it('given six fractional digits with an offset, then the Lease is stored and its times are served in UTC', async () => {
    const res = await createLease('offset', { holderIdentity: 'a', acquireTime: '2024-05-01T12:00:00.123456+02:00', renewTime: '2024-05-01T10:00:01.000001Z' });
    expect(res.status, res.text).toBe(201);
    expect((res.json as { spec: unknown }).spec).toMatchObject({ acquireTime: '2024-05-01T10:00:00.123456Z', renewTime: '2024-05-01T10:00:01.000001Z' });
  });

  it('given a non-positive lease duration, then the Lease is refused with 422', async () => {
    const status = await expectStatus(() => leases.createNamespacedLease({ namespace: ns, body: { metadata: { name: 'bad' }, spec: { leaseDurationSeconds: 0 } } }));
    expect(status.code).toBe(422);
    expect(status.details?.causes?.[0]?.field).toBe('spec.leaseDurationSeconds');
  });
});
