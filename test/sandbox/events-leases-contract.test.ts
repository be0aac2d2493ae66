// Contract: Events through both APIs (events.k8s.io/v1 is a view of core/v1 Events) and Leases for leader election.
import * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, openTestCluster, type TestCluster } from './support/test-cluster.js';

let cluster: TestCluster;
let ns: string;
let events: k8s.EventsV1Api;
let leases: k8s.CoordinationV1Api;

function microTime(): Date {
  return new Date();
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
    await events.createNamespacedEvent({
      namespace: ns,
      body: {
        metadata: { name: 'rollout.step' },
        eventTime: microTime(),
        reportingController: 'vane.dev/controller',
        reportingInstance: 'vane-0',
        action: 'SetWeight',
        reason: 'StepCompleted',
        note: 'canary at 20%',
        type: 'Normal',
        regarding: { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', name: 'shop', namespace: ns },
      },
    });
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
    const status = await expectStatus(() => events.createNamespacedEvent({ namespace: ns, body: { metadata: { name: 'incomplete' }, eventTime: microTime(), reason: 'X', type: 'Normal' } }));
    expect(status.code).toBe(422);
    expect(status.details?.causes?.map((c) => c.field)).toEqual(expect.arrayContaining(['reportingController', 'action']));
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

  it('given a non-positive lease duration, then the Lease is refused with 422', async () => {
    const status = await expectStatus(() => leases.createNamespacedLease({ namespace: ns, body: { metadata: { name: 'bad' }, spec: { leaseDurationSeconds: 0 } } }));
    expect(status.code).toBe(422);
    expect(status.details?.causes?.[0]?.field).toBe('spec.leaseDurationSeconds');
  });
});
