// Specification: an aborted canary is rolled back in git too. The test plays the GitOps tool: it applies the
// Rollout manifest from the remote, and applies it again after Vane's revert commit.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { podTemplateHash } from '../../src/resources/pod-template-hash.js';
import type { Rollout } from '../../src/resources/rollout.js';
import { openHarness, type Harness } from './controller-harness.js';

let h: Harness;
let dir: string;
let remote: string;
let work: string;

const git = (cwd: string, ...args: string[]): string =>
  execFileSync('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', ...args], { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } }).trim();

function manifest(image: string): string {
  return `# The web app's Rollout, synced by the GitOps tool.
apiVersion: vane.dev/v1alpha1
kind: Rollout
metadata:
  name: web
  namespace: gitops
spec:
  replicas: 2
  progressDeadlineSeconds: 3
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ${image}
  strategy:
    canary:
      steps:
        - setWeight: 50
        - pause: {}
  rollback:
    git:
      repoURL: ${remote}
      branch: main
      path: apps/web
`;
}

/** What Argo CD or Flux would do: make the cluster's Rollout spec equal to the manifest at the remote's head. */
async function sync(): Promise<Rollout & KubeObject> {
  git(work, 'pull', '-q', '--rebase', 'origin', 'main');
  const desired = yaml.load(readFileSync(join(work, 'apps/web/rollout.yaml'), 'utf8')) as Rollout & KubeObject;
  const live = await h.controller.client.get<Rollout & KubeObject>(Kinds.Rollout, 'gitops', 'web');
  if (!live) return h.controller.client.create(Kinds.Rollout, desired);
  return h.controller.client.replace(Kinds.Rollout, { ...desired, metadata: { ...desired.metadata, resourceVersion: live.metadata.resourceVersion } });
}

function commitImage(image: string, subject: string): void {
  writeFileSync(join(work, 'apps/web/rollout.yaml'), manifest(image));
  git(work, 'commit', '-qam', subject);
  git(work, 'push', '-q', 'origin', 'HEAD:main');
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vane-gitops-e2e-'));
  remote = join(dir, 'deploy.git');
  work = join(dir, 'work');
  git(dir, 'init', '-q', '--bare', '-b', 'main', remote);
  git(dir, 'clone', '-q', remote, work);
  execFileSync('mkdir', ['-p', join(work, 'apps/web')]);
  writeFileSync(join(work, 'apps/web/rollout.yaml'), manifest('ghcr.io/acme/web:1.0.0'));
  git(work, 'add', '.');
  git(work, 'commit', '-qm', 'Add web');
  git(work, 'push', '-q', 'origin', 'HEAD:main');
  h = await openHarness('gitops');
});

afterAll(async () => {
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('rollback by git revert', () => {
  it('given an aborted canary with a git source, then traffic is reset, the bump is reverted in git once, and the re-synced Rollout is Healthy on stable without a new rollout', async () => {
    const first = await sync();
    const stable = podTemplateHash(first.spec.template!);
    await h.waitFor('web', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === stable, 'adoption');

    commitImage('ghcr.io/acme/web:2.0.0', 'Bump web to 2.0.0');
    const bumped = await sync();
    const failing = podTemplateHash(bumped.spec.template!);
    h.sandbox.simulator.failReadiness(failing);

    const aborted = await h.waitFor('web', (ro) => ro.status?.phase === 'Degraded' && ro.status.rollback?.git?.state === 'Committed', 'abort and revert', 30_000);
    expect(aborted.status?.canary?.weights?.canary).toBe(0);
    expect(aborted.status?.stableRS).toBe(stable);
    const record = aborted.status?.rollback?.git;
    git(work, 'fetch', '-q', 'origin');
    const head = git(work, 'rev-parse', 'origin/main');
    expect(record?.commit).toBe(head);
    const message = git(work, 'log', '-1', '--format=%B', 'origin/main');
    expect(message).toMatch(/^Revert "Bump web to 2.0.0"/);
    expect(message).toContain('Vane-Rollout: gitops/web');
    expect(git(work, 'show', 'origin/main:apps/web/rollout.yaml')).toContain('ghcr.io/acme/web:1.0.0');

    const resynced = await sync();
    expect(podTemplateHash(resynced.spec.template!)).toBe(stable);
    const healthy = await h.waitFor('web', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === stable && ro.status.currentPodHash === stable, 'Healthy on stable after the sync');
    expect(healthy.status?.rollback?.git?.commit).toBe(head);

    // Exactly one revert commit, and no rollout was started for the stable revision.
    const trailers = git(work, 'log', '--format=%H', '--grep=Vane-Rollout: gitops/web', 'origin/main').split('\n').filter(Boolean);
    expect(trailers).toEqual([head]);
    const started = (await h.events('web')).filter((e) => e.reason === 'RolloutStarted');
    expect(started).toHaveLength(1);
  }, 90_000);
});
