// An informer that changes its label selector (a replica taking up or handing over shards): the cache becomes exactly
// the new selection, through deletes and adds, and what it keeps emits nothing. Sandbox and real API server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { SupervisedInformer, type InformerEvent } from '../../src/kube/supervised-informer.js';
import { adminClient, openControllerCluster, type ControllerCluster } from '../support/controller-cluster.js';

let cluster: ControllerCluster;
let client: KubeClient;

beforeAll(async () => {
  cluster = await openControllerCluster({ crdFiles: [] });
  client = await adminClient(cluster);
  for (const [name, shard] of [['a', '0'], ['b', '1'], ['c', '2']] as const) {
    await client.create(Kinds.ConfigMap, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `reselect-${name}`, namespace: 'default', labels: { 'vane.dev/shard': shard } } });
  }
}, 120_000);

afterAll(async () => {
  client?.transport.close();
  await cluster?.stop();
});

describe('SupervisedInformer.reselect', () => {
  it('given shards 0 and 1 watched, when it selects 1 and 2, then 0 leaves as a delete, 2 arrives as an add, 1 stays silent, and it resolves once the cache holds them', async () => {
    const informer = new SupervisedInformer<KubeObject>(client, Kinds.ConfigMap, { namespace: 'default', labelSelector: 'vane.dev/shard in (0,1)' });
    const events: Array<InformerEvent<KubeObject>> = [];
    informer.addHandler((e) => events.push(e));
    informer.start();
    await informer.waitForSync();
    expect(informer.keys().sort()).toEqual(['default/reselect-a', 'default/reselect-b']);
    events.length = 0;

    await informer.reselect('vane.dev/shard in (1,2)');
    expect(informer.keys().sort()).toEqual(['default/reselect-b', 'default/reselect-c']);
    expect(events.map((e) => `${e.type} ${e.key}`).sort()).toEqual(['add default/reselect-c', 'delete default/reselect-a']);

    // The new watch follows the new selector: a change on shard 2 arrives, one on shard 0 does not.
    await client.patch(Kinds.ConfigMap, 'default', 'reselect-a', { data: { k: 'x' } });
    await client.patch(Kinds.ConfigMap, 'default', 'reselect-c', { data: { k: 'y' } });
    const deadline = Date.now() + 5_000;
    while (!events.some((e) => e.type === 'update' && e.key === 'default/reselect-c') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(events.filter((e) => e.type === 'update').map((e) => e.key)).toEqual(['default/reselect-c']);
    await informer.stop();
  });

  it('given a stopped informer, then reselect only changes what it will list when started', async () => {
    const informer = new SupervisedInformer<KubeObject>(client, Kinds.ConfigMap, { namespace: 'default', labelSelector: 'vane.dev/shard in (none)' });
    await informer.reselect('vane.dev/shard in (2)');
    informer.start();
    await informer.waitForSync();
    expect(informer.keys()).toEqual(['default/reselect-c']);
    await informer.stop();
  });
});
