// Specification of who gets managedFields over real HTTPS: live reads keep them unless asked not to; informers never
// parse them, in their lists or their watch events, even without a cache trim.
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { KubeTransport } from '../../src/kube/kube-transport.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { SupervisedInformer } from '../../src/kube/supervised-informer.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';

let sandbox: Sandbox;
let client: KubeClient;
let informer: SupervisedInformer<KubeObject> | undefined;

type WithManagedFields = KubeObject['metadata'] & { managedFields?: unknown[] };

function configMap(name: string, value: string): KubeObject & { data: Record<string, string> } {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { value, note: '"managedFields":[' } };
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  sandbox = await startSandbox({ simulator: { enabled: false } });
  const kc = new KubeConfig();
  kc.loadFromFile(sandbox.kubeconfigPath);
  client = new KubeClient(await KubeTransport.fromKubeConfig(kc));
  await client.create(Kinds.ConfigMap, configMap('listed', 'a'));
});

afterAll(async () => {
  await informer?.stop();
  client?.transport.close();
  await sandbox?.stop();
});

describe('managedFields on the wire', () => {
  it('given the server fills managedFields, then a live get or list keeps them by default', async () => {
    const live = await client.get(Kinds.ConfigMap, 'default', 'listed');
    expect((live?.metadata as WithManagedFields).managedFields?.length).toBeGreaterThan(0);
    const { items } = await client.list(Kinds.ConfigMap, 'default');
    expect((items.find((cm) => cm.metadata.name === 'listed')?.metadata as WithManagedFields).managedFields?.length).toBeGreaterThan(0);
  });

  it('given dropManagedFields, then a list has none and everything else, selectors included, as before', async () => {
    const { items } = await client.list<KubeObject & { data: Record<string, string> }>(Kinds.ConfigMap, 'default', { dropManagedFields: true, fieldSelector: 'metadata.name=listed' });
    expect(items.map((cm) => cm.metadata.name)).toEqual(['listed']);
    expect(items[0]?.metadata).not.toHaveProperty('managedFields');
    expect(items[0]?.data).toEqual({ value: 'a', note: '"managedFields":[' });
    expect(items[0]?.metadata.resourceVersion).toMatch(/^\d+$/);
  });

  it('given an informer without a cache trim, then neither listed nor watched objects carry managedFields', async () => {
    informer = new SupervisedInformer<KubeObject>(client, Kinds.ConfigMap, { namespace: 'default', watchTimeoutSeconds: 60 });
    const seen: KubeObject[] = [];
    informer.addHandler((event) => seen.push(event.object));
    informer.start();
    await informer.waitForSync();
    await client.create(Kinds.ConfigMap, configMap('watched', 'b'));
    await waitFor(() => informer?.get('default/watched') !== undefined, 'the watched ConfigMap in the cache');
    expect(seen.map((o) => o.metadata.name)).toEqual(expect.arrayContaining(['listed', 'watched']));
    for (const obj of seen) {
      expect(obj.metadata).not.toHaveProperty('managedFields');
      expect((obj as KubeObject & { data: Record<string, string> }).data.note).toBe('"managedFields":[');
    }
  });
});
