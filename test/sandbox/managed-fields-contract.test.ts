// Contract: metadata.managedFields as kube-apiserver v1.19 fills them on create, update, patch and status writes
// (runs against VANE_TEST_KUBECONFIG or a sandbox). Expected trees were read off kube-apiserver v1.19.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestCluster, type RawResponse, type TestCluster } from './support/test-cluster.js';

interface Entry {
  manager: string;
  operation: string;
  apiVersion: string;
  time?: string;
  fieldsType: string;
  fieldsV1: Record<string, unknown>;
}

let cluster: TestCluster;
let ns: string;

const VANE = { 'User-Agent': 'vane/0.1.0 (linux/x64) node/20' };
const CONTROLLER = { 'User-Agent': 'kube-controller-manager/v1.19.0 (linux/amd64) kubernetes/abc/system:serviceaccount:kube-system:deployment-controller' };
const MERGE = { 'Content-Type': 'application/merge-patch+json' };

function deployment(name: string): Record<string, unknown> {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { app: name }, annotations: { team: 'shop' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1', env: [{ name: 'X', value: '1' }] }] } },
    },
  };
}

function entries(res: RawResponse): Entry[] {
  expect(res.status, res.text).toBeLessThan(300);
  return ((res.json as { metadata: { managedFields?: Entry[] } }).metadata.managedFields ?? []);
}

function entryOf(list: Entry[], manager: string): Entry {
  const found = list.find((e) => e.manager === manager);
  if (!found) throw new Error(`no managedFields entry for ${manager}: ${JSON.stringify(list)}`);
  return found;
}

const deployments = (): string => `/apis/apps/v1/namespaces/${ns}/deployments`;

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false } });
  ns = await cluster.namespace('fields');
});

afterAll(async () => {
  await cluster?.close();
});

describe('managedFields on create', () => {
  it('given a Deployment created with a User-Agent, then one Update entry names the agent up to its first slash and holds every field the object sets', async () => {
    const list = entries(await cluster.raw('POST', deployments(), deployment('web'), VANE));
    expect(list).toHaveLength(1);
    const entry = entryOf(list, 'vane');
    expect(entry).toMatchObject({ operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const fields = entry.fieldsV1 as Record<string, Record<string, Record<string, unknown>>>;
    // Maps and list items the create brought into being are members themselves (`.`); Go structs are not.
    expect(fields['f:metadata']).toEqual({ 'f:annotations': { '.': {}, 'f:team': {} }, 'f:labels': { '.': {}, 'f:app': {} } });
    expect(fields['f:spec']?.['.']).toBeUndefined();
    expect(fields['f:spec']?.['f:replicas']).toEqual({});
    expect(fields['f:spec']?.['f:selector']).toEqual({ 'f:matchLabels': { '.': {}, 'f:app': {} } });
    const containers = (fields['f:spec']?.['f:template'] as { 'f:spec': { 'f:containers': Record<string, Record<string, unknown>> } })['f:spec']['f:containers'];
    const container = containers['k:{"name":"c"}'];
    expect(container).toMatchObject({ '.': {}, 'f:image': {}, 'f:name': {}, 'f:env': { '.': {}, 'k:{"name":"X"}': { '.': {}, 'f:name': {}, 'f:value': {} } } });
  });

  it('given a ConfigMap created with ?fieldManager, then the entry names that manager rather than the User-Agent', async () => {
    const body = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'named' }, data: { k: 'v' } };
    const list = entries(await cluster.raw('POST', `/api/v1/namespaces/${ns}/configmaps?fieldManager=deployer`, body, VANE));
    expect(list.map((e) => e.manager)).toEqual(['deployer']);
    expect(list[0]?.fieldsV1).toEqual({ 'f:data': { '.': {}, 'f:k': {} } });
  });
});

