// Specification of the controller end to end: a sandbox API server, the real controller, Rollouts walked through.
// @covers spec.strategy
// @covers spec.strategy.canary
// @covers spec.strategy.canary.stableService
// @covers spec.strategy.canary.steps
// @covers spec.strategy.canary.steps[].setWeight
// @covers spec.strategy.canary.steps[].pause
// @covers spec.strategy.blueGreen
// @covers spec.strategy.blueGreen.activeService
// @covers spec.strategy.blueGreen.postPromotionAnalysis
// @covers spec.strategy.blueGreen.postPromotionAnalysis.templates
// @covers spec.strategy.blueGreen.postPromotionAnalysis.templates[].templateName
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { DeploymentObject } from '../../src/reconcile/rollout-cache.js';
import { podTemplateHash } from '../../src/resources/pod-template-hash.js';
import { describeRollout } from '../../src/server/rollout-view.js';
import { startStubHttpServer } from '../analysis/support/stub-http-server.js';
import { hashOfImage, openHarness, template, type Harness } from './controller-harness.js';

let h: Harness;

beforeAll(async () => {
  h = await openHarness();
});

afterAll(async () => {
  await h?.close();
});

const healthyOn = (hash: string) => (ro: { status?: { phase?: string; stableRS?: string } }): boolean => ro.status?.phase === 'Healthy' && ro.status.stableRS === hash;

