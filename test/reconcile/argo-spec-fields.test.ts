// Specification of Argo Rollouts spec fields Vane honours, end to end on the sandbox with the real controller and
// kubectl: workloadRef without a selector (Argo's own examples, apiVersion swapped only), workloadRef.scaleDown,
// spec.paused and spec.restartAt.
// @covers spec.workloadRef
// @covers spec.rollbackWindow
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { DeploymentObject } from '../../src/reconcile/rollout-cache.js';
import { podTemplateHash } from '../../src/resources/pod-template-hash.js';
import { hashOfImage, openHarness, type Harness, type RolloutObject } from './controller-harness.js';

const ARGO_EXAMPLES = resolve(import.meta.dirname, '..', 'fixtures', 'argo-rollouts', 'examples');

let h: Harness;

beforeAll(async () => {
  h = await openHarness('argo-spec');
});

afterAll(async () => {
  await h?.close();
});

function kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = execFile('kubectl', ['--kubeconfig', h.cluster.kubeconfigPath, '-n', h.namespace, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      done({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** An Argo example as a team would bring it: only the apiVersion changed. */
function argoExample(file: string): string {
  return readFileSync(resolve(ARGO_EXAMPLES, file), 'utf8').replaceAll('argoproj.io/v1alpha1', 'vane.dev/v1alpha1');
}

const healthyCondition = (ro: RolloutObject): boolean => ro.status?.conditions?.some((c) => c.type === 'Healthy' && c.status === 'True') ?? false;

async function deployment(name: string): Promise<DeploymentObject | undefined> {
  return h.controller.client.get<DeploymentObject>(Kinds.Deployment, h.namespace, name);
}

async function createDeployment(name: string, image: string, replicas: number): Promise<void> {
  await h.controller.client.create(Kinds.Deployment, {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: h.namespace },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } } },
  });
}

async function waitForDeploymentReplicas(name: string, replicas: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while ((await deployment(name))?.spec?.replicas !== replicas) {
    if (Date.now() > deadline) throw new Error(`Deployment ${name} never reached ${replicas} replicas`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('workloadRef without spec.selector', () => {
  // @covers spec.workloadRef.name
  // @covers spec.workloadRef.kind
  // @covers spec.workloadRef.apiVersion
  // @covers spec.selector
  it("given Argo's examples/workload-ref/workload-ref.yaml, when applied with kubectl, then the Rollout runs the Deployment's pods under its selector and rolls out a change of the Deployment's template", async () => {
    const applied = await kubectl(['apply', '-f', '-'], argoExample('workload-ref/workload-ref.yaml'));
    expect(applied.code, applied.stderr).toBe(0);
    const ready = await h.waitFor('rollout-ref-deployment', (ro) => healthyCondition(ro) && ro.status?.availableReplicas === 5, 'five pods of the Deployment template', 30_000);
    expect(ready.status?.selector).toBe('app=rollout-ref-deployment');
    const rs = h.replicaSets('rollout-ref-deployment');
    expect(rs).toHaveLength(1);
    expect(rs[0]?.spec?.selector?.matchLabels?.['app']).toBe('rollout-ref-deployment');
    expect(rs[0]?.spec?.template?.spec.containers[0]).toMatchObject({ image: 'argoproj/rollouts-demo:blue' });
    expect(ready.status?.workloadObservedGeneration).toBe(String((await deployment('rollout-ref-deployment'))?.metadata.generation));

    const patched = await kubectl(['set', 'image', 'deployment/rollout-ref-deployment', 'rollouts-demo=argoproj/rollouts-demo:yellow']);
    expect(patched.code, patched.stderr).toBe(0);
    const template = (await deployment('rollout-ref-deployment'))?.spec?.template;
    const next = podTemplateHash(template!);
    await h.waitFor('rollout-ref-deployment', (ro) => ro.status?.currentStepIndex === 1 && ro.status.canary?.weights?.canary === 20, 'the 20% step', 20_000);
    await h.waitFor('rollout-ref-deployment', (ro) => ro.status?.stableRS === next && healthyCondition(ro), 'the yellow revision promoted after its 10 s pause', 30_000);
  });

  // @covers spec.revisionHistoryLimit
  it("given Argo's examples/rollout-template-ref.yaml, when applied, then it is accepted and becomes Healthy", async () => {
    const applied = await kubectl(['apply', '-f', '-'], argoExample('rollout-template-ref.yaml').replaceAll('rollout-ref-deployment', 'template-ref'));
    expect(applied.code, applied.stderr).toBe(0);
    const ro = await h.waitFor('template-ref', (r) => healthyCondition(r) && r.status?.availableReplicas === 5, 'healthy', 30_000);
    expect(ro.status?.selector).toBe('app=template-ref');
  });

  it('given a workloadRef without a selector naming a Deployment that does not exist, then the Rollout says so in InvalidSpec', async () => {
    const body = { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'no-ref', namespace: h.namespace }, spec: { workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'missing' }, strategy: { canary: {} } } };
    await h.controller.client.create(Kinds.Rollout, body);
    const ro = await h.waitFor('no-ref', (r) => r.status?.phase === 'Degraded', 'the missing Deployment reported');
    expect(ro.status?.conditions?.find((c) => c.type === 'InvalidSpec')?.message).toContain('Deployment argo-spec/missing not found');
  });
});

describe('workloadRef.scaleDown', () => {
  // @covers spec.workloadRef.scaleDown
  it('given scaleDown onsuccess, when the Rollout becomes Healthy, then the Deployment is scaled to 0; given never, it keeps its replicas', async () => {
    await createDeployment('migrate', 'img:1', 3);
    await createDeployment('keep', 'img:1', 3);
    for (const [name, scaleDown] of [['migrate', 'onsuccess'], ['keep', 'never']] as const) {
      await h.controller.client.create(Kinds.Rollout, {
        apiVersion: 'vane.dev/v1alpha1',
        kind: 'Rollout',
        metadata: { name, namespace: h.namespace },
        spec: { replicas: 2, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name, scaleDown }, strategy: { canary: { steps: [{ setWeight: 50 }] } } },
      });
    }
    await h.waitFor('migrate', healthyCondition, 'migrate healthy');
    await waitForDeploymentReplicas('migrate', 0);
    await h.waitFor('keep', healthyCondition, 'keep healthy');
    await new Promise((r) => setTimeout(r, 300));
    expect((await deployment('keep'))?.spec?.replicas).toBe(3);
  });

  it('given scaleDown progressively, then the Deployment ends at 0 once the Rollout is Healthy', async () => {
    await createDeployment('gradual', 'img:1', 4);
    await h.controller.client.create(Kinds.Rollout, {
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'gradual', namespace: h.namespace },
      spec: { replicas: 4, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'gradual', scaleDown: 'progressively' }, strategy: { canary: {} } },
    });
    await h.waitFor('gradual', healthyCondition, 'gradual healthy');
    await waitForDeploymentReplicas('gradual', 0);
  });
});

