// Specification: with the API failing 5% of requests with 500, 5% with 409, and watches dropped every second,
// fifty concurrent canary rollouts all finish, each on its new revision.
import { KubeConfig } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaneCrdFiles } from '../../src/cli/crd-paths.js';
import { startController, type RunningController } from '../../src/cli/start-controller.js';
import { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { KubeTransport } from '../../src/kube/kube-transport.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { createLogger } from '../../src/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { hashOfImage, template } from './controller-harness.js';

const ROLLOUTS = 50;
let sandbox: Sandbox;
let harness: KubeClient;
let controller: RunningController;

beforeAll(async () => {
  sandbox = await startSandbox({ crdFiles: vaneCrdFiles(), simulator: { readyDelayMs: 30 }, logLevel: 'silent', faultSeed: 7 });
  const kc = new KubeConfig();
  kc.loadFromFile(sandbox.kubeconfigPath);
  kc.setCurrentContext(sandbox.contexts.harness);
  harness = new KubeClient(await KubeTransport.fromKubeConfig(kc));
  controller = await startController(
    { kubeconfig: sandbox.kubeconfigPath, workers: 8, leaderElection: false, leaseNamespace: 'default', leaseName: 'vane', leaseDurationMs: 15_000, identity: 'faults', logLevel: 'silent', apiPort: -1 },
    { logger: createLogger('silent') },
  );
});

afterAll(async () => {
  await controller?.stop();
  harness?.transport.close();
  await sandbox?.stop();
});

describe('fault tolerance', () => {
  it(`given 5% 500s, 5% 409s and dropped watches, when ${ROLLOUTS} rollouts run at once, then all finish on the new revision`, async () => {
    const names = Array.from({ length: ROLLOUTS }, (_, i) => `ft-${i}`);
    await Promise.all(
      names.map((name) =>
        harness.create(Kinds.Rollout, {
          apiVersion: 'vane.dev/v1alpha1',
          kind: 'Rollout',
          metadata: { name, namespace: 'default' },
          spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: template('img:1', name), strategy: { canary: { steps: [{ setWeight: 50 }, { pause: { duration: '200ms' } }] } } },
        } as KubeObject),
      ),
    );
    const phaseOf = async (name: string): Promise<{ phase?: string; stableRS?: string } | undefined> =>
      (await harness.get<KubeObject & { status?: { phase?: string; stableRS?: string } }>(Kinds.Rollout, 'default', name))?.status;
    await waitAll(names, async (name) => (await phaseOf(name))?.stableRS === hashOfImage('img:1', name), 'adoption');

    const faults = [
      sandbox.faults.failRequests({ status: 500, fraction: 0.05 }),
      sandbox.faults.failRequests({ status: 409, fraction: 0.05, verbs: ['update', 'patch', 'create'] }),
    ];
    const dropper = setInterval(() => sandbox.faults.dropWatches(), 1_000);
    try {
      await Promise.all(names.map((name) => harness.patch(Kinds.Rollout, 'default', name, { spec: { template: template('img:2', name) } }, 'merge')));
      await waitAll(names, async (name) => {
        const status = await phaseOf(name);
        return status?.phase === 'Healthy' && status.stableRS === hashOfImage('img:2', name);
      }, 'every rollout on img:2', 120_000);
    } finally {
      clearInterval(dropper);
      for (const f of faults) f.remove();
    }
    expect(faults.reduce((n, f) => n + f.hits, 0)).toBeGreaterThan(20);
    for (const name of names) {
      const { items } = await harness.list<KubeObject & { spec?: { replicas?: number }; metadata: { labels?: Record<string, string> } }>(Kinds.ReplicaSet, 'default', { labelSelector: `app=${name}` });
      const replicas = Object.fromEntries(items.map((rs) => [rs.metadata.labels?.['rollouts-pod-template-hash'], rs.spec?.replicas]));
      expect(replicas).toEqual({ [hashOfImage('img:1', name)]: 0, [hashOfImage('img:2', name)]: 2 });
    }
  }, 200_000);
});

async function waitAll(names: string[], done: (name: string) => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending = names;
  while (pending.length > 0) {
    const results = await Promise.all(pending.map(async (n) => ((await done(n)) ? undefined : n)));
    pending = results.filter((n): n is string => n !== undefined);
    if (pending.length === 0) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${pending.length} left (${pending.slice(0, 5).join(', ')})`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
