// Contract: how objects come back. Custom resources are unstructured maps on the server, so every key is sorted, at
// every level, whatever order the client wrote; built-in kinds come in their Go struct field order, with pod
// templates carrying `creationTimestamp: null`; and a write that changes nothing is not a write at all.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteCrd, establishCrd, type CrdManifest } from './support/crd-manifests.js';
import { openTestCluster, type RawResponse, type TestCluster } from './support/test-cluster.js';
import { WatchRecorder, type RecordedEvent } from './support/watch-recorder.js';

const GROUP = 'ordering.vane.dev';
const PLURAL = 'gadgets';
const CRD_NAME = `${PLURAL}.${GROUP}`;

const gadgetCrd: CrdManifest = {
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: CRD_NAME },
  spec: {
    group: GROUP,
    scope: 'Namespaced',
    names: { plural: PLURAL, kind: 'Gadget' },
    versions: [{ name: 'v1', served: true, storage: true, subresources: { status: {} }, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
  },
};

/** The fields of ObjectMeta in Go declaration order (what a real server serves a built-in's metadata in). */
const OBJECT_META_ORDER = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];

let cluster: TestCluster;
let ns: string;
const recorders: WatchRecorder[] = [];

/** A Gadget with every object's keys written in reverse order (and an array of objects), as a client might send it. */
function gadget(name: string, resourceVersion?: string): Record<string, unknown> {
  return {
    spec: { zone: 'eu', size: { width: 2, height: 1 }, parts: [{ weight: 3, name: 'bolt' }], alpha: true },
    metadata: { ...(resourceVersion ? { resourceVersion } : {}), labels: { tier: 'web', app: 'gadget' }, name },
    kind: 'Gadget',
    apiVersion: `${GROUP}/v1`,
  };
}

/** The paths of every object (the root is `$`) whose keys are not in sorted order. */
function unsortedObjects(value: unknown, path = '$'): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => unsortedObjects(item, `${path}[${i}]`));
  if (typeof value !== 'object' || value === null) return [];
  const keys = Object.keys(value);
  const own = keys.join() === [...keys].sort().join() ? [] : [`${path} {${keys.join(', ')}}`];
  return [...own, ...keys.flatMap((k) => unsortedObjects((value as Record<string, unknown>)[k], `${path}.${k}`))];
}

/** The keys of `obj` that `order` lists, as they come: they should come in the order listed. */
function listedKeys(obj: unknown, order: readonly string[]): string[] {
  return Object.keys(obj as object).filter((k) => order.includes(k));
}

function inOrder(obj: unknown, order: readonly string[]): string[] {
  return order.filter((k) => Object.prototype.hasOwnProperty.call(obj, k));
}

function ok(res: RawResponse): unknown {
  expect(res.status, res.text).toBeLessThan(300);
  return res.json;
}

async function watch(path: string, resourceVersion: string): Promise<WatchRecorder> {
  const recorder = await WatchRecorder.start(cluster.kc, path, { resourceVersion });
  recorders.push(recorder);
  return recorder;
}

function changes(events: RecordedEvent[]): RecordedEvent[] {
  return events.filter((e) => e.type !== 'BOOKMARK');
}

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false } });
  ns = await cluster.namespace('ordering');
  await establishCrd(cluster, gadgetCrd);
});

afterAll(async () => {
  for (const r of recorders) r.stop();
  if (cluster) await deleteCrd(cluster, CRD_NAME);
  await cluster?.close();
});

