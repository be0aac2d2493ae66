// Specification of the status Argo Rollouts' users and tooling read, end to end on the sandbox with the real
// controller and the real kubectl: Argo's condition types, abort/pause fields, and the scale subresource (HPA).
import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Condition } from '../../src/resources/meta.js';
import { hashOfImage, openHarness, type Harness, type RolloutObject } from './controller-harness.js';

let h: Harness;

beforeAll(async () => {
  h = await openHarness('argo-status');
});

afterAll(async () => {
  await h?.close();
});

function kubectl(args: string[], timeoutMs = 30_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('kubectl', ['--kubeconfig', h.cluster.kubeconfigPath, '-n', h.namespace, ...args], { timeout: timeoutMs }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? (err as { code: number }).code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function condition(ro: RolloutObject | undefined, type: string): Condition | undefined {
  return ro?.status?.conditions?.find((c) => c.type === type);
}

const conditionIs = (type: string, status: string, reason?: string) => (ro: RolloutObject): boolean => {
  const c = condition(ro, type);
  return c?.status === status && (reason === undefined || c.reason === reason);
};

describe('Argo condition types', () => {
  // @covers spec.strategy.canary.steps[].pause.duration
  it('given a rollout being updated, when `kubectl wait --for=condition=Healthy` runs, then it returns once the new revision is stable and fully available', async () => {
    const steps = [{ setWeight: 50 }, { pause: { duration: '1s' } }];
    await h.apply('waited', { replicas: 2, strategy: { canary: { steps } } });
    const first = await kubectl(['wait', '--for=condition=Healthy', 'rollout/waited', '--timeout=20s']);
    expect(first.code, first.stderr).toBe(0);
    expect(h.rollout('waited')?.status?.stableRS).toBe(hashOfImage('img:1', 'waited'));

    const next = await h.setImage('waited', 'img:2');
    await h.waitFor('waited', conditionIs('Healthy', 'False'), 'Healthy turning False as the update starts');
    const waited = await kubectl(['wait', '--for=condition=Healthy', 'rollout/waited', '--timeout=25s'], 30_000);
    expect(waited.code, waited.stderr).toBe(0);
    expect(waited.stdout).toContain('rollout.vane.dev/waited condition met');
    const ro = h.rollout('waited');
    expect(ro?.status?.stableRS).toBe(next);
    expect(ro?.status?.availableReplicas).toBe(2);
    expect(condition(ro, 'Progressing')).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
    expect(condition(ro, 'Completed')).toMatchObject({ status: 'True', reason: 'RolloutCompleted' });
    expect(condition(ro, 'Available')).toMatchObject({ status: 'True', reason: 'AvailableReason' });
  });

  it('given a canary at an indefinite pause step, then Paused is True, Progressing is Unknown/RolloutPaused and controllerPause is set; when promoted, Paused turns False and Healthy True', async () => {
    await h.apply('held', { strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } });
    await h.waitFor('held', conditionIs('Healthy', 'True'), 'first release healthy');
    const next = await h.setImage('held', 'img:2');
    const paused = await h.waitFor('held', conditionIs('Paused', 'True', 'RolloutPaused'), 'the Paused condition');
    expect(condition(paused, 'Progressing')).toMatchObject({ status: 'Unknown', reason: 'RolloutPaused' });
    expect(condition(paused, 'Healthy')).toMatchObject({ status: 'False' });
    expect(condition(paused, 'Completed')).toMatchObject({ status: 'False' });
    expect(paused.status?.controllerPause).toBe(true);
    expect(paused.status?.currentStepHash).toMatch(/^[a-z0-9]+$/);

    await h.command('held', 'promote');
    const done = await h.waitFor('held', (ro) => conditionIs('Healthy', 'True')(ro) && ro.status?.stableRS === next, 'healthy after promote');
    expect(condition(done, 'Paused')).toMatchObject({ status: 'False' });
    expect(done.status?.controllerPause).toBeUndefined();
  });

  it('given a canary mid-rollout, when aborted, then status.abort and abortedAt are set and Progressing is False with RolloutAborted; a retry clears them', async () => {
    await h.apply('stopped', { strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } });
    await h.waitFor('stopped', conditionIs('Healthy', 'True'), 'first release healthy');
    await h.setImage('stopped', 'img:2');
    await h.waitFor('stopped', (ro) => ro.status?.phase === 'Paused', 'the pause step');
    await h.command('stopped', 'abort');
    const aborted = await h.waitFor('stopped', (ro) => ro.status?.abort === true, 'status.abort');
    expect(Date.parse(aborted.status?.abortedAt ?? '')).not.toBeNaN();
    expect(condition(aborted, 'Progressing')).toMatchObject({ status: 'False', reason: 'RolloutAborted' });
    expect(condition(aborted, 'Progressing')?.message).toMatch(/^Rollout aborted update to revision /);
    expect(condition(aborted, 'Completed')).toMatchObject({ status: 'False' });

    await h.command('stopped', 'retry');
    const retried = await h.waitFor('stopped', (ro) => ro.status?.abort === undefined && ro.status?.phase !== 'Degraded', 'the retry');
    expect(retried.status?.abortedAt).toBeUndefined();
  });
});