describe('a canary Rollout', () => {
  it('given setWeight and two 2 s timed pause steps, when the image changes, then it walks every step, waits out each pause, and becomes Healthy on the new revision', async () => {
    const steps = [{ setWeight: 25 }, { pause: { duration: '2s' } }, { setWeight: 50 }, { pause: { duration: '2s' } }];
    await h.apply('walk', { replicas: 4, strategy: { canary: { stableService: 'walk-stable', canaryService: 'walk-canary', steps } } }, ['walk-stable', 'walk-canary']);
    await h.waitFor('walk', healthyOn(hashOfImage('img:1', 'walk')), 'first revision adopted');
    const started = Date.now();
    const next = await h.setImage('walk', 'img:2');
    const seenWeights = new Set<number>();
    await h.waitFor('walk', (ro) => {
      const w = ro.status?.canary?.weights?.canary;
      if (w !== undefined) seenWeights.add(w);
      return healthyOn(next)(ro);
    }, 'promotion of img:2');
    expect([...seenWeights]).toEqual(expect.arrayContaining([25, 50]));
    expect(Date.now() - started).toBeGreaterThanOrEqual(4_000);
    const rs = h.replicaSets('walk');
    const byHash = new Map(rs.map((r) => [r.metadata.labels?.['rollouts-pod-template-hash'], r.spec?.replicas]));
    expect(byHash.get(next)).toBe(4);
    expect(byHash.get(hashOfImage('img:1', 'walk'))).toBe(0);
    const svc = h.controller.informers.service(h.namespace, 'walk-stable');
    expect(svc?.spec?.selector?.['rollouts-pod-template-hash']).toBe(next);
    // One Event for the release, its outcome, naming every step and how long it took (ADR 0019).
    const events = await h.eventsWith('walk', ['RolloutCompleted']);
    expect(events.filter((e) => e.reason === 'RolloutCompleted')).toHaveLength(1);
    expect(events.find((e) => e.reason === 'RolloutCompleted')?.note).toMatch(/step 1\/4 \d+s, step 2\/4 [2-9]s, step 3\/4 \d+s, step 4\/4 [2-9]s$/);
    expect(events.map((e) => e.reason)).not.toContain('RolloutStarted');
  });

  it('given a pause without duration, when nobody acts, it waits; when promoted, it continues to Healthy', async () => {
    await h.apply('gate', { strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } });
    await h.waitFor('gate', (ro) => ro.status?.phase === 'Healthy', 'adopted');
    const next = await h.setImage('gate', 'img:2');
    await h.waitFor('gate', (ro) => ro.status?.phase === 'Paused' && ro.status.currentStepIndex === 1, 'the indefinite pause');
    await new Promise((r) => setTimeout(r, 500));
    expect(h.rollout('gate')?.status?.phase).toBe('Paused');
    const id = await h.command('gate', 'promote');
    const done = await h.waitFor('gate', healthyOn(next), 'promotion after the command');
    expect(done.status?.lastCommand).toMatchObject({ id, result: 'Accepted' });
  });

  it('given a canary mid-rollout, when aborted, then traffic and replicas go back to stable and a retry walks it again', async () => {
    await h.apply('abort', { replicas: 2, strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } });
    await h.waitFor('abort', (ro) => ro.status?.phase === 'Healthy', 'adopted');
    const stable = hashOfImage('img:1', 'abort');
    const next = await h.setImage('abort', 'img:2');
    await h.waitFor('abort', (ro) => ro.status?.phase === 'Paused', 'paused');
    await h.command('abort', 'abort');
    const aborted = await h.waitFor('abort', (ro) => ro.status?.phase === 'Degraded' && ro.status.canary?.weights?.canary === 0, 'abort');
    expect(aborted.status?.stableRS).toBe(stable);
    expect(aborted.status?.conditions?.find((c) => c.type === 'Stalled')?.status).toBe('True');
    await h.waitFor('abort', () => h.replicaSets('abort').find((r) => r.metadata.labels?.['rollouts-pod-template-hash'] === next)?.spec?.replicas === 0, 'canary scaled down');
    const retry = await h.command('abort', 'retry');
    await h.waitFor('abort', (ro) => ro.status?.phase === 'Paused' && ro.status.lastCommand?.id === retry, 'retry to reach the pause again');
  });

  it('given a command that does not apply, then it is rejected with a reason and nothing changes', async () => {
    await h.apply('reject', {});
    await h.waitFor('reject', (ro) => ro.status?.phase === 'Healthy', 'adopted');
    const id = await h.command('reject', 'retry');
    const ro = await h.waitFor('reject', (r) => r.status?.lastCommand?.id === id, 'the ack');
    expect(ro.status?.lastCommand?.result).toBe('Rejected');
    expect(ro.status?.lastCommand?.message).toMatch(/retry/);
    expect(ro.status?.phase).toBe('Healthy');
  });

  it('given a rollout in progress, when a newer revision arrives, then it restarts from step 0 with the new revision', async () => {
    await h.apply('restart', { strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } });
    await h.waitFor('restart', (ro) => ro.status?.phase === 'Healthy', 'adopted');
    const second = await h.setImage('restart', 'img:2');
    await h.waitFor('restart', (ro) => ro.status?.phase === 'Paused', 'paused on img:2');
    const third = await h.setImage('restart', 'img:3');
    await h.waitFor('restart', (ro) => ro.status?.phase === 'Paused' && ro.status.currentPodHash === third && ro.status.currentStepIndex === 1, 'paused on img:3');
    await h.waitFor('restart', () => h.replicaSets('restart').find((r) => r.metadata.labels?.['rollouts-pod-template-hash'] === second)?.spec?.replicas === 0, 'img:2 scaled down');
  });

  it('given a rollout in progress, when the template goes back to stable, then it is Healthy at once with no steps', async () => {
    await h.apply('back', { strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } });
    const stable = hashOfImage('img:1', 'back');
    await h.waitFor('back', (ro) => ro.status?.phase === 'Healthy', 'adopted');
    await h.setImage('back', 'img:2');
    await h.waitFor('back', (ro) => ro.status?.phase === 'Paused', 'paused');
    await h.setImage('back', 'img:1');
    const ro = await h.waitFor('back', healthyOn(stable), 'back to stable');
    expect(ro.status?.canary?.weights?.canary).toBe(0);
  });

  it('given an invalid Rollout, then it gets an InvalidSpec condition naming the field, and nothing is created', async () => {
    await h.apply('bad', { strategy: { canary: { steps: [{ setWeight: 50 }, { setWieght: 10 } as never] } } }).catch((err: unknown) => {
      throw new Error(`the schema should let this through to the controller: ${String(err)}`);
    });
    const ro = await h.waitFor('bad', (r) => r.status?.conditions?.some((c) => c.type === 'InvalidSpec') ?? false, 'InvalidSpec');
    const condition = ro.status?.conditions?.find((c) => c.type === 'InvalidSpec');
    expect(condition?.message).toContain('spec.strategy.canary.steps[1]');
    expect(ro.status?.phase).toBe('Degraded');
    expect(h.replicaSets('bad')).toHaveLength(0);
  });
});

