// Specification of Service pinning (blue-green active/preview, canary stable/canary Services) against the sandbox.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VaneError } from '../../src/errors.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/resources/pod-template-hash.js';
import { pinServiceToHash, selectedHash, type ServiceObject } from '../../src/traffic/service-selector.js';
import { openTrafficCluster, type TrafficCluster } from './support/traffic-cluster.js';

let cluster: TrafficCluster;

beforeAll(async () => {
  cluster = await openTrafficCluster();
});

afterAll(async () => {
  await cluster?.close();
});

function service(namespace: string, name: string): ServiceObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, annotations: { team: 'web' } }, spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } };
}

async function live(namespace: string, name: string): Promise<ServiceObject> {
  return (await cluster.client.get<ServiceObject>(Kinds.Service, namespace, name)) as ServiceObject;
}

describe('given blue-green active and preview Services', () => {
  it('when the preview is pinned to the new hash and then active is switched, then each selects its hash and keeps its other selector keys and ports', async () => {
    const ns = await cluster.namespace('bg');
    await cluster.client.create(Kinds.Service, service(ns, 'active'));
    await cluster.client.create(Kinds.Service, service(ns, 'preview'));
    expect(await pinServiceToHash(cluster.writer, await live(ns, 'active'), { namespace: ns, name: 'active' }, 'blue')).toBe(true);
    expect(await pinServiceToHash(cluster.writer, await live(ns, 'preview'), { namespace: ns, name: 'preview' }, 'green')).toBe(true);
    expect(selectedHash(await live(ns, 'active'))).toBe('blue');
    expect(selectedHash(await live(ns, 'preview'))).toBe('green');

    expect(await pinServiceToHash(cluster.writer, await live(ns, 'active'), { namespace: ns, name: 'active' }, 'green')).toBe(true);
    const active = await live(ns, 'active');
    expect(active.spec?.selector).toEqual({ app: 'web', [POD_TEMPLATE_HASH_LABEL]: 'green' });
    expect(active.spec?.['ports']).toEqual([expect.objectContaining({ port: 80, targetPort: 8080 })]);
    expect(active.metadata.annotations).toEqual({ team: 'web' });
  });

  it('when a Service already selects the hash, then pinning writes nothing', async () => {
    const ns = await cluster.namespace('bg-idem');
    await cluster.client.create(Kinds.Service, service(ns, 'active'));
    await pinServiceToHash(cluster.writer, await live(ns, 'active'), { namespace: ns, name: 'active' }, 'blue');
    const current = await live(ns, 'active');
    const writes = await cluster.writer.countDuring(async () => expect(await pinServiceToHash(cluster.writer, current, { namespace: ns, name: 'active' }, 'blue')).toBe(false));
    expect(writes).toBe(0);
    expect((await live(ns, 'active')).metadata.resourceVersion).toBe(current.metadata.resourceVersion);
  });

  it('when the Service does not exist, then the error names it', async () => {
    await expect(pinServiceToHash(cluster.writer, undefined, { namespace: 'shop', name: 'web-preview' }, 'blue')).rejects.toEqual(new VaneError('NotFound', 'Service shop/web-preview not found'));
  });
});
