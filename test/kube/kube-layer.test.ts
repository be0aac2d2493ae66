// Specification of the kube layer against the sandbox over real HTTPS: informers, role-split writes, leases.
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/kube/kube-client.js';
import { KubeTransport } from '../../src/kube/kube-transport.js';
import { LeaderElector } from '../../src/kube/leader-election.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { SupervisedInformer } from '../../src/kube/supervised-informer.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';

let sandbox: Sandbox;
let client: KubeClient;

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function configMap(name: string, value: string): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { value } };
}

beforeAll(async () => {
  sandbox = await startSandbox({ simulator: { readyDelayMs: 10 } });
  const kc = new KubeConfig();
  kc.loadFromFile(sandbox.kubeconfigPath);
  client = new KubeClient(await KubeTransport.fromKubeConfig(kc));
});

afterAll(async () => {
  client?.transport.close();
  await sandbox?.stop();
});

describe('KubeClient', () => {
  it('given a stale resourceVersion, when replacing, then the API answers Conflict and nothing is overwritten', async () => {
    const created = await client.create(Kinds.ConfigMap, configMap('stale', 'a'));
    await client.replace(Kinds.ConfigMap, { ...created, data: { value: 'b' } });
    await expect(client.replace(Kinds.ConfigMap, { ...created, data: { value: 'c' } })).rejects.toMatchObject({ code: 'Conflict', status: 409 });
    const live = await client.get<KubeObject & { data: { value: string } }>(Kinds.ConfigMap, 'default', 'stale');
    expect(live?.data.value).toBe('b');
  });

  it('given a missing object, get returns undefined and delete is not an error', async () => {
    expect(await client.get(Kinds.ConfigMap, 'default', 'nope')).toBeUndefined();
    await expect(client.delete(Kinds.ConfigMap, 'default', 'nope')).resolves.toBeUndefined();
  });

  it('lists across pages', async () => {
    for (let i = 0; i < 520; i++) await client.create(Kinds.ConfigMap, configMap(`page-${i}`, String(i)));
    const { items, resourceVersion } = await client.list(Kinds.ConfigMap, 'default');
    expect(items.filter((cm) => cm.metadata.name?.startsWith('page-'))).toHaveLength(520);
    expect(resourceVersion).not.toBe('');
  });
});

describe('SupervisedInformer', () => {
  it('given dropped watches and injected 500s, when objects change, then the cache converges on every change', async () => {
    const informer = new SupervisedInformer<KubeObject & { data?: { value?: string } }>(client, Kinds.ConfigMap, {
      namespace: 'default',
      labelSelector: 'suite=informer',
      backoff: { initialMs: 10, maxMs: 100 },
    });
    const seen = new Map<string, string>();
    informer.addHandler((e) => seen.set(e.key, e.type === 'delete' ? 'deleted' : e.object.data?.value ?? ''));
    informer.start();
    await informer.waitForSync();
    const restartsBefore = informer.restartCount;
    const fault = sandbox.faults.failRequests({ status: 500, fraction: 0.3, resources: ['configmaps'], verbs: ['list', 'watch'] });
    for (let i = 0; i < 30; i++) {
      const name = `inf-${i % 5}`;
      const existing = await client.get(Kinds.ConfigMap, 'default', name);
      const body = { ...configMap(name, String(i)), metadata: { name, namespace: 'default', labels: { suite: 'informer' } } };
      if (existing) await client.replace(Kinds.ConfigMap, { ...body, metadata: { ...body.metadata, resourceVersion: existing.metadata.resourceVersion } });
      else await client.create(Kinds.ConfigMap, body);
      if (i % 7 === 0) sandbox.faults.dropWatches({ resources: ['configmaps'] });
    }
    await client.delete(Kinds.ConfigMap, 'default', 'inf-0');
    fault.remove();
    await waitFor(() => seen.get('default/inf-0') === 'deleted' && informer.get('default/inf-4')?.data?.value === '29', 'cache to converge');
    expect(informer.get('default/inf-0')).toBeUndefined();
    expect(informer.get('default/inf-1')?.data?.value).toBe('26');
    expect(informer.restartCount).toBeGreaterThan(restartsBefore);
    await informer.stop();
  });

  it('given a watch that goes silent, when the watchdog fires, then the watch is re-established', async () => {
    const informer = new SupervisedInformer<KubeObject>(client, Kinds.ConfigMap, { namespace: 'default', labelSelector: 'suite=watchdog', watchdogMs: 150 });
    informer.start();
    await informer.waitForSync();
    await waitFor(() => informer.restartCount >= 2, 'watchdog restarts');
    await client.create(Kinds.ConfigMap, { ...configMap('dog', 'x'), metadata: { name: 'dog', namespace: 'default', labels: { suite: 'watchdog' } } });
    await waitFor(() => informer.get('default/dog') !== undefined, 'object after restart');
    await informer.stop();
  });
});

describe('LeaderElector', () => {
  it('given two candidates, only one leads, and when it stops the other takes over', async () => {
    const leading: string[] = [];
    const make = (identity: string): LeaderElector =>
      new LeaderElector(client, {
        namespace: 'default',
        name: 'election-test',
        identity,
        leaseDurationMs: 1_000,
        renewDeadlineMs: 800,
        retryPeriodMs: 100,
        onStartedLeading: () => leading.push(identity),
      });
    const a = make('a');
    const b = make('b');
    a.start();
    await waitFor(() => leading.length === 1, 'a leader');
    b.start();
    await new Promise((r) => setTimeout(r, 400));
    expect(leading).toEqual(['a']);
    expect(b.isLeader).toBe(false);
    expect(b.leader).toBe('a');
    await a.stop();
    await waitFor(() => leading.length === 2, 'takeover');
    expect(leading).toEqual(['a', 'b']);
    await b.stop();
  });

  it('given a Lease namespace that does not exist, then it says so once, naming the flags, reports the problem, and leads once the namespace is created', async () => {
    const lines: string[] = [];
    const logger = pino({ level: 'info', base: undefined }, { write: (line: string) => void lines.push(line) });
    let leading = false;
    const elector = new LeaderElector(client, {
      namespace: 'lease-home',
      name: 'vane-controller',
      identity: 'alone',
      leaseDurationMs: 1_000,
      retryPeriodMs: 50,
      logger,
      onStartedLeading: () => (leading = true),
    });
    elector.start();
    await waitFor(() => elector.problem !== undefined, 'the missing namespace reported');
    await new Promise((r) => setTimeout(r, 400));
    const errors = lines.map((line) => JSON.parse(line) as { level: number; msg: string }).filter((entry) => entry.level >= 40);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.msg).toMatch(/Lease namespace "lease-home" does not exist/);
    expect(errors[0]?.msg).toContain('--lease-namespace');
    expect(errors[0]?.msg).toContain('--no-leader-elect');
    expect(elector.problem).toMatch(/lease-home/);
    expect(leading).toBe(false);
    await client.create(Kinds.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'lease-home' } });
    await waitFor(() => leading, 'leadership after the namespace appears');
    expect(elector.problem).toBeUndefined();
    await elector.stop();
  });
});