describe('Rollout housekeeping', () => {
  it('given workloadRef to a Deployment, then the Deployment template is rolled out, and a change to it starts a rollout', async () => {
    const client = h.controller.client;
    const deployment = (image: string) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'ref-src', namespace: h.namespace },
      spec: { replicas: 0, selector: { matchLabels: { app: 'ref' } }, template: template(image, 'ref') },
    });
    // The API server defaults the Deployment's pod template, so the hash is taken over the stored template.
    const stored = async (): Promise<string> => podTemplateHash((await client.get<DeploymentObject>(Kinds.Deployment, h.namespace, 'ref-src'))?.spec?.template ?? template('none'));
    await client.create(Kinds.Deployment, deployment('img:1'));
    await h.apply('ref', { template: undefined, workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'ref-src' }, selector: { matchLabels: { app: 'ref' } } });
    await h.waitFor('ref', healthyOn(await stored()), 'the Deployment template adopted');
    await client.patch(Kinds.Deployment, h.namespace, 'ref-src', { spec: { template: template('img:2', 'ref') } }, 'merge');
    const next = await stored();
    const done = await h.waitFor('ref', healthyOn(next), 'the changed Deployment template promoted');
    expect(h.replicaSets('ref').find((rs) => rs.metadata.labels?.['rollouts-pod-template-hash'] === next)?.spec?.template?.spec.containers[0]?.image).toBe('img:2');
    expect(done.status?.history?.map((r) => r.outcome)).toContain('Promoted');
  });

  it('given revisionHistoryLimit 1, when three revisions are promoted, then only the newest old ReplicaSet is kept', async () => {
    await h.apply('hist', { revisionHistoryLimit: 1 });
    await h.waitFor('hist', (ro) => ro.status?.phase === 'Healthy', 'adopted');
    for (const image of ['img:2', 'img:3', 'img:4']) {
      const next = await h.setImage('hist', image);
      await h.waitFor('hist', healthyOn(next), `${image} promoted`);
    }
    await h.waitFor('hist', () => h.replicaSets('hist').length === 2, 'old ReplicaSets pruned');
    const hashes = h.replicaSets('hist').map((rs) => rs.metadata.labels?.['rollouts-pod-template-hash']).sort();
    expect(hashes).toEqual([hashOfImage('img:3', 'hist'), hashOfImage('img:4', 'hist')].sort());
  });
});

