// Specification of revert planning on real repositories: which place holds the image, which commit to undo, and how.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noCredentials } from '../../src/gitops/git-credentials.js';
import { planRevert, type RevertPlan, type RevertPlanQuery } from '../../src/gitops/revert-planner.js';
import { SimpleGitExecutor } from '../../src/gitops/simple-git-executor.js';
import { GitSandbox } from './support/git-sandbox.js';
import { CHECKOUT, disposeTemplates, helmRelease, kustomizeRelease, plainRelease } from './support/rollout-repos.js';

let sandbox: GitSandbox;
let executor: SimpleGitExecutor;

beforeEach(async () => {
  sandbox = await GitSandbox.create();
  executor = new SimpleGitExecutor({ workDir: sandbox.path('cache'), allowLocalUrls: true });
});

afterEach(async () => {
  await sandbox.dispose();
});

afterAll(async () => {
  await disposeTemplates();
});

function plan(bare: string, query: Partial<RevertPlanQuery> = {}): Promise<RevertPlan> {
  const full: RevertPlanQuery = {
    path: '',
    valueFiles: [],
    rollout: CHECKOUT.rollout,
    stable: CHECKOUT.stable,
    failing: CHECKOUT.failing,
    ...query,
  };
  return executor.withWorkspace({ url: bare, credentials: noCredentials }, (workspace) => planRevert(workspace, full));
}

describe('planRevert: plain manifests', () => {
  it('given a commit that only bumped this Rollout, when planning, then it plans git revert of that commit', async () => {
    const { bare, release } = await plainRelease(sandbox);
    const result = await plan(bare, { path: 'apps' });
    expect(result.kind).toBe('revert');
    if (result.kind !== 'revert') return;
    expect(result.offending).toMatchObject({ sha: release, subject: 'Bump checkout to 1.5.0' });
    expect(result.bindings.map((binding) => binding.site.describe())).toEqual(['apps/checkout/rollout.yaml (Rollout checkout, container app)']);
  });

  it('given a commit that also changed the ConfigMap in the same file, when planning, then it plans git revert of that commit: the ConfigMap is the application\'s', async () => {
    const { bare, dev: clone } = await plainRelease(sandbox);
    const dev = await clone();
    await dev.replace('apps/checkout/rollout.yaml', 'ghcr.io/acme/checkout:1.5.0', 'ghcr.io/acme/checkout:1.4.0');
    await dev.commitAndPush('Roll back by hand');
    await dev.replace('apps/checkout/rollout.yaml', 'ghcr.io/acme/checkout:1.4.0', 'ghcr.io/acme/checkout:1.5.0');
    await dev.replace('apps/checkout/rollout.yaml', 'LOG_LEVEL: info', 'LOG_LEVEL: debug');
    const release = await dev.commitAndPush('Bump checkout and turn on debug logs');

    const result = await plan(bare, { path: 'apps/checkout' });
    expect(result).toMatchObject({ kind: 'revert', offending: { sha: release }, scope: { ours: ['apps/checkout/rollout.yaml'], split: [], kept: [] } });
  });

  it('given a release commit that bumped two apps, when planning, then it reverts only this application\'s file and keeps the other app\'s', async () => {
    const { bare, dev: clone } = await plainRelease(sandbox);
    const dev = await clone();
    await dev.replace('apps/checkout/rollout.yaml', 'ghcr.io/acme/checkout:1.5.0', 'ghcr.io/acme/checkout:1.4.0');
    await dev.commitAndPush('Undo');
    await dev.replace('apps/checkout/rollout.yaml', 'ghcr.io/acme/checkout:1.4.0', 'ghcr.io/acme/checkout:1.5.0');
    await dev.replace('apps/payments/rollout.yaml', 'payments:3.0.0', 'payments:3.1.0');
    const release = await dev.commitAndPush('Release train 2024-06-01');

    const result = await plan(bare);
    expect(result).toMatchObject({ kind: 'revert', offending: { sha: release } });
    if (result.kind !== 'revert') return;
    expect(result.scope.ours).toEqual(['apps/checkout/rollout.yaml']);
    expect(result.scope.kept).toEqual([{ file: 'apps/payments/rollout.yaml', why: 'it changes only Rollout shop/payments' }]);
  });

  it('given the failing image came from an intermediate version, not the stable one, when planning, then it edits rather than reverts', async () => {
    const { bare, dev: clone } = await plainRelease(sandbox);
    const dev = await clone();
    await dev.replace('apps/checkout/rollout.yaml', 'ghcr.io/acme/checkout:1.5.0', 'ghcr.io/acme/checkout:1.5.0-rc.1');
    await dev.commitAndPush('Try the release candidate');
    await dev.replace('apps/checkout/rollout.yaml', 'ghcr.io/acme/checkout:1.5.0-rc.1', 'ghcr.io/acme/checkout:1.5.0');
    await dev.commitAndPush('Promote 1.5.0');

    const result = await plan(bare);
    expect(result).toMatchObject({ kind: 'edit', whyNotRevert: expect.stringContaining('from ghcr.io/acme/checkout:1.5.0-rc.1, not from the stable') });
  });

  it('given someone already restored the stable image, when planning, then it is already reverted and names their commit', async () => {
    const { bare, dev: clone } = await plainRelease(sandbox);
    const dev = await clone();
    await dev.replace('apps/checkout/rollout.yaml', 'ghcr.io/acme/checkout:1.5.0', 'ghcr.io/acme/checkout:1.4.0');
    const human = await dev.commitAndPush('Revert checkout, 1.5.0 is broken');

    const result = await plan(bare);
    expect(result).toMatchObject({ kind: 'already-reverted', revertedBy: { sha: human }, detail: expect.stringContaining('sets ghcr.io/acme/checkout:1.4.0') });
  });

  it('given no manifest of the Rollout under the path, when planning, then it fails saying where it looked', async () => {
    const { bare } = await plainRelease(sandbox);
    await expect(plan(bare, { path: 'apps/payments' })).rejects.toThrow('no Rollout manifest named checkout under apps/payments');
  });

  it('given two manifests of the Rollout under the path, when planning, then it refuses to guess', async () => {
    const { bare, initial, dev: clone } = await plainRelease(sandbox);
    const dev = await clone();
    await dev.write({ 'copy/rollout.yaml': initial['apps/checkout/rollout.yaml'] ?? '' });
    await dev.commitAndPush('Copy checkout for a second cluster');
    await expect(plan(bare)).rejects.toThrow(/2 Rollout manifests named checkout under the repository root: apps\/checkout\/rollout.yaml, copy\/rollout.yaml/);
  });
});

