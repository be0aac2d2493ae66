// Contract: PATCH with merge, JSON and strategic merge patches; optimistic concurrency; status and scale patches.
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, openTestCluster, patchAs, type TestCluster } from './support/test-cluster.js';

const MERGE = 'application/merge-patch+json';
const JSON_PATCH = 'application/json-patch+json';
const STRATEGIC = 'application/strategic-merge-patch+json';

let cluster: TestCluster;
let ns: string;

function deployment(name: string): k8s.V1Deployment {
  return {
    metadata: { name, labels: { app: name } },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image: 'nginx:1.25', env: [{ name: 'A', value: '1' }] }, { name: 'sidecar', image: 'envoy:1' }] },
      },
    },
  };
}

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false } });
  ns = await cluster.namespace('patch');
});

afterAll(async () => {
  await cluster?.close();
});

describe('merge patch', () => {
  it('given a merge patch, then fields merge, null deletes, and lists are replaced', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'mp', labels: { a: '1', b: '2' } }, data: { x: '1', y: '2' } } });
    const patched = await cluster.core.patchNamespacedConfigMap(
      { namespace: ns, name: 'mp', body: { metadata: { labels: { b: null, c: '3' } }, data: { y: '22' } } },
      patchAs(MERGE),
    );
    expect(patched.metadata?.labels).toEqual({ a: '1', c: '3' });
    expect(patched.data).toEqual({ x: '1', y: '22' });
  });

  it('given a merge patch carrying a stale resourceVersion, then the answer is 409 Conflict', async () => {
    const created = await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'mp-occ' }, data: { v: '1' } } });
    await cluster.core.patchNamespacedConfigMap({ namespace: ns, name: 'mp-occ', body: { data: { v: '2' } } }, patchAs(MERGE));
    const status = await expectStatus(() =>
      cluster.core.patchNamespacedConfigMap({ namespace: ns, name: 'mp-occ', body: { metadata: { resourceVersion: created.metadata?.resourceVersion }, data: { v: '3' } } }, patchAs(MERGE)),
    );
    expect(status).toMatchObject({ code: 409, reason: 'Conflict' });
  });

  it('given a patch of a missing object, then the answer is 404', async () => {
    const status = await expectStatus(() => cluster.core.patchNamespacedConfigMap({ namespace: ns, name: 'nope', body: { data: { v: '1' } } }, patchAs(MERGE)));
    expect(status.code).toBe(404);
  });
});

describe('JSON patch', () => {
  it('given add/replace/remove operations, then they apply in order', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'jp' }, data: { a: '1', b: '2' } } });
    const patched = await cluster.core.patchNamespacedConfigMap(
      {
        namespace: ns,
        name: 'jp',
        body: [
          { op: 'add', path: '/data/c', value: '3' },
          { op: 'replace', path: '/data/a', value: '11' },
          { op: 'remove', path: '/data/b' },
        ],
      },
      patchAs(JSON_PATCH),
    );
    expect(patched.data).toEqual({ a: '11', c: '3' });
  });

  it('given a failing test operation, then the patch is rejected with 422 and nothing changes', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'jp-test' }, data: { a: '1' } } });
    const status = await expectStatus(() =>
      cluster.core.patchNamespacedConfigMap(
        { namespace: ns, name: 'jp-test', body: [{ op: 'test', path: '/data/a', value: '2' }, { op: 'replace', path: '/data/a', value: '3' }] },
        patchAs(JSON_PATCH),
      ),
    );
    expect(status.code).toBe(422);
    const read = await cluster.core.readNamespacedConfigMap({ namespace: ns, name: 'jp-test' });
    expect(read.data).toEqual({ a: '1' });
  });

  it('given a test of the resourceVersion, then a JSON patch is a compare-and-swap', async () => {
    const created = await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'jp-cas' }, data: { a: '1' } } });
    const rv = created.metadata?.resourceVersion;
    const ops = [
      { op: 'test', path: '/metadata/resourceVersion', value: rv },
      { op: 'replace', path: '/data/a', value: '2' },
    ];
    await cluster.core.patchNamespacedConfigMap({ namespace: ns, name: 'jp-cas', body: ops }, patchAs(JSON_PATCH));
    const status = await expectStatus(() => cluster.core.patchNamespacedConfigMap({ namespace: ns, name: 'jp-cas', body: ops }, patchAs(JSON_PATCH)));
    expect(status.code).toBe(422);
  });
});

describe('strategic merge patch', () => {
  it('given a container list patch, then containers merge by name instead of being replaced', async () => {
    await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment('smp') });
    const patched = await cluster.apps.patchNamespacedDeployment(
      { namespace: ns, name: 'smp', body: { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.26' }] } } } } },
      patchAs(STRATEGIC),
    );
    const containers = patched.spec?.template.spec?.containers ?? [];
    expect(containers.map((c) => [c.name, c.image])).toEqual([
      ['app', 'nginx:1.26'],
      ['sidecar', 'envoy:1'],
    ]);
    expect(containers[0]?.env).toEqual([{ name: 'A', value: '1' }]);
    expect(patched.metadata?.generation).toBe(2);
  });

  it('given a $patch: delete directive, then the named container is removed', async () => {
    await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment('smp-del') });
    const patched = await cluster.apps.patchNamespacedDeployment(
      { namespace: ns, name: 'smp-del', body: { spec: { template: { spec: { containers: [{ name: 'sidecar', $patch: 'delete' }] } } } } },
      patchAs(STRATEGIC),
    );
    expect(patched.spec?.template.spec?.containers.map((c) => c.name)).toEqual(['app']);
  });
});

describe('patching subresources', () => {
  it('given a merge patch of /status, then only status changes', async () => {
    await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment('st') });
    const patched = await cluster.apps.patchNamespacedDeploymentStatus(
      { namespace: ns, name: 'st', body: { spec: { replicas: 9 }, status: { replicas: 1, readyReplicas: 1, observedGeneration: 1 } } },
      patchAs(MERGE),
    );
    expect(patched.status).toMatchObject({ replicas: 1, readyReplicas: 1, observedGeneration: 1 });
    expect(patched.spec?.replicas).toBe(1);
  });

  it('given a merge patch of /scale, then spec.replicas follows', async () => {
    await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment('sc') });
    const scale = await cluster.apps.patchNamespacedDeploymentScale({ namespace: ns, name: 'sc', body: { spec: { replicas: 3 } } }, patchAs(MERGE));
    expect(scale.spec?.replicas).toBe(3);
    const read = await cluster.apps.readNamespacedDeployment({ namespace: ns, name: 'sc' });
    expect(read.spec?.replicas).toBe(3);
  });
});

describe('patch bodies the server refuses', () => {
  it('given an unknown content type, then the answer is 415 UnsupportedMediaType', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'ct' } } });
    const res = await cluster.raw('PATCH', `/api/v1/namespaces/${ns}/configmaps/ct`, '{}', { 'Content-Type': 'text/plain' });
    expect(res.status).toBe(415);
    expect(res.json).toMatchObject({ kind: 'Status', reason: 'UnsupportedMediaType', code: 415 });
  });

  it('given a JSON patch that is not a list of operations, then the answer is 400', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'bad-jp' } } });
    const res = await cluster.raw('PATCH', `/api/v1/namespaces/${ns}/configmaps/bad-jp`, '{"op":"add"}', { 'Content-Type': JSON_PATCH });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ kind: 'Status', status: 'Failure', code: 400 });
  });
});
