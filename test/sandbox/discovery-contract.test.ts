// Contract: discovery, /version, authentication and the errors for paths and methods that do not exist.
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestCluster, type TestCluster } from './support/test-cluster.js';

interface ResourceEntry {
  name: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
  shortNames?: string[];
  group?: string;
  version?: string;
}

let cluster: TestCluster;

async function resources(path: string): Promise<ResourceEntry[]> {
  const res = await cluster.raw('GET', path);
  expect(res.status).toBe(200);
  return (res.json as { resources: ResourceEntry[] }).resources;
}

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false } });
});

afterAll(async () => {
  await cluster?.close();
});

describe('discovery', () => {
  it('given /api, then the core group offers v1', async () => {
    const res = await cluster.raw('GET', '/api');
    expect(res.json).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
  });

  it('given /api/v1, then core resources are listed with kind, scope, verbs and short names', async () => {
    const list = await resources('/api/v1');
    expect(list.find((r) => r.name === 'pods')).toMatchObject({ kind: 'Pod', namespaced: true, shortNames: ['po'] });
    expect(list.find((r) => r.name === 'namespaces')).toMatchObject({ kind: 'Namespace', namespaced: false });
    expect(list.find((r) => r.name === 'configmaps')?.verbs).toEqual(expect.arrayContaining(['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']));
    expect(list.map((r) => r.name)).toEqual(expect.arrayContaining(['services', 'secrets', 'events', 'pods/status']));
  });

  it('given /apis, then the groups the controller needs are served with a preferred version', async () => {
    const res = await cluster.raw('GET', '/apis');
    const groups = (res.json as { groups: Array<{ name: string; preferredVersion: { groupVersion: string } }> }).groups;
    const preferred = Object.fromEntries(groups.map((g) => [g.name, g.preferredVersion.groupVersion]));
    expect(preferred).toMatchObject({
      apps: 'apps/v1',
      'coordination.k8s.io': 'coordination.k8s.io/v1',
      'apiextensions.k8s.io': 'apiextensions.k8s.io/v1',
      'authentication.k8s.io': 'authentication.k8s.io/v1',
      'authorization.k8s.io': 'authorization.k8s.io/v1',
    });
    expect(Object.keys(preferred)).toContain('events.k8s.io');
  });

  it('given /apis/apps/v1, then deployments list their status and scale subresources', async () => {
    const list = await resources('/apis/apps/v1');
    expect(list.find((r) => r.name === 'deployments')).toMatchObject({ kind: 'Deployment', namespaced: true, shortNames: ['deploy'] });
    expect(list.find((r) => r.name === 'deployments/scale')).toMatchObject({ kind: 'Scale', group: 'autoscaling', version: 'v1' });
    expect(list.map((r) => r.name)).toEqual(expect.arrayContaining(['deployments/status', 'replicasets', 'replicasets/scale']));
  });

  it('given /version, then the server reports its version', async () => {
    const res = await cluster.raw('GET', '/version');
    expect(res.json).toMatchObject({ major: '1', gitVersion: expect.stringMatching(/^v1\.\d+/) });
  });

  it('given KubernetesObjectApi, when it resolves kinds through discovery, then it reads and lists objects', async () => {
    const ns = await cluster.namespace('disc');
    await cluster.objects.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'via-objects', namespace: ns }, data: { a: '1' } } as k8s.KubernetesObject);
    const read = (await cluster.objects.read({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'via-objects', namespace: ns } })) as k8s.V1ConfigMap;
    expect(read.data).toEqual({ a: '1' });
    const list = await cluster.objects.list('v1', 'ConfigMap', ns);
    expect(list.items.map((i) => i.metadata?.name)).toContain('via-objects');
  });
});

describe('authentication and unknown requests', () => {
  const anonymous = { Authorization: '' };

  it('given no bearer token, then the request is system:anonymous and is refused with 403 Forbidden', async () => {
    const res = await cluster.raw('GET', '/api/v1/namespaces', undefined, anonymous);
    expect(res.status).toBe(403);
    expect(res.json).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope',
      reason: 'Forbidden',
      details: { kind: 'namespaces' },
      code: 403,
    });
  });

  it('given no bearer token and a named object of a group, then the 403 names the qualified resource and the subresource asked for', async () => {
    const res = await cluster.raw('GET', '/apis/apps/v1/namespaces/default/deployments/web/status', undefined, anonymous);
    expect(res.json).toMatchObject({
      code: 403,
      message: 'deployments.apps "web" is forbidden: User "system:anonymous" cannot get resource "deployments/status" in API group "apps" in the namespace "default"',
      details: { name: 'web', group: 'apps', kind: 'deployments' },
    });
  });

  it('given no bearer token, then /version and /healthz answer, and discovery is forbidden', async () => {
    expect((await cluster.raw('GET', '/version', undefined, anonymous)).status).toBe(200);
    expect((await cluster.raw('GET', '/healthz', undefined, anonymous)).text).toBe('ok');
    const res = await cluster.raw('GET', '/api', undefined, anonymous);
    expect(res.json).toMatchObject({ code: 403, reason: 'Forbidden', message: 'forbidden: User "system:anonymous" cannot get path "/api"' });
  });

  it('given a wrong bearer token, then the answer is a 401 Unauthorized Status', async () => {
    const res = await cluster.raw('GET', '/api/v1/namespaces', undefined, { Authorization: 'Bearer wrong-token' });
    expect(res.status).toBe(401);
    expect(res.json).toMatchObject({ kind: 'Status', status: 'Failure', message: 'Unauthorized', reason: 'Unauthorized', code: 401 });
  });

  it('given a SelfSubjectAccessReview, then the answer is never stored: its metadata has a null creationTimestamp', async () => {
    const res = await cluster.raw('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', { spec: { resourceAttributes: { verb: 'get', resource: 'pods' } } });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ kind: 'SelfSubjectAccessReview', metadata: { creationTimestamp: null }, status: { allowed: true } });
  });

  it('given a resource that does not exist, then the answer is 404', async () => {
    const res = await cluster.raw('GET', '/apis/apps/v1/namespaces/default/nosuchthings');
    expect(res.status).toBe(404);
  });

  it('given POST to a named object, then the answer is 405 MethodNotAllowed', async () => {
    const res = await cluster.raw('POST', '/api/v1/namespaces/default/configmaps/some-name', { metadata: { name: 'some-name' } });
    expect(res.status).toBe(405);
    expect(res.json).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
  });
});