describe('the scale subresource', () => {
  // @covers spec.replicas
  it('given a healthy canary, when `kubectl scale rollout --replicas=5` runs, then the stable ReplicaSet grows to 5 and the Scale reports 5 pods and the selector', async () => {
    await h.apply('scaled', { replicas: 2, strategy: { canary: { steps: [{ setWeight: 50 }] } } });
    await h.waitFor('scaled', conditionIs('Healthy', 'True'), 'first release healthy');
    const scaled = await kubectl(['scale', 'rollout/scaled', '--replicas=5']);
    expect(scaled.code, scaled.stderr).toBe(0);
    const stable = hashOfImage('img:1', 'scaled');
    await h.waitFor('scaled', (ro) => ro.status?.HPAReplicas === 5 && conditionIs('Healthy', 'True')(ro), 'five pods counted');
    const rs = h.replicaSets('scaled').find((r) => r.metadata.labels?.['rollouts-pod-template-hash'] === stable);
    expect(rs?.spec?.replicas).toBe(5);
    const scale = await kubectl(['get', 'rollout', 'scaled', '--subresource=scale', '-o', 'json']);
    expect(scale.code, scale.stderr).toBe(0);
    expect(JSON.parse(scale.stdout)).toMatchObject({ kind: 'Scale', spec: { replicas: 5 }, status: { replicas: 5, selector: 'app=scaled' } });
  });

  // @covers spec.strategy.blueGreen.previewService
  it('given a blue-green rollout, then the Scale counts and selects only the active ReplicaSet, and status.blueGreen names the preview selector', async () => {
    await h.apply('bg', { replicas: 2, strategy: { blueGreen: { activeService: 'bg-active', previewService: 'bg-preview', autoPromotionEnabled: false } } }, ['bg-active', 'bg-preview']);
    const stable = hashOfImage('img:1', 'bg');
    await h.waitFor('bg', conditionIs('Healthy', 'True'), 'first release healthy');
    const next = await h.setImage('bg', 'img:2');
    const preview = await h.waitFor('bg', (ro) => ro.status?.phase === 'Paused' && (ro.status?.replicas ?? 0) === 4, 'the preview up and waiting');
    expect(preview.status?.blueGreen).toMatchObject({ activeSelector: stable, previewSelector: next });
    expect(preview.status?.HPAReplicas).toBe(2);
    expect(preview.status?.selector).toBe(`app=bg,rollouts-pod-template-hash=${stable}`);
    const scale = await kubectl(['get', 'rollout', 'bg', '--subresource=scale', '-o', 'jsonpath={.status.replicas} {.status.selector}']);
    expect(scale.stdout).toBe(`2 app=bg,rollouts-pod-template-hash=${stable}`);
  });
});

describe("Argo's status.promoteFull", () => {
  it('given a canary paused at its first step, when status.promoteFull is patched in as `kubectl argo rollouts promote --full` does, then the remaining steps are skipped and the flag is cleared once Healthy', async () => {
    await h.apply('full', { strategy: { canary: { steps: [{ setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { pause: {} }] } } });
    await h.waitFor('full', conditionIs('Healthy', 'True'), 'first release healthy');
    const next = await h.setImage('full', 'img:2');
    await h.waitFor('full', (ro) => ro.status?.phase === 'Paused' && ro.status.currentStepIndex === 1, 'the first pause');
    const patched = await kubectl(['patch', 'rollout', 'full', '--subresource=status', '--type=merge', '-p', '{"status":{"promoteFull":true}}']);
    expect(patched.code, patched.stderr).toBe(0);
    const weights = new Set<number>();
    const done = await h.waitFor('full', (ro) => {
      weights.add(ro.status?.canary?.weights?.canary ?? -1);
      return ro.status?.stableRS === next && ro.status.phase === 'Healthy' && ro.status.promoteFull === undefined;
    }, 'full promotion');
    expect(done.status?.lastAutoCommand).toMatchObject({ action: 'promote-full', result: 'Accepted', id: `promoteFull-${next}` });
    expect(weights.has(50)).toBe(false);
  });

  it('given a healthy rollout, when status.promoteFull is set, then the request is refused and the flag cleared', async () => {
    await h.apply('idle', {});
    await h.waitFor('idle', conditionIs('Healthy', 'True'), 'first release healthy');
    await kubectl(['patch', 'rollout', 'idle', '--subresource=status', '--type=merge', '-p', '{"status":{"promoteFull":true}}']);
    const cleared = await h.waitFor('idle', (ro) => ro.status?.lastAutoCommand?.action === 'promote-full' && ro.status.promoteFull === undefined, 'the refusal');
    expect(cleared.status?.lastAutoCommand?.result).toBe('Rejected');
  });
});
