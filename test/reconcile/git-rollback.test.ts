// Specification: an aborted canary is rolled back in git too, whatever aborted it. The test plays the GitOps tool:
// it applies the Rollout manifest from the remote, and applies it again after Vane's revert commit.
// @covers spec.rollback
// @covers spec.rollback.git
// @covers spec.rollback.git.repoURL
// @covers spec.rollback.git.branch
// @covers spec.rollback.git.path
import { afterEach, describe, expect, it } from 'vitest';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { AnalysisTemplate } from '../../src/resources/analysis.js';
import type { Rollout } from '../../src/resources/rollout.js';
import { podTemplateHash } from '../../src/resources/pod-template-hash.js';
import { minutesAgo, openMetricsText } from '../analysis/support/open-metrics.js';
import { startPrometheus, type PrometheusServer } from '../analysis/support/prometheus-server.js';
import { openHarness, type Harness } from './controller-harness.js';
import { applyManifest, createGitRemote, type GitRemote } from '../support/git-remote.js';
import { webRolloutManifest } from '../support/web-rollout-manifest.js';

const FILE = 'apps/web/rollout.yaml';
const STABLE_IMAGE = 'ghcr.io/acme/web:1.0.0';
const FAILING_IMAGE = 'ghcr.io/acme/web:2.0.0';

type RolloutManifest = (image: string, remote: string) => string;

/** The web app's Rollout as kept in git; `extra` carries what makes the canary fail (a deadline, an analysis step). */
function manifest(namespace: string, extra: { spec: string; steps: string }): RolloutManifest {
  return (image, remote) => webRolloutManifest({ namespace, image, repoURL: remote, ...extra });
}

let h: Harness | undefined;
let remote: GitRemote | undefined;
let prometheus: PrometheusServer | undefined;

afterEach(async () => {
  await h?.close();
  await prometheus?.stop();
  remote?.remove();
  h = remote = prometheus = undefined;
});

/**
 * Walks the whole loop: adopt 1.0.0, bump to 2.0.0 in git, let `fail` make the canary fail, then expect the abort,
 * exactly one revert commit at the remote, and — after the GitOps tool syncs it — Healthy on stable with no new rollout.
 */
async function revertLoop(harness: Harness, gitops: GitRemote, manifestOf: RolloutManifest, fail: (failingHash: string) => void): Promise<{ reason: string | undefined }> {
  const { client } = harness.controller;
  const sync = (): Promise<Rollout & KubeObject> => applyManifest(client, Kinds.Rollout, gitops.show(FILE));
  gitops.commit(FILE, manifestOf(STABLE_IMAGE, gitops.url), 'Add web');
  const first = await sync();
  const stable = podTemplateHash(first.spec.template!);
  await harness.waitFor('web', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === stable, 'adoption');

  gitops.commit(FILE, manifestOf(FAILING_IMAGE, gitops.url), 'Bump web to 2.0.0');
  const bumped = await sync();
  fail(podTemplateHash(bumped.spec.template!));

  const aborted = await harness.waitFor('web', (ro) => ro.status?.phase === 'Degraded' && ro.status.rollback?.git?.state === 'Committed', 'abort and revert', 30_000);
  expect(aborted.status?.canary?.weights?.canary).toBe(0);
  expect(aborted.status?.stableRS).toBe(stable);
  const record = aborted.status?.rollback?.git;
  expect(gitops.show(FILE)).toContain(STABLE_IMAGE);
  const head = gitops.head().sha;
  expect(record?.commit).toBe(head);
  const message = gitops.git('log', '-1', '--format=%B', 'origin/main');
  expect(message).toMatch(/^Revert "Bump web to 2.0.0"/);
  expect(message).toContain(`Vane-Rollout: ${harness.namespace}/web`);

  const resynced = await sync();
  expect(podTemplateHash(resynced.spec.template!)).toBe(stable);
  const healthy = await harness.waitFor('web', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === stable && ro.status.currentPodHash === stable, 'Healthy on stable after the sync');
  expect(healthy.status?.rollback?.git?.commit).toBe(head);
  // The release that was reverted records the revert commit on the remote, and its restore after the sync.
  const release = healthy.status?.history?.findLast((r) => r.podTemplateHash === record?.failingPodHash && r.attempt === record.attempt);
  expect(release?.revert).toMatchObject({ commit: head, repoURL: gitops.url });
  expect(Date.parse(release?.revert?.at ?? '')).toBeGreaterThanOrEqual(Date.parse(release?.verdict?.at ?? ''));
  expect(release?.restoredAt).toBeDefined();

  // Exactly one revert commit, and no rollout was started for the stable revision.
  const reverts = gitops.git('log', '--format=%H', `--grep=Vane-Rollout: ${harness.namespace}/web`, 'origin/main').split('\n').filter(Boolean);
  expect(reverts).toEqual([head]);
  expect(healthy.status?.history?.map((r) => r.podTemplateHash)).toEqual([record?.failingPodHash]);
  return { reason: aborted.status?.rollback?.reason };
}

describe('rollback by git revert', () => {
  it('given a canary that misses its progress deadline, then traffic is reset, the bump is reverted in git once, and the re-synced Rollout is Healthy on stable', async () => {
    h = await openHarness('deadline');
    const harness = h;
    remote = createGitRemote();
    const deadline = manifest('deadline', { spec: '  progressDeadlineSeconds: 3\n', steps: '        - pause: {}\n' });
    const { reason } = await revertLoop(harness, remote, deadline, (failing) => harness.cluster.workloads.failReadiness(failing));
    expect(reason).toMatch(/ProgressDeadlineExceeded/);
  }, 90_000);

  it('given a canary whose analysis fails against Prometheus, then traffic is reset, the bump is reverted in git once, naming the failed run, and the re-synced Rollout is Healthy on stable', async () => {
    const samples: Array<[number, number]> = Array.from({ length: 30 }, (_, i) => [minutesAgo(30 - i), 0.2]);
    prometheus = await startPrometheus({ history: openMetricsText([{ name: 'vane_e2e_error_ratio', labels: { app: 'web' }, samples }]) });
    h = await openHarness('analysis-git');
    const template: AnalysisTemplate & KubeObject = {
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'error-ratio', namespace: 'analysis-git' },
      spec: { metrics: [{ name: 'error-ratio', successCondition: 'result[0] < 0.01', provider: { prometheus: { address: prometheus.url, query: 'last_over_time(vane_e2e_error_ratio{app="web"}[1h])' } } }] },
    };
    await h.controller.client.create(Kinds.AnalysisTemplate, template);
    const steps = '        - analysis:\n            templates:\n              - templateName: error-ratio\n        - setWeight: 100\n';
    remote = createGitRemote();
    const { reason } = await revertLoop(h, remote, manifest('analysis-git', { spec: '', steps }), () => undefined);
    expect(reason).toMatch(/error-ratio/);
    const body = remote.git('log', '-1', '--format=%B', 'origin/main');
    expect(body).toMatch(/error-ratio/);
  }, 90_000);
});
