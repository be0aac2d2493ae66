// Contract: owner-reference garbage collection (background, foreground, orphan), finalizers, namespace termination.
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, expectStatus, openTestCluster, patchAs, type TestCluster } from './support/test-cluster.js';
import { controllersRunning, describeWhere, itWhere, testTarget } from './support/test-target.js';

const MERGE = patchAs('application/merge-patch+json');
const target = await testTarget();
const describeWithGarbageCollector = describeWhere(target, controllersRunning('garbage collector'));
const itWithNamespaceController = itWhere(target, controllersRunning('namespace controller'));

let cluster: TestCluster;
let ns: string;

async function configMap(name: string, owners: k8s.V1ConfigMap[] = [], finalizers?: string[]): Promise<k8s.V1ConfigMap> {
  const ownerReferences = owners.map((o) => ({ apiVersion: 'v1', kind: 'ConfigMap', name: o.metadata!.name!, uid: o.metadata!.uid! }));
  return cluster.core.createNamespacedConfigMap({
    namespace: ns,
    body: { metadata: { name, ...(ownerReferences.length > 0 ? { ownerReferences } : {}), ...(finalizers ? { finalizers } : {}) } },
  });
}

async function exists(name: string, namespace = ns): Promise<k8s.V1ConfigMap | undefined> {
  return cluster.core.readNamespacedConfigMap({ namespace, name }).catch(() => undefined);
}

async function gone(name: string, namespace = ns): Promise<true | undefined> {
  return (await exists(name, namespace)) ? undefined : true;
}

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false } });
  ns = await cluster.namespace('life');
});

afterAll(async () => {
  await cluster?.close();
});

describeWithGarbageCollector('garbage collection', () => {
  it('given a dependent, when its owner is deleted, then the dependent is deleted in the background', async () => {
    const owner = await configMap('bg-owner');
    await configMap('bg-dependent', [owner]);
    await cluster.core.deleteNamespacedConfigMap({ namespace: ns, name: 'bg-owner' });
    await eventually(() => gone('bg-dependent'));
  });

  it('given a dependent with two owners, when one is deleted, then it stays and loses only that reference', async () => {
    const a = await configMap('two-a');
    const b = await configMap('two-b');
    await configMap('two-dependent', [a, b]);
    await cluster.core.deleteNamespacedConfigMap({ namespace: ns, name: 'two-a' });
    const left = await eventually(async () => {
      const dep = await exists('two-dependent');
      return dep?.metadata?.ownerReferences?.length === 1 ? dep : undefined;
    });
    expect(left.metadata?.ownerReferences?.[0]?.uid).toBe(b.metadata?.uid);
  });

  it('given Foreground propagation, then the owner waits with a finalizer until its dependents are gone', async () => {
    const owner = await configMap('fg-owner');
    await configMap('fg-dependent', [owner]);
    // The DELETE answers with the owner as it now is (client-node would read it as a Status, so go raw).
    const res = await cluster.raw('DELETE', `/api/v1/namespaces/${ns}/configmaps/fg-owner`, { propagationPolicy: 'Foreground' });
    const deleted = res.json as k8s.V1ConfigMap;
    expect(res.status, res.text).toBe(200);
    expect(deleted.metadata?.deletionTimestamp).toBeDefined();
    expect(deleted.metadata?.finalizers).toContain('foregroundDeletion');
    await eventually(() => gone('fg-dependent'));
    await eventually(() => gone('fg-owner'));
  });

  it('given Orphan propagation, then the owner goes and the dependent stays without the reference', async () => {
    const owner = await configMap('orphan-owner');
    await configMap('orphan-dependent', [owner]);
    await cluster.core.deleteNamespacedConfigMap({ namespace: ns, name: 'orphan-owner', propagationPolicy: 'Orphan' });
    await eventually(() => gone('orphan-owner'));
    const dependent = await exists('orphan-dependent');
    expect(dependent).toBeDefined();
    expect(dependent?.metadata?.ownerReferences ?? []).toEqual([]);
  });
});

describe('finalizers', () => {
  it('given a finalizer, when deleted, then the object stays with a deletionTimestamp until the finalizer is removed', async () => {
    await configMap('held', [], ['example.com/hold']);
    await cluster.core.deleteNamespacedConfigMap({ namespace: ns, name: 'held' });
    const held = await exists('held');
    expect(held?.metadata?.deletionTimestamp).toBeDefined();
    expect(held?.metadata?.finalizers).toEqual(['example.com/hold']);
    await cluster.core.patchNamespacedConfigMap({ namespace: ns, name: 'held', body: { metadata: { finalizers: null } } }, MERGE);
    await eventually(() => gone('held'));
  });

  it('given an object being deleted, when a new finalizer is added, then the update is refused', async () => {
    await configMap('no-new', [], ['example.com/hold']);
    await cluster.core.deleteNamespacedConfigMap({ namespace: ns, name: 'no-new' });
    const status = await expectStatus(() =>
      cluster.core.patchNamespacedConfigMap({ namespace: ns, name: 'no-new', body: { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } } }, MERGE),
    );
    expect(status.code).toBe(422);
    await cluster.core.patchNamespacedConfigMap({ namespace: ns, name: 'no-new', body: { metadata: { finalizers: null } } }, MERGE);
  });
});

describe('namespace termination', () => {
  itWithNamespaceController('given a namespace with objects, when deleted, then it terminates, refuses new objects, and goes once emptied', async () => {
    const doomed = `doomed-${Date.now().toString(36)}`;
    await cluster.core.createNamespace({ body: { metadata: { name: doomed } } });
    await cluster.core.createNamespacedConfigMap({ namespace: doomed, body: { metadata: { name: 'plain' } } });
    await cluster.core.createNamespacedConfigMap({ namespace: doomed, body: { metadata: { name: 'held', finalizers: ['example.com/hold'] } } });
    await cluster.core.deleteNamespace({ name: doomed });

    const terminating = await cluster.core.readNamespace({ name: doomed });
    expect(terminating.status?.phase).toBe('Terminating');
    const refused = await expectStatus(() => cluster.core.createNamespacedConfigMap({ namespace: doomed, body: { metadata: { name: 'late' } } }));
    expect(refused).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(refused.message).toContain('because it is being terminated');
    await eventually(() => gone('plain', doomed));

    await cluster.core.patchNamespacedConfigMap({ namespace: doomed, name: 'held', body: { metadata: { finalizers: null } } }, MERGE);
    await eventually(async () => ((await cluster.core.readNamespace({ name: doomed }).catch(() => undefined)) ? undefined : true), 30_000);
  });

  it('given the default namespace, when deleted, then the answer is 403 Forbidden', async () => {
    const status = await expectStatus(() => cluster.core.deleteNamespace({ name: 'default', dryRun: 'All' }));
    expect(status).toMatchObject({ code: 403, reason: 'Forbidden' });
  });
});
