// Specification: two controller processes share a Lease; only the leader acts, and when it is killed the standby
// takes over within the lease duration and finishes the rollout.
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaneCrdFiles } from '../../src/cli/crd-paths.js';
import { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { KubeTransport } from '../../src/kube/kube-transport.js';
import type { LeaseObject } from '../../src/kube/leader-election.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { openControllerCluster, type ControllerCluster } from '../support/controller-cluster.js';
import { hashOfImage, template } from './controller-harness.js';
import { spawnController, type ControllerProcess } from './controller-process.js';

let cluster: ControllerCluster;
let client: KubeClient;
const processes: ControllerProcess[] = [];

beforeAll(async () => {
  cluster = await openControllerCluster({ crdFiles: vaneCrdFiles(), readyDelayMs: 30 });
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  client = new KubeClient(await KubeTransport.fromKubeConfig(kc));
});

afterAll(async () => {
  await Promise.all(processes.map((p) => p.kill('SIGKILL')));
  client?.transport.close();
  await cluster?.stop();
});

async function until<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const holder = async (): Promise<string | undefined> =>
  (await client.get<LeaseObject>(Kinds.Lease, 'default', 'vane-controller'))?.spec?.holderIdentity || undefined;

const rolloutStatus = async (): Promise<{ phase?: string; stableRS?: string } | undefined> =>
  (await client.get<KubeObject & { status?: { phase?: string; stableRS?: string } }>(Kinds.Rollout, 'default', 'le'))?.status;

describe('leader election', () => {
  it('given two controllers, only the leader reconciles; when it is killed, the standby takes over and finishes the rollout', async () => {
    const args = ['--leader-elect', '--lease-namespace', 'default', '--lease-duration', '2', '--log-level', 'debug'];
    const a = spawnController(cluster.kubeconfigPath, args, { POD_NAME: 'controller-a' });
    processes.push(a);
    const first = await until(holder, 'a leader');
    expect(first).toBe('controller-a');
    const b = spawnController(cluster.kubeconfigPath, args, { POD_NAME: 'controller-b' });
    processes.push(b);

    await client.create(Kinds.Rollout, {
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'le', namespace: 'default' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'le' } }, template: template('img:1', 'le'), strategy: { canary: { steps: [{ setWeight: 50 }, { pause: { duration: '3s' } }] } } },
    } as KubeObject);
    await until(async () => ((await rolloutStatus())?.phase === 'Healthy' ? true : undefined), 'adoption by the leader');
    await until(async () => (b.output().includes('caches synced') ? true : undefined), 'the standby to sync its caches');
    await new Promise((r) => setTimeout(r, 500));
    expect(a.output()).toContain('status written');
    expect(b.output()).not.toContain('status written');
    expect(await holder()).toBe('controller-a');

    await client.patch(Kinds.Rollout, 'default', 'le', { spec: { template: template('img:2', 'le') } }, 'merge');
    await until(async () => ((await rolloutStatus())?.phase === 'Paused' ? true : undefined), 'the timed pause');
    const killedAt = Date.now();
    await a.kill('SIGKILL');
    await until(async () => ((await holder()) === 'controller-b' ? true : undefined), 'takeover by b', 15_000);
    const takeoverMs = Date.now() - killedAt;
    const done = await until(async () => {
      const status = await rolloutStatus();
      return status?.phase === 'Healthy' && status.stableRS === hashOfImage('img:2', 'le') ? status : undefined;
    }, 'b to finish the rollout');
    expect(done.stableRS).toBe(hashOfImage('img:2', 'le'));
    expect(b.output()).toContain('became leader');
    // The lease lasts 2s; the standby notices within one retry period after that.
    expect(takeoverMs).toBeLessThan(6_000);
  }, 90_000);
});