describe('custom resources are served with every key sorted', () => {
  const base = (): string => `/apis/${GROUP}/v1/namespaces/${ns}/${PLURAL}`;

  it('given a custom resource written with keys in any order, then the create answer, a get and a list have every key sorted', async () => {
    const created = ok(await cluster.raw('POST', base(), gadget('sorted')));
    expect(unsortedObjects(created)).toEqual([]);
    expect(Object.keys(created as object)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(unsortedObjects(ok(await cluster.raw('GET', `${base()}/sorted`)))).toEqual([]);
    const list = ok(await cluster.raw('GET', base()));
    expect(Object.keys(list as object)).toEqual(['apiVersion', 'items', 'kind', 'metadata']);
    expect(unsortedObjects(list)).toEqual([]);
  });

  it('given writes in any key order, then the update, status update and patch answers have every key sorted', async () => {
    const created = ok(await cluster.raw('POST', base(), gadget('rewritten'))) as { metadata: { resourceVersion: string } };
    const updated = ok(await cluster.raw('PUT', `${base()}/rewritten`, { ...gadget('rewritten', created.metadata.resourceVersion), extra: { y: 1, b: 2 } }));
    expect(unsortedObjects(updated)).toEqual([]);
    const rv = (updated as { metadata: { resourceVersion: string } }).metadata.resourceVersion;
    const withStatus = ok(await cluster.raw('PUT', `${base()}/rewritten/status`, { ...gadget('rewritten', rv), status: { phase: 'Ready', conditions: [{ type: 'A', status: 'True' }] } }));
    expect(unsortedObjects(withStatus)).toEqual([]);
    expect((withStatus as { status: unknown }).status).toEqual({ conditions: [{ status: 'True', type: 'A' }], phase: 'Ready' });
    const patched = ok(await cluster.raw('PATCH', `${base()}/rewritten`, { spec: { zeta: { z: 1, a: 2 } } }, { 'Content-Type': 'application/merge-patch+json' }));
    expect(unsortedObjects(patched)).toEqual([]);
  });

  it('given a list, then its items carry kind and apiVersion (an unstructured list, unlike the typed lists of built-ins)', async () => {
    ok(await cluster.raw('POST', base(), gadget('listed')));
    const list = ok(await cluster.raw('GET', base())) as { items: Array<Record<string, unknown>> };
    expect(list.items.find((i) => (i['metadata'] as { name?: string }).name === 'listed')).toMatchObject({ apiVersion: `${GROUP}/v1`, kind: 'Gadget' });
  });

  it('given a watch, then ADDED and MODIFIED events carry objects with every key sorted', async () => {
    const list = ok(await cluster.raw('GET', base())) as { metadata: { resourceVersion: string } };
    const w = await watch(base(), list.metadata.resourceVersion);
    const created = ok(await cluster.raw('POST', base(), gadget('watched'))) as { metadata: { resourceVersion: string } };
    ok(await cluster.raw('PUT', `${base()}/watched/status`, { ...gadget('watched', created.metadata.resourceVersion), status: { zone: 'b', at: 'a' } }));
    const events = changes(await w.until((es) => changes(es).length >= 2));
    expect(events.map((e) => `${e.type} ${e.object.metadata?.name ?? ''}`)).toEqual(['ADDED watched', 'MODIFIED watched']);
    for (const event of events) expect(unsortedObjects(event.object)).toEqual([]);
  });
});

describe('built-in kinds are served in Go struct field order', () => {
  /** A Deployment with its keys written back to front at each level. */
  const reversedDeployment = {
    spec: {
      template: { spec: { containers: [{ imagePullPolicy: 'IfNotPresent', image: 'nginx:1.25', name: 'app' }] }, metadata: { labels: { app: 'ordered' } } },
      selector: { matchLabels: { app: 'ordered' } },
      replicas: 1,
    },
    metadata: { annotations: { zz: '1', aa: '2' }, labels: { tier: 'web', app: 'ordered' }, name: 'ordered' },
    kind: 'Deployment',
    apiVersion: 'apps/v1',
  };

  const TOP_LEVEL = ['kind', 'apiVersion', 'metadata', 'spec', 'status'];

  function expectDeploymentOrder(obj: unknown, topLevel = TOP_LEVEL): void {
    const deployment = obj as { metadata: { labels: object; annotations: object }; spec: { template: { metadata: object; spec: { containers: object[] } } } };
    expect(listedKeys(deployment, TOP_LEVEL)).toEqual(topLevel);
    expect(listedKeys(deployment.metadata, OBJECT_META_ORDER)).toEqual(inOrder(deployment.metadata, OBJECT_META_ORDER));
    expect(Object.keys(deployment.metadata.labels)).toEqual(['app', 'tier']);
    expect(Object.keys(deployment.metadata.annotations)).toEqual(['aa', 'zz']);
    expect(listedKeys(deployment.spec, ['replicas', 'selector', 'template', 'strategy'])).toEqual(['replicas', 'selector', 'template', 'strategy']);
    expect(Object.keys(deployment.spec.template)).toEqual(['metadata', 'spec']);
    expect(listedKeys(deployment.spec.template.spec.containers[0], ['name', 'image', 'imagePullPolicy'])).toEqual(['name', 'image', 'imagePullPolicy']);
  }

  it('given a Deployment written back to front, then the create answer, a get, a list and a watch serve kind, apiVersion, metadata, spec, status', async () => {
    const path = `/apis/apps/v1/namespaces/${ns}/deployments`;
    const before = ok(await cluster.raw('GET', path)) as { metadata: { resourceVersion: string } };
    expect(Object.keys(before)).toEqual(['kind', 'apiVersion', 'metadata', 'items']);
    const w = await watch(path, before.metadata.resourceVersion);
    expectDeploymentOrder(ok(await cluster.raw('POST', path, reversedDeployment)));
    expectDeploymentOrder(ok(await cluster.raw('GET', `${path}/ordered`)));
    // A built-in list is typed ([]Deployment): its items carry no kind or apiVersion.
    expectDeploymentOrder((ok(await cluster.raw('GET', path)) as { items: unknown[] }).items[0], ['metadata', 'spec', 'status']);
    const [added] = changes(await w.until((es) => changes(es).length >= 1));
    expectDeploymentOrder(added?.object);
  });

  it('given a ConfigMap with owner references and finalizers, then metadata and its references follow the struct order and data is sorted', async () => {
    const owner = ok(await cluster.raw('POST', `/api/v1/namespaces/${ns}/configmaps`, { metadata: { name: 'owner' } })) as { metadata: { uid: string } };
    const body = {
      data: { zeta: '1', alpha: '2' },
      metadata: {
        finalizers: ['example.com/hold'],
        ownerReferences: [{ blockOwnerDeletion: true, controller: true, uid: owner.metadata.uid, name: 'owner', kind: 'ConfigMap', apiVersion: 'v1' }],
        name: 'referenced',
      },
    };
    const created = ok(await cluster.raw('POST', `/api/v1/namespaces/${ns}/configmaps`, body)) as { metadata: { ownerReferences: object[] }; data: object };
    expect(listedKeys(created, ['kind', 'apiVersion', 'metadata', 'data'])).toEqual(['kind', 'apiVersion', 'metadata', 'data']);
    expect(listedKeys(created.metadata, OBJECT_META_ORDER)).toEqual(inOrder(created.metadata, OBJECT_META_ORDER));
    expect(Object.keys(created.metadata.ownerReferences[0] ?? {})).toEqual(['apiVersion', 'kind', 'name', 'uid', 'controller', 'blockOwnerDeletion']);
    expect(Object.keys(created.data)).toEqual(['alpha', 'zeta']);
    const deleting = ok(await cluster.raw('DELETE', `/api/v1/namespaces/${ns}/configmaps/referenced`)) as { metadata: object };
    expect(listedKeys(deleting.metadata, OBJECT_META_ORDER)).toEqual(inOrder(deleting.metadata, OBJECT_META_ORDER));
    expect(Object.keys(deleting.metadata)).toContain('deletionTimestamp');
    ok(await cluster.raw('PATCH', `/api/v1/namespaces/${ns}/configmaps/referenced`, { metadata: { finalizers: null } }, { 'Content-Type': 'application/merge-patch+json' }));
  });

  it('given a Deployment or ReplicaSet, then its pod template metadata is served with creationTimestamp null', async () => {
    const labels = { app: 'templated' };
    const template = { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } };
    const deployment = ok(await cluster.raw('POST', `/apis/apps/v1/namespaces/${ns}/deployments`, { metadata: { name: 'templated' }, spec: { selector: { matchLabels: labels }, template } }));
    expect((deployment as { spec: { template: { metadata: unknown } } }).spec.template.metadata).toEqual({ creationTimestamp: null, labels });
    const replicaSet = ok(await cluster.raw('POST', `/apis/apps/v1/namespaces/${ns}/replicasets`, { metadata: { name: 'templated' }, spec: { replicas: 0, selector: { matchLabels: labels }, template } }));
    const read = ok(await cluster.raw('GET', `/apis/apps/v1/namespaces/${ns}/replicasets/templated`));
    for (const rs of [replicaSet, read]) expect((rs as { spec: { template: { metadata: unknown } } }).spec.template.metadata).toEqual({ creationTimestamp: null, labels });
  });
});