describe('analysis gates', () => {
  it('given an analysis step naming a missing AnalysisTemplate, then status says which, the canary is taken out of traffic without a revert, and creating the template lets the gate start its run', async () => {
    await h.apply('gated', { strategy: { canary: { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'late' }] } }] } } });
    await h.waitFor('gated', (ro) => ro.status?.phase === 'Healthy', 'adopted');
    const next = await h.setImage('gated', 'img:2');
    const blocked = await h.waitFor('gated', (ro) => ro.status?.conditions?.some((c) => c.type === 'InvalidSpec' && c.reason === 'ReferenceNotFound') ?? false, 'the missing template reported');
    expect(blocked.status?.message).toContain(`AnalysisTemplate ${h.namespace}/late not found (step 2 analysis)`);
    expect(blocked.status?.message).toContain('step 2 analysis starts by itself once this is fixed, or promote to go on without it');
    // No router: the canary's pods are its traffic, so they go; nothing is aborted and nothing is reverted.
    expect(blocked.status).toMatchObject({ phase: 'Degraded', canary: { weights: { canary: 0, stable: 100 } } });
    expect(blocked.status?.rollback).toBeUndefined();
    expect(blocked.status?.history?.at(-1)?.outcome).toBe('Progressing');
    await h.waitFor('gated', () => h.replicaSets('gated').find((rs) => rs.metadata.labels?.['rollouts-pod-template-hash'] === next)?.spec?.replicas === 0, 'the canary scaled down');
    expect((await h.events('gated')).map((e) => e.reason)).toContain('AnalysisGateBlocked');
    await h.controller.client.create(Kinds.AnalysisTemplate, {
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'late', namespace: h.namespace },
      spec: { metrics: [{ name: 'errors', successCondition: 'result[0] < 0.01', provider: { prometheus: { address: 'http://prometheus:9090', query: 'vector(0)' } } }] },
    });
    const running = await h.waitFor('gated', (ro) => (ro.status?.analysisRuns?.length ?? 0) > 0 && !ro.status?.conditions?.some((c) => c.type === 'InvalidSpec'), 'the gate to start its run', 20_000);
    const runName = running.status?.analysisRuns?.[0]?.name ?? '';
    expect(await h.controller.client.get(Kinds.AnalysisRun, h.namespace, runName)).toBeDefined();
    expect(running.status).toMatchObject({ phase: 'Progressing', currentStepIndex: 1, canary: { weights: { canary: 50, stable: 50 } } });
    expect(h.replicaSets('gated').find((rs) => rs.metadata.labels?.['rollouts-pod-template-hash'] === next)?.spec?.replicas).toBe(1);
  });
});