describe('planRevert: Kustomize and Helm', () => {
  const kustomizeImages = {
    stable: { app: 'ghcr.io/acme/checkout:1.4.0', cache: 'mirror.gcr.io/library/redis:7.2.4' },
    failing: { app: 'ghcr.io/acme/checkout:1.5.0', cache: 'mirror.gcr.io/library/redis:7.2.4' },
  };

  it('given an overlay images: entry bumped, when planning, then the site is that entry and the bump is reverted', async () => {
    const { bare, release } = await kustomizeRelease(sandbox);
    const result = await plan(bare, { path: 'overlays/prod', ...kustomizeImages });
    expect(result).toMatchObject({ kind: 'revert', offending: { sha: release } });
    expect(result.bindings.map((binding) => binding.site.describe())).toEqual(['overlays/prod/kustomization.yaml (images entry ghcr.io/acme/checkout)']);
  });

  it('given one commit bumping the images of two apps, when planning, then only the checkout entry is edited', async () => {
    const { bare, initial, dev: clone } = await kustomizeRelease(sandbox);
    const dev = await clone();
    await dev.replace('overlays/prod/kustomization.yaml', 'newTag: "1.5.0"', 'newTag: "1.4.0"');
    await dev.commitAndPush('Undo');
    await dev.replace('overlays/prod/kustomization.yaml', 'newTag: "1.4.0"', 'newTag: "1.5.0"');
    await dev.replace('overlays/prod/kustomization.yaml', 'newTag: 2.3.0', 'newTag: 2.4.0');
    await dev.commitAndPush('Bump checkout and search');

    const result = await plan(bare, { path: 'overlays/prod', ...kustomizeImages });
    expect(result).toMatchObject({ kind: 'edit', whyNotRevert: expect.stringMatching(/changes overlays\/prod\/kustomization\.yaml, which is not this application's alone .*Rollout shop\/search/) });
    if (result.kind !== 'edit') return;
    const original = initial['overlays/prod/kustomization.yaml'] ?? '';
    expect(await result.edits()).toEqual([{ path: 'overlays/prod/kustomization.yaml', content: original.replace('newTag: 2.3.0', 'newTag: 2.4.0') }]);
  });

  it('given a tag override in the Application value file, when planning, then the override file is the site and the bump is reverted', async () => {
    const { bare, release } = await helmRelease(sandbox);
    const result = await plan(bare, { path: 'charts/checkout', valueFiles: ['charts/checkout/values-prod.yaml'], stable: { app: CHECKOUT.stable.app }, failing: { app: CHECKOUT.failing.app } });
    expect(result).toMatchObject({ kind: 'revert', offending: { sha: release } });
    expect(result.bindings.map((binding) => binding.site.describe())).toEqual(['charts/checkout/values-prod.yaml (values image.tag)']);
  });

  it('given a Rollout with a workloadRef, when planning, then the Deployment it names is where the image is restored', async () => {
    const { bare, dev: clone } = await plainRelease(sandbox);
    const dev = await clone();
    const manifests = [
      'apiVersion: vane.dev/v1alpha1',
      'kind: Rollout',
      'metadata: {name: checkout}',
      'spec:',
      '  workloadRef: {apiVersion: apps/v1, kind: Deployment, name: checkout-web}',
      '  strategy: {canary: {steps: [{setWeight: 20}]}}',
      '---',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: checkout-web}',
      'spec:',
      '  replicas: 0',
      '  template:',
      '    spec:',
      '      containers:',
      '        - {name: app, image: ghcr.io/acme/checkout:1.5.0}',
      '',
    ].join('\n');
    await dev.write({ 'apps/checkout/rollout.yaml': manifests });
    await dev.commitAndPush('Move checkout to a workloadRef');

    const result = await plan(bare, { path: 'apps/checkout', stable: { app: CHECKOUT.stable.app }, failing: { app: CHECKOUT.failing.app } });
    expect(result.bindings.map((binding) => binding.site.describe())).toEqual(['apps/checkout/rollout.yaml (Deployment checkout-web, container app)']);
    expect(result.kind).toBe('edit');
    if (result.kind !== 'edit') return;
    expect((await result.edits())[0]?.content).toBe(manifests.replace('checkout:1.5.0}', 'checkout:1.4.0}'));
  });
});
