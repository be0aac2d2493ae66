// An informer that changes its partitions (a replica taking up or handing over shards): the cache becomes exactly the
// new selection, through deletes and adds; what it keeps emits nothing, what it drops costs no request, and the
// resumed watch's replay of an added partition never takes the cache back in time. Sandbox and real API server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { SupervisedInformer, type InformerEvent } from '../../src/kube/supervised-informer.js';
import { adminClient, openControllerCluster, type ControllerCluster } from '../support/controller-cluster.js';

type ConfigMap = KubeObject & { data?: Record<string, string> };

let cluster: ControllerCluster;
let client: KubeClient;

beforeAll(async () => {
  cluster = await openControllerCluster({ crdFiles: [] });
  client = await adminClient(cluster);
  for (const [name, shard] of [['a', '0'], ['b', '1'], ['c', '2'], ['d', '2']] as const) {
    await client.create(Kinds.ConfigMap, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `part-${name}`, namespace: 'default', labels: { 'vane.dev/shard': shard } } });
  }
}, 120_000);

afterAll(async () => {
  client?.transport.close();
  await cluster?.stop();
});

/** An informer over the test's ConfigMaps, partitioned by shard label, with every event it emits and every list it sends. */
function partitioned(): { informer: SupervisedInformer<ConfigMap>; events: string[]; lists: Array<string | undefined> } {
  const events: string[] = [];
  const lists: Array<string | undefined> = [];
  const counting = Object.create(client) as KubeClient;
  counting.list = ((kind, namespace, options) => {
    lists.push(options?.labelSelector);
    return client.list(kind, namespace, options);
  }) as KubeClient['list'];
  const informer = new SupervisedInformer<ConfigMap>(counting, Kinds.ConfigMap, { namespace: 'default', partitionLabel: 'vane.dev/shard' });
  informer.addHandler((e: InformerEvent<ConfigMap>) => events.push(`${e.type} ${e.key.replace('default/part-', '')}${e.object.data?.['k'] ? `=${e.object.data['k']}` : ''}`));
  return { informer, events, lists };
}

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('SupervisedInformer.selectPartitions', () => {
  it('given partitions 0 and 1 watched, when it selects 1 and 2, then 0 leaves as a delete without a request, only 2 is listed and arrives as adds, 1 stays silent, and the watch follows the new selection', async () => {
    const { informer, events, lists } = partitioned();
    informer.start();
    await informer.selectPartitions(['0', '1']);
    expect(informer.keys().sort()).toEqual(['default/part-a', 'default/part-b']);
    events.length = 0;
    lists.length = 0;

    await informer.selectPartitions(['1', '2']);
    expect(informer.keys().sort()).toEqual(['default/part-b', 'default/part-c', 'default/part-d']);
    expect(events.sort()).toEqual(['add c', 'add d', 'delete a']);
    expect(lists).toEqual(['vane.dev/shard in (2)']);

    await client.patch(Kinds.ConfigMap, 'default', 'part-a', { data: { k: 'x' } });
    await client.patch(Kinds.ConfigMap, 'default', 'part-c', { data: { k: 'y' } });
    await until(() => events.includes('update c=y'), 'the update of c');
    expect(events.filter((e) => e.startsWith('update'))).toEqual(['update c=y']);

    lists.length = 0;
    await informer.selectPartitions(['2']);
    expect(informer.keys().sort()).toEqual(['default/part-c', 'default/part-d']);
    expect(lists).toEqual([]);
    await informer.stop();
  });

  it('given changes to a partition while it was not watched, when it is taken up, then the resumed watch\'s replay of them is skipped: the cache holds only the newest version and emits no update', async () => {
    const { informer, events } = partitioned();
    informer.start();
    await informer.selectPartitions(['1']);
    for (const value of ['1', '2', '3']) await client.patch(Kinds.ConfigMap, 'default', 'part-d', { data: { k: value } });
    events.length = 0;

    await informer.selectPartitions(['1', '2']);
    expect(informer.get('default/part-d')?.data?.['k']).toBe('3');
    // Watch events arrive in order: once b's change is seen, the replay of d's older changes has been delivered too.
    await client.patch(Kinds.ConfigMap, 'default', 'part-b', { data: { k: 'after' } });
    await until(() => events.includes('update b=after'), 'the update of b');
    expect(informer.get('default/part-d')?.data?.['k']).toBe('3');
    expect(events.filter((e) => e.includes(' d'))).toEqual(['add d=3']);

    await client.patch(Kinds.ConfigMap, 'default', 'part-d', { data: { k: '4' } });
    await until(() => events.includes('update d=4'), 'the update of d after the catch-up');
    await informer.stop();
  });

  it('given a stopped informer, then selectPartitions only changes what it will list when started', async () => {
    const { informer, lists } = partitioned();
    await informer.selectPartitions(['0']);
    informer.start();
    await informer.waitForSync();
    expect(informer.keys()).toEqual(['default/part-a']);
    expect(lists).toEqual(['vane.dev/shard in (0)']);
    await informer.stop();
  });

  it('given no partition, then it lists a never-assigned value rather than everything', async () => {
    const { informer, lists } = partitioned();
    informer.start();
    await informer.waitForSync();
    expect(informer.keys()).toEqual([]);
    expect(lists).toEqual(['vane.dev/shard in (none)']);
    await informer.stop();
  });

  it('refuses partitions on an informer without a partition label', async () => {
    const informer = new SupervisedInformer<ConfigMap>(client, Kinds.ConfigMap, { namespace: 'default' });
    await expect(informer.selectPartitions(['0'])).rejects.toThrow(/no partitionLabel/);
  });
});