describe('a write that changes nothing', () => {
  /** Writes `same` (no change), then `changed`; a watch from before must see only the change. */
  async function expectNoOp(path: string, same: (rv: string) => unknown, changed: (rv: string) => unknown, created: { metadata: { name: string; resourceVersion: string } }): Promise<void> {
    const w = await watch(path, created.metadata.resourceVersion);
    const noop = ok(await cluster.raw('PUT', `${path}/${created.metadata.name}`, same(created.metadata.resourceVersion))) as { metadata: { resourceVersion: string } };
    expect(noop.metadata.resourceVersion).toBe(created.metadata.resourceVersion);
    const after = ok(await cluster.raw('PUT', `${path}/${created.metadata.name}`, changed(created.metadata.resourceVersion))) as { metadata: { resourceVersion: string } };
    const events = changes(await w.until((es) => changes(es).some((e) => e.object.metadata?.resourceVersion === after.metadata.resourceVersion)));
    expect(events.map((e) => `${e.type} ${e.object.metadata?.resourceVersion ?? ''}`)).toEqual([`MODIFIED ${after.metadata.resourceVersion}`]);
  }

  it('given an update of a ConfigMap that changes nothing, then the resourceVersion stays and no watch event is sent', async () => {
    const path = `/api/v1/namespaces/${ns}/configmaps`;
    const body = (rv: string, value: string): unknown => ({ metadata: { name: 'still', resourceVersion: rv }, data: { a: value } });
    const created = ok(await cluster.raw('POST', path, { metadata: { name: 'still' }, data: { a: '1' } })) as { metadata: { name: string; resourceVersion: string } };
    await expectNoOp(path, (rv) => body(rv, '1'), (rv) => body(rv, '2'), created);
  });

  it('given an update of a custom resource that changes nothing but key order, then the resourceVersion stays and no watch event is sent', async () => {
    const path = `/apis/${GROUP}/v1/namespaces/${ns}/${PLURAL}`;
    const created = ok(await cluster.raw('POST', path, gadget('still'))) as { metadata: { name: string; resourceVersion: string } };
    // The object as served (keys sorted) is the one written in reverse order: the same content in another order.
    await expectNoOp(path, () => created, (rv) => ({ ...gadget('still', rv), spec: { zone: 'us' } }), created);
  });
});

describe('dry runs', () => {
  it('given a dry-run create of a custom resource, then the answer has every key sorted too', async () => {
    const res = await cluster.raw('POST', `/apis/${GROUP}/v1/namespaces/${ns}/${PLURAL}?dryRun=All`, gadget('dry'));
    expect(unsortedObjects(ok(res))).toEqual([]);
  });
});