describe('spec.paused', () => {
  // @covers spec.paused
  it('given a canary mid-rollout, when spec.paused is set, then it holds at its step although the timed pause runs out; when cleared, it goes on to Healthy', async () => {
    await h.apply('hold', { strategy: { canary: { steps: [{ setWeight: 50 }, { pause: { duration: '1s' } }, { setWeight: 75 }] } } });
    await h.waitFor('hold', healthyCondition, 'first release healthy');
    const next = await h.setImage('hold', 'img:2');
    await h.controller.client.patch(Kinds.Rollout, h.namespace, 'hold', { spec: { paused: true } }, 'merge');
    const held = await h.waitFor('hold', (ro) => ro.status?.phase === 'Paused' && ro.status.conditions?.some((c) => c.type === 'Paused' && c.status === 'True') === true, 'the hold');
    expect(held.status?.controllerPause).toBeUndefined();
    await new Promise((r) => setTimeout(r, 1_500));
    const still = h.rollout('hold');
    expect(still?.status?.phase).toBe('Paused');
    expect(still?.status?.stableRS).toBe(hashOfImage('img:1', 'hold'));
    expect(still?.status?.canary?.weights?.canary).toBe(50);

    await h.controller.client.patch(Kinds.Rollout, h.namespace, 'hold', { spec: { paused: false } }, 'merge');
    const done = await h.waitFor('hold', (ro) => ro.status?.stableRS === next && healthyCondition(ro), 'promotion after unpausing');
    expect(done.status?.conditions?.find((c) => c.type === 'Paused')?.status).toBe('False');
  });

  it('given a healthy rollout with spec.paused, then the Paused condition is True and Healthy is not (as in Argo)', async () => {
    await h.apply('idle', { paused: true });
    const ro = await h.waitFor('idle', (r) => r.status?.phase === 'Healthy' && r.status.conditions?.some((c) => c.type === 'Paused' && c.status === 'True') === true, 'Paused');
    expect(ro.status?.availableReplicas).toBe(2);
    expect(healthyCondition(ro)).toBe(false);
  });
});

