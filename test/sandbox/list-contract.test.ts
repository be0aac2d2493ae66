// Contract: lists: resourceVersion, key order, limit/continue paging over a consistent snapshot, selectors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, openTestCluster, type TestCluster } from './support/test-cluster.js';

let cluster: TestCluster;
let ns: string;
let other: string;

const names = (list: { items: Array<{ metadata?: { name?: string } }> }): string[] => list.items.map((i) => i.metadata?.name ?? '');

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false } });
  ns = await cluster.namespace('list');
  other = await cluster.namespace('list-other');
  const specs: Array<[string, Record<string, string>]> = [
    ['item-e', { tier: 'web', env: 'prod' }],
    ['item-a', { tier: 'web', env: 'dev' }],
    ['item-c', { tier: 'db', env: 'prod' }],
    ['item-g', { tier: 'db' }],
    ['item-b', { tier: 'cache', env: 'prod' }],
    ['item-f', { tier: 'web', env: 'prod', canary: 'true' }],
    ['item-d', {}],
  ];
  for (const [name, labels] of specs) await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name, labels } } });
  await cluster.core.createNamespacedConfigMap({ namespace: other, body: { metadata: { name: 'item-z', labels: { tier: 'web' } } } });
});

afterAll(async () => {
  await cluster?.close();
});

describe('listing', () => {
  it('given several objects, then a list returns them by name with a resourceVersion at least as new as each', async () => {
    const list = await cluster.core.listNamespacedConfigMap({ namespace: ns });
    const listed = names(list).filter((n) => n.startsWith('item-'));
    expect(listed).toEqual(['item-a', 'item-b', 'item-c', 'item-d', 'item-e', 'item-f', 'item-g']);
    const listRv = Number(list.metadata?.resourceVersion);
    for (const item of list.items) expect(listRv).toBeGreaterThanOrEqual(Number(item.metadata?.resourceVersion));
  });

  it('given a list across all namespaces, then objects of every namespace appear', async () => {
    const list = await cluster.core.listConfigMapForAllNamespaces({ labelSelector: 'tier=web' });
    const seen = list.items.map((i) => `${i.metadata?.namespace}/${i.metadata?.name}`);
    expect(seen).toEqual(expect.arrayContaining([`${ns}/item-a`, `${other}/item-z`]));
  });
});

describe('paging', () => {
  it('given limit and continue, then pages cover the list once, in order, from the first page snapshot', async () => {
    const first = await cluster.core.listNamespacedConfigMap({ namespace: ns, limit: 3 });
    expect(first.items).toHaveLength(3);
    expect(first.metadata?._continue).toBeTruthy();
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'item-b2' } } });
    const pages = [first];
    let token = first.metadata?._continue;
    while (token) {
      const page = await cluster.core.listNamespacedConfigMap({ namespace: ns, limit: 3, _continue: token });
      expect(page.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
      pages.push(page);
      token = page.metadata?._continue;
    }
    const all = pages.flatMap((p) => names(p)).filter((n) => n.startsWith('item-'));
    expect(all).toEqual(['item-a', 'item-b', 'item-c', 'item-d', 'item-e', 'item-f', 'item-g']);
    await cluster.core.deleteNamespacedConfigMap({ namespace: ns, name: 'item-b2' });
  });

  it('given an unfiltered first page, then remainingItemCount counts what is left', async () => {
    const page = await cluster.core.listNamespacedConfigMap({ namespace: ns, limit: 2 });
    const total = (await cluster.core.listNamespacedConfigMap({ namespace: ns })).items.length;
    expect(page.metadata?.remainingItemCount).toBe(total - 2);
  });

  it('given a malformed continue token, then the answer is 400 BadRequest', async () => {
    const status = await expectStatus(() => cluster.core.listNamespacedConfigMap({ namespace: ns, limit: 2, _continue: 'not-a-token' }));
    expect(status).toMatchObject({ code: 400, reason: 'BadRequest' });
  });
});

describe('label selectors', () => {
  const select = async (labelSelector: string): Promise<string[]> => names(await cluster.core.listNamespacedConfigMap({ namespace: ns, labelSelector }));

  it('given equality and inequality requirements, then they combine as AND', async () => {
    expect(await select('tier=web,env=prod')).toEqual(['item-e', 'item-f']);
    expect(await select('tier=web,env!=prod')).toEqual(['item-a']);
  });

  it('given set-based requirements, then in, notin, exists and !exists work', async () => {
    expect(await select('tier in (db,cache)')).toEqual(['item-b', 'item-c', 'item-g']);
    expect(await select('tier notin (web),tier')).toEqual(['item-b', 'item-c', 'item-g']);
    expect(await select('canary')).toEqual(['item-f']);
    expect(await select('!env,tier')).toEqual(['item-g']);
  });

  it('given a malformed selector, then the answer is 400 BadRequest', async () => {
    const status = await expectStatus(() => cluster.core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'tier in (web' }));
    expect(status).toMatchObject({ code: 400, reason: 'BadRequest' });
  });
});

describe('field selectors', () => {
  it('given metadata.name, then only that object is listed; given !=, then all others', async () => {
    expect(names(await cluster.core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'metadata.name=item-c' }))).toEqual(['item-c']);
    const rest = names(await cluster.core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'metadata.name!=item-c', labelSelector: 'tier=db' }));
    expect(rest).toEqual(['item-g']);
  });

  it('given metadata.namespace on a cluster-wide list, then one namespace is listed', async () => {
    const list = await cluster.core.listConfigMapForAllNamespaces({ fieldSelector: `metadata.namespace=${other}` });
    expect(names(list)).toEqual(['item-z']);
  });

  it('given a field the resource cannot be selected by, then the answer is 400 BadRequest', async () => {
    const status = await expectStatus(() => cluster.core.listNamespacedConfigMap({ namespace: ns, fieldSelector: 'data.color=red' }));
    expect(status).toMatchObject({ code: 400, reason: 'BadRequest' });
  });
});