describe('a blue-green Rollout', () => {
  it('given a new revision, then the preview comes up, active switches after promotion, and the old version scales down', async () => {
    await h.apply('bg', { replicas: 2, strategy: { blueGreen: { activeService: 'bg-active', previewService: 'bg-preview', autoPromotionEnabled: false, scaleDownDelaySeconds: 1 } } }, ['bg-active', 'bg-preview']);
    const old = hashOfImage('img:1', 'bg');
    await h.waitFor('bg', healthyOn(old), 'adopted');
    const next = await h.setImage('bg', 'img:2');
    await h.waitFor('bg', (ro) => ro.status?.phase === 'Paused', 'waiting for promotion');
    expect(h.controller.informers.service(h.namespace, 'bg-preview')?.spec?.selector?.['rollouts-pod-template-hash']).toBe(next);
    expect(h.controller.informers.service(h.namespace, 'bg-active')?.spec?.selector?.['rollouts-pod-template-hash']).toBe(old);
    await h.command('bg', 'promote');
    await h.waitFor('bg', healthyOn(next), 'promoted');
    expect(h.controller.informers.service(h.namespace, 'bg-active')?.spec?.selector?.['rollouts-pod-template-hash']).toBe(next);
    await h.waitFor('bg', () => h.replicaSets('bg').find((r) => r.metadata.labels?.['rollouts-pod-template-hash'] === old)?.spec?.replicas === 0, 'old scaled down');
  });

  it('given post-promotion analysis naming a missing AnalysisTemplate, then the active Service goes back to stable without a revert, and creating the template releases the new revision', async () => {
    const metrics = await startStubHttpServer(() => ({ status: 200, body: { errorRate: 0 } }));
    try {
      const strategy = { blueGreen: { activeService: 'bgp-active', previewService: 'bgp-preview', autoPromotionEnabled: false, postPromotionAnalysis: { templates: [{ templateName: 'post-late' }] } } };
      await h.apply('bgp', { replicas: 2, strategy }, ['bgp-active', 'bgp-preview']);
      const old = hashOfImage('img:1', 'bgp');
      await h.waitFor('bgp', healthyOn(old), 'adopted');
      const next = await h.setImage('bgp', 'img:2');
      await h.waitFor('bgp', (ro) => ro.status?.phase === 'Paused', 'waiting for promotion');
      await h.command('bgp', 'promote');
      const blocked = await h.waitFor('bgp', (ro) => ro.status?.phase === 'Degraded', 'the post-promotion gate blocked');
      const activeSelector = (): string | undefined => h.controller.informers.service(h.namespace, 'bgp-active')?.spec?.selector?.['rollouts-pod-template-hash'];
      expect(activeSelector()).toBe(old);
      expect(blocked.status).toMatchObject({ stableRS: old, blueGreen: { activeSelector: old } });
      expect(blocked.status?.rollback).toBeUndefined();
      expect(blocked.status?.message).toContain(`AnalysisTemplate ${h.namespace}/post-late not found (post-promotion analysis); active Service back on stable ${old}, ${next} kept`);

      await h.controller.client.create(Kinds.AnalysisTemplate, {
        apiVersion: 'vane.dev/v1alpha1',
        kind: 'AnalysisTemplate',
        metadata: { name: 'post-late', namespace: h.namespace },
        spec: { metrics: [{ name: 'error-rate', count: 1, successCondition: 'result == 0', provider: { web: { url: `${metrics.url}/stats`, jsonPath: '$.errorRate' } } }] },
      });
      await h.waitFor('bgp', healthyOn(next), 'released after the fix', 30_000);
      expect(activeSelector()).toBe(next);
    } finally {
      await metrics.stop();
    }
  }, 60_000);

  it('given a long scaleDownDelaySeconds, when the active Service switches, then the new revision is stable and Healthy at once and the old one is the previous revision scaling down at a time', async () => {
    await h.apply('bgd', { replicas: 2, strategy: { blueGreen: { activeService: 'bgd-active', previewService: 'bgd-preview', autoPromotionEnabled: false, scaleDownDelaySeconds: 600 } } }, ['bgd-active', 'bgd-preview']);
    const old = hashOfImage('img:1', 'bgd');
    await h.waitFor('bgd', healthyOn(old), 'adopted');
    const next = await h.setImage('bgd', 'img:2');
    await h.waitFor('bgd', (ro) => ro.status?.phase === 'Paused', 'waiting for promotion');
    const before = Date.now();
    await h.command('bgd', 'promote');
    const released = await h.waitFor('bgd', healthyOn(next), 'released right after the switch');

    expect(h.controller.informers.service(h.namespace, 'bgd-active')?.spec?.selector?.['rollouts-pod-template-hash']).toBe(next);
    expect(released.status?.blueGreen?.activeSelector).toBe(next);
    const scaleDownAt = Date.parse(released.status?.blueGreen?.scaleDownAt ?? '');
    expect(scaleDownAt).toBeGreaterThanOrEqual(before + 600_000);
    expect(scaleDownAt).toBeLessThan(Date.now() + 600_000);
    expect(released.status?.message).toBe(`active ${next} serves all traffic; previous revision ${old} scales down at ${released.status?.blueGreen?.scaleDownAt}`);
    expect(h.replicaSets('bgd').find((r) => r.metadata.labels?.['rollouts-pod-template-hash'] === old)?.spec?.replicas).toBe(2);
    const roles = describeRollout(released, { replicaSets: h.replicaSets('bgd'), analysisRuns: [], events: [] }).replicaSets;
    expect(roles.map((r) => [r.podTemplateHash, r.role, r.scaleDownAt]).sort((a, b) => String(a[1]).localeCompare(String(b[1])))).toEqual([
      [next, 'active', undefined],
      [old, 'previous', released.status?.blueGreen?.scaleDownAt],
    ]);
  });
});