describe('spec.restartAt', () => {
  async function podsOf(app: string): Promise<KubeObject[]> {
    const { items } = await h.controller.client.list<KubeObject>(Kinds.Pod, h.namespace, { labelSelector: `app=${app}` });
    return items.filter((p) => !p.metadata.deletionTimestamp);
  }

  // @covers spec.restartAt
  it('given a healthy canary of 4 pods, when spec.restartAt is set to now, then every pod is recreated without a new revision, never more than maxUnavailable at a time, and status.restartedAt records it', async () => {
    await h.apply('restart', { replicas: 4, strategy: { canary: { maxUnavailable: 1, steps: [{ setWeight: 50 }] } } });
    await h.waitFor('restart', (ro) => healthyCondition(ro) && ro.status?.availableReplicas === 4, 'healthy with four pods');
    const before = new Set((await podsOf('restart')).map((p) => p.metadata.uid));
    // Pods carry second-precision creation times: the restart time must be after their second.
    await new Promise((r) => setTimeout(r, 1_100));
    const restartAt = `${new Date().toISOString().slice(0, 19)}Z`;
    let fewestAvailable = 4;
    const patched = await kubectl(['patch', 'rollout', 'restart', '--type=merge', '-p', JSON.stringify({ spec: { restartAt } })]);
    expect(patched.code, patched.stderr).toBe(0);
    const done = await h.waitFor('restart', (ro) => {
      const rs = h.replicaSets('restart')[0];
      fewestAvailable = Math.min(fewestAvailable, rs?.status?.availableReplicas ?? 4);
      return ro.status?.restartedAt === restartAt;
    }, 'status.restartedAt', 30_000);
    const after = await podsOf('restart');
    expect(after).toHaveLength(4);
    expect(after.filter((p) => before.has(p.metadata.uid))).toEqual([]);
    expect(h.replicaSets('restart')).toHaveLength(1);
    expect(done.status?.stableRS).toBe(hashOfImage('img:1', 'restart'));
    expect(fewestAvailable).toBeGreaterThanOrEqual(3);
  });

  it('given spec.restartAt in the future, then no pod is touched before that time', async () => {
    await h.apply('later', { replicas: 2 });
    await h.waitFor('later', (ro) => healthyCondition(ro), 'healthy');
    const before = (await podsOf('later')).map((p) => p.metadata.uid).sort();
    await h.controller.client.patch(Kinds.Rollout, h.namespace, 'later', { spec: { restartAt: '2999-01-01T00:00:00Z' } }, 'merge');
    await new Promise((r) => setTimeout(r, 500));
    expect((await podsOf('later')).map((p) => p.metadata.uid).sort()).toEqual(before);
    expect(h.rollout('later')?.status?.restartedAt).toBeUndefined();
  });
});

describe('spec.rollbackWindow', () => {
  async function release(name: string, image: string): Promise<string> {
    const hash = await h.setImage(name, image);
    await h.waitFor(name, (ro) => ro.status?.phase === 'Paused' && ro.status.canary?.weights?.canary === 50, `${image} at its pause`);
    await h.command(name, 'promote');
    await h.waitFor(name, (ro) => ro.status?.stableRS === hash && ro.status.phase === 'Healthy', `${image} promoted`);
    return hash;
  }

  // @covers spec.rollbackWindow.revisions
  it('given rollbackWindow.revisions 2, when the template goes back to the previous revision, then it is promoted without its steps; when it goes back further than the window, the steps run again', async () => {
    await h.apply('window', { rollbackWindow: { revisions: 2 }, strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } });
    await h.waitFor('window', healthyCondition, 'v1 healthy');
    const v1 = hashOfImage('img:1', 'window');
    await release('window', 'img:2');
    await release('window', 'img:3');

    const phases = new Set<string>();
    const v2 = await h.setImage('window', 'img:2');
    const back = await h.waitFor('window', (ro) => {
      phases.add(ro.status?.phase ?? '');
      return ro.status?.stableRS === v2 && healthyCondition(ro);
    }, 'fast-tracked rollback to img:2');
    expect(phases.has('Paused')).toBe(false);
    expect(back.status?.lastAutoCommand).toMatchObject({ action: 'promote-full', id: expect.stringMatching(/^rollbackWindow-/), result: 'Accepted' });

    await h.setImage('window', 'img:1');
    const slow = await h.waitFor('window', (ro) => ro.status?.phase === 'Paused' && ro.status.currentPodHash === v1, 'img:1, outside the window, walking its steps');
    expect(slow.status?.stableRS).toBe(v2);
  });
});