describe('managedFields on later writes', () => {
  it('given a status write by another agent, then it gets its own entry holding only status fields and the creator keeps its own', async () => {
    const created = entries(await cluster.raw('POST', deployments(), deployment('status'), VANE));
    const status = { status: { replicas: 2, observedGeneration: 1 } };
    const list = entries(await cluster.raw('PATCH', `${deployments()}/status/status`, status, { ...MERGE, ...CONTROLLER }));
    expect(list.map((e) => e.manager).sort()).toEqual(['kube-controller-manager', 'vane']);
    expect(entryOf(list, 'kube-controller-manager')).toMatchObject({ operation: 'Update', fieldsV1: { 'f:status': { 'f:observedGeneration': {}, 'f:replicas': {} } } });
    expect(entryOf(list, 'vane').fieldsV1).toEqual(entryOf(created, 'vane').fieldsV1);
  });

  it('given a patch that changes a field another manager set, then the field moves to the patching manager', async () => {
    entries(await cluster.raw('POST', deployments(), deployment('moved'), VANE));
    const patch = { metadata: { labels: { app: 'moved-2', extra: 'y' } }, spec: { replicas: 3 } };
    const list = entries(await cluster.raw('PATCH', `${deployments()}/moved`, patch, { ...MERGE, 'User-Agent': 'other/1.0' }));
    const vane = entryOf(list, 'vane').fieldsV1 as Record<string, Record<string, unknown>>;
    expect(vane['f:metadata']?.['f:labels']).toEqual({});
    expect(vane['f:spec']?.['f:replicas']).toBeUndefined();
    expect(entryOf(list, 'other').fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:app': {}, 'f:extra': {} } }, 'f:spec': { 'f:replicas': {} } });
  });

  it('given a patch that removes a field, then no manager holds it any more', async () => {
    const body = deployment('removed');
    (body['metadata'] as { annotations: Record<string, string> }).annotations['keep'] = 'me';
    entries(await cluster.raw('POST', deployments(), body, VANE));
    const list = entries(await cluster.raw('PATCH', `${deployments()}/removed`, { metadata: { annotations: { team: null } } }, { ...MERGE, 'User-Agent': 'other/1.0' }));
    const vane = entryOf(list, 'vane').fieldsV1 as Record<string, Record<string, unknown>>;
    expect(vane['f:metadata']?.['f:annotations']).toEqual({ '.': {}, 'f:keep': {} });
    expect(list.map((e) => e.manager)).toEqual(['vane']);
  });

  it('given a write that changes nothing, then managedFields and the resourceVersion stay as they were', async () => {
    const created = await cluster.raw('POST', deployments(), deployment('same'), VANE);
    const before = created.json as { metadata: { resourceVersion: string; managedFields: Entry[] } };
    const after = await cluster.raw('PATCH', `${deployments()}/same`, { spec: { replicas: 2 } }, { ...MERGE, 'User-Agent': 'other/1.0' });
    const meta = (after.json as { metadata: { resourceVersion: string; managedFields: Entry[] } }).metadata;
    expect(meta.resourceVersion).toBe(before.metadata.resourceVersion);
    expect(meta.managedFields).toEqual(before.metadata.managedFields);
  });

  it('given a patch that sends managedFields of its own, then the server keeps them as sent (v1.19 lets a client reset them)', async () => {
    entries(await cluster.raw('POST', deployments(), deployment('reset'), VANE));
    const own = [{ manager: 'importer', operation: 'Update', apiVersion: 'apps/v1', time: '2020-01-01T00:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }];
    const list = entries(await cluster.raw('PATCH', `${deployments()}/reset`, { metadata: { managedFields: own } }, { ...MERGE, 'User-Agent': 'other/1.0' }));
    expect(list).toEqual(own);
  });

  it('given a patch that sends an empty managedFields list, then they are cleared and the write is not tracked', async () => {
    entries(await cluster.raw('POST', deployments(), deployment('cleared'), VANE));
    const res = await cluster.raw('PATCH', `${deployments()}/cleared`, { metadata: { managedFields: [] }, spec: { replicas: 4 } }, { ...MERGE, 'User-Agent': 'other/1.0' });
    expect(entries(res)).toEqual([]);
    expect((res.json as { spec: { replicas: number } }).spec.replicas).toBe(4);
  });
});
