// Specification: a controller killed at any instant and restarted finishes the rollout exactly as one that never
// died — no step repeated or skipped, each Event recorded once, the ReplicaSets scaled in order.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { vaneCrdFiles } from '../../src/cli/crd-paths.js';
import { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { KubeTransport } from '../../src/kube/kube-transport.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { SupervisedInformer } from '../../src/kube/supervised-informer.js';
import type { ReplicaSetObject } from '../../src/resources/replica-set.js';
import type { Rollout } from '../../src/resources/rollout.js';
import { openControllerCluster, type ControllerCluster } from '../support/controller-cluster.js';
import { hashOfImage, template } from './controller-harness.js';
import { spawnController } from './controller-process.js';
import { seededRandom as seeded } from '../../src/seeded-random.js';

const KILLS = 20;
let cluster: ControllerCluster;
let client: KubeClient;

async function waitFor<T>(get: () => T | undefined, done: (v: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v !== undefined && done(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

beforeAll(async () => {
  cluster = await openControllerCluster({ crdFiles: vaneCrdFiles(), readyDelayMs: 40 });
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  client = new KubeClient(await KubeTransport.fromKubeConfig(kc));
});

afterAll(async () => {
  client?.transport.close();
  await cluster?.stop();
});

describe('crash safety', () => {
  it(`given a canary rollout, when the controller is SIGKILLed at ${KILLS} seeded instants and restarted, then it finishes with no step repeated or skipped`, async () => {
    const seed = Number(process.env['VANE_CRASH_SEED'] ?? 20261123);
    const random = seeded(seed);
    const steps = [{ setWeight: 20 }, { pause: { duration: '1s' } }, { setWeight: 40 }, { setWeight: 60 }, { pause: { duration: '1s' } }, { setWeight: 80 }];
    await client.create(Kinds.Rollout, {
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'crash', namespace: 'default' },
      spec: { replicas: 5, selector: { matchLabels: { app: 'crash' } }, template: template('img:1', 'crash'), strategy: { canary: { steps } } },
    } as KubeObject);

    const rollouts = new SupervisedInformer<Rollout & KubeObject>(client, Kinds.Rollout, { namespace: 'default' });
    const replicaSets = new SupervisedInformer<ReplicaSetObject>(client, Kinds.ReplicaSet, { namespace: 'default' });
    const stepsSeen: number[] = [];
    const trace: string[] = [];
    const canaryScale: number[] = [];
    const next = hashOfImage('img:2', 'crash');
    rollouts.addHandler((e) => {
      const status = e.object.status;
      if (status?.currentPodHash === next && status.stableRS !== next && status.currentStepIndex !== undefined && status.currentStepIndex !== stepsSeen.at(-1)) {
        stepsSeen.push(status.currentStepIndex);
        trace.push(`rv=${e.object.metadata.resourceVersion} step=${status.currentStepIndex} ${status.message ?? ''} ${JSON.stringify((status.machine as { snapshot?: { value?: unknown } } | undefined)?.snapshot?.value)}`);
      }
    });
    replicaSets.addHandler((e) => {
      if (e.object.metadata.name === `crash-${next}` && e.object.spec?.replicas !== canaryScale.at(-1)) canaryScale.push(e.object.spec?.replicas ?? 0);
    });
    rollouts.start();
    replicaSets.start();

    let controller = spawnController(cluster.kubeconfigPath, ['--no-leader-elect']);
    await waitFor(() => rollouts.get('default/crash'), (ro) => ro.status?.phase === 'Healthy', 'first revision adopted');
    await client.patch(Kinds.Rollout, 'default', 'crash', { spec: { template: template('img:2', 'crash') } }, 'merge');

    // Kill points are measured from the moment a process is running (caches synced), so each lands mid-rollout.
    const killedAt: number[] = [];
    for (let i = 0; i < KILLS; i++) {
      const running = controller;
      await waitFor(() => (running.output().includes('caches synced') ? true : undefined), () => true, 'a controller to start');
      await new Promise((r) => setTimeout(r, Math.round(random() * 400)));
      await controller.kill('SIGKILL');
      killedAt.push(rollouts.get('default/crash')?.status?.currentStepIndex ?? -1);
      controller = spawnController(cluster.kubeconfigPath, ['--no-leader-elect', '--log-level', i === KILLS - 1 ? 'debug' : 'info']);
    }
    const done = await waitFor(() => rollouts.get('default/crash'), (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === next, 'the rollout to finish after the kills', 60_000).catch((err: unknown) => {
      throw new Error(`${String(err)}\nseed ${seed}, killed at steps ${killedAt.join(',')}\nsteps seen:\n${trace.join('\n')}\ncontroller output:\n${controller.output()}`);
    });
    await controller.kill('SIGTERM');
    await rollouts.stop();
    await replicaSets.stop();

    expect(done.status?.stableRS).toBe(next);
    if (process.env['VANE_TEST_TRACE'] === '1' || stepsSeen.some((s, i) => i > 0 && s <= (stepsSeen[i - 1] as number))) console.log(trace.join('\n'));
    // Every step entered once, in order, none skipped: the release's record names each. Status shows the steps it
    // was written at (a step whose pods come up within the hold is carried by the next write, see
    // held-status-writes.ts), and those only ever move forward.
    const record = done.status?.history?.find((r) => r.podTemplateHash === next);
    expect(record?.steps?.map((s) => s.index)).toEqual(steps.map((_, i) => i));
    expect(stepsSeen.length).toBeGreaterThan(0);
    for (let i = 1; i < stepsSeen.length; i++) expect(stepsSeen[i]).toBeGreaterThan(stepsSeen[i - 1] as number);
    // The canary ReplicaSet only ever grew: 1, 2, 3, 4 then full size — never back down mid-rollout.
    expect(canaryScale).toEqual([1, 2, 3, 4, 5]);
    const { items: events } = await client.list<KubeObject & { reason: string; regarding?: { name?: string } }>(Kinds.Event, 'default');
    const reasons = events.filter((e) => e.regarding?.name === 'crash').map((e) => e.reason);
    // Replays record the release's one Event once; plain progress records none (ADR 0019).
    expect(reasons.filter((r) => r === 'RolloutStarted' || r === 'RolloutStepStarted')).toEqual([]);
    expect(reasons.filter((r) => r === 'RolloutCompleted')).toHaveLength(1);
    expect(reasons.filter((r) => r === 'RolloutAborted')).toHaveLength(0);
  }, 180_000);
});
