// Specification of the git rollback façade on real repositories: what lands on the remote, and that it lands once.
// @covers spec.rollback.git.push
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { rollbackBranchName } from '../../src/gitops/git-reverter.js';
import { GitSandbox, RemoteInspector } from './support/git-sandbox.js';
import { checkoutRequest, reverterFor } from './support/reverter-harness.js';
import { CHECKOUT, disposeTemplates, helmRelease, kustomizeRelease, plainRelease } from './support/rollout-repos.js';

let sandbox: GitSandbox;
/** Extra sandboxes a test creates, e.g. for a restarted controller with an empty cache. */
const others: GitSandbox[] = [];

beforeEach(async () => {
  sandbox = await GitSandbox.create();
});

afterEach(async () => {
  await Promise.all([sandbox, ...others.splice(0)].map((each) => each.dispose()));
});

afterAll(async () => {
  await disposeTemplates();
});

describe('GitReverter.revert: the three manifest layouts', () => {
  it('given a plain manifest bumped by one commit, when reverting, then git revert of that commit is pushed with reason and trailers', async () => {
    const { bare, initial, release } = await plainRelease(sandbox);
    const remote = new RemoteInspector(bare);

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare }));

    expect(outcome.pushed).toBe(true);
    expect(outcome.git).toMatchObject({
      state: 'Committed',
      commit: await remote.head(),
      revertedCommit: release,
      branch: 'main',
      repoURL: bare,
      failingPodHash: CHECKOUT.failingHash,
    });
    expect(await remote.file('apps/checkout/rollout.yaml')).toBe(initial['apps/checkout/rollout.yaml']);
    expect(await remote.parents()).toEqual([release]);
    expect(await remote.author()).toBe('Vane <vane@localhost> / Vane <vane@localhost>');
    const message = await remote.message();
    expect(message).toMatch(/^Revert "Bump checkout to 1\.5\.0"\n\nThis reverts commit [0-9a-f]{40}\.\n/);
    expect(message).toContain('Vane aborted the release of shop/checkout: analysis run checkout-7f9c5d6b8-2 failed');
    expect(message).toContain('Failed analysis: run checkout-7f9c5d6b8-2, metric error-rate');
    expect(message.trimEnd().split('\n').slice(-4)).toEqual([
      'Vane-Rollout: shop/checkout',
      `Vane-Pod-Template-Hash: ${CHECKOUT.failingHash}`,
      `Vane-Release: ${CHECKOUT.release}`,
      `Vane-Reverts: ${release}`,
    ]);
  });

  it('given a Kustomize overlay bumped by one commit, when reverting, then the overlay is restored byte for byte', async () => {
    const { bare, initial, release } = await kustomizeRelease(sandbox);
    const images = { app: CHECKOUT.stable.app, cache: 'mirror.gcr.io/library/redis:7.2.4' };
    const outcome = await reverterFor(sandbox).revert(
      checkoutRequest(
        { repoURL: bare, path: 'overlays/prod' },
        { stable: { podTemplateHash: 'aaa', images }, failing: { podTemplateHash: 'bbb', images: { ...images, app: CHECKOUT.failing.app } } },
      ),
    );
    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    const remote = new RemoteInspector(bare);
    expect(await remote.file('overlays/prod/kustomization.yaml')).toBe(initial['overlays/prod/kustomization.yaml']);
    expect(await remote.changedFiles()).toEqual(['overlays/prod/kustomization.yaml']);
  });

  it('given Helm values bumped in the Application value file, when reverting, then that values file is restored', async () => {
    const { bare, initial, release } = await helmRelease(sandbox);
    const outcome = await reverterFor(sandbox).revert(
      checkoutRequest(
        { repoURL: bare, path: 'charts/checkout', valueFiles: ['charts/checkout/values-prod.yaml'] },
        {
          stable: { podTemplateHash: 'aaa', images: { app: CHECKOUT.stable.app } },
          failing: { podTemplateHash: 'bbb', images: { app: CHECKOUT.failing.app } },
        },
      ),
    );
    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    const remote = new RemoteInspector(bare);
    expect(await remote.file('charts/checkout/values-prod.yaml')).toBe(initial['charts/checkout/values-prod.yaml']);
    expect(await remote.message()).toMatch(/^Revert "chore\(prod\): release checkout 1\.5\.0"/);
  });

  it('given a release commit that bumped two apps, when reverting one, then only its file is reverted and the commit says the other app\'s change was kept', async () => {
    const { bare, dev: clone } = await plainRelease(sandbox);
    const dev = await clone();
    await dev.replace('apps/checkout/rollout.yaml', 'checkout:1.5.0', 'checkout:1.4.0');
    await dev.commitAndPush('Undo the single bump');
    await dev.replace('apps/checkout/rollout.yaml', 'checkout:1.4.0', 'checkout:1.5.0');
    await dev.replace('apps/payments/rollout.yaml', 'payments:3.0.0', 'payments:3.1.0');
    const train = await dev.commitAndPush('Release train 2024-06-01');
    const checkoutAtTrain = await dev.read('apps/checkout/rollout.yaml');
    const paymentsAtTrain = await dev.read('apps/payments/rollout.yaml');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'apps' }));

    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: train });
    const remote = new RemoteInspector(bare);
    expect(await remote.file('apps/payments/rollout.yaml')).toBe(paymentsAtTrain);
    expect(await remote.file('apps/checkout/rollout.yaml')).toBe(
      checkoutAtTrain.replace('image: ghcr.io/acme/checkout:1.5.0   #', 'image: ghcr.io/acme/checkout:1.4.0   #'),
    );
    expect(await remote.changedFiles()).toEqual(['apps/checkout/rollout.yaml']);
    const message = await remote.message();
    expect(message.split('\n')[0]).toBe('Revert "Release train 2024-06-01" for shop/checkout only');
    expect(message).toContain(`This reverts the part of commit ${train} that deploys shop/checkout:\n- apps/checkout/rollout.yaml\n`);
    expect(message).toContain('KEPT: the release commit also changed the following');
    expect(message).toContain('- apps/payments/rollout.yaml: it changes only Rollout shop/payments');
    expect(message).toContain(`Vane-Reverts: ${train}`);
    expect(outcome.git.message).toContain("KEPT the release's other changes: apps/payments/rollout.yaml (it changes only Rollout shop/payments)");
  });
});

describe('GitReverter.revert: idempotence', () => {
  it('given the same failing image released again after its revert, when the second release fails, then it is reverted too', async () => {
    const { bare, dev: clone } = await plainRelease(sandbox);
    const reverter = reverterFor(sandbox);
    const first = await reverter.revert(checkoutRequest({ repoURL: bare }));
    // "Fixed the database, redeploy 1.5.0": the very same template, a new release.
    const dev = await clone();
    await dev.replace('apps/checkout/rollout.yaml', 'checkout:1.4.0', 'checkout:1.5.0');
    const redeploy = await dev.commitAndPush('Redeploy checkout 1.5.0');
    const remote = new RemoteInspector(bare);

    const second = await reverter.revert(checkoutRequest({ repoURL: bare }, { release: 'checkout-uid/2' }));

    expect(first.pushed).toBe(true);
    expect(second.pushed).toBe(true);
    expect(second.git).toMatchObject({ state: 'Committed', revertedCommit: redeploy, commit: await remote.head() });
    expect(await remote.file('apps/checkout/rollout.yaml')).toContain('checkout:1.4.0');
    expect(await remote.message()).toContain(`Vane-Release: checkout-uid/2`);
  });

  it('given Vane pushed and crashed before writing status, when called again, then the pushed commit is found and recorded, not repeated', async () => {
    const { bare } = await plainRelease(sandbox);
    const first = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare }));
    const remote = new RemoteInspector(bare);
    const commits = await remote.count();

    // A new controller process: fresh cache, no status.
    const elsewhere = await GitSandbox.create();
    others.push(elsewhere);
    const restarted = reverterFor(elsewhere);
    const second = await restarted.revert(checkoutRequest({ repoURL: bare }));

    expect(second.pushed).toBe(false);
    expect(second.git).toMatchObject({ state: 'Committed', commit: first.git.commit, revertedCommit: first.git.revertedCommit, branch: 'main' });
    expect(second.git.message).toContain('found earlier rollback commit');
    expect(await remote.count()).toBe(commits);
  });

  it('given a person already reverted the release, when called, then AlreadyReverted names their commit and nothing is pushed', async () => {
    const { bare, dev: clone } = await plainRelease(sandbox);
    const dev = await clone();
    await dev.replace('apps/checkout/rollout.yaml', 'checkout:1.5.0', 'checkout:1.4.0');
    const human = await dev.commitAndPush('Revert checkout: 1.5.0 leaks connections');
    const remote = new RemoteInspector(bare);

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare }));

    expect(outcome).toMatchObject({ pushed: false, git: { state: 'AlreadyReverted', commit: human, branch: 'main' } });
    expect(outcome.git.message).toContain('1.5.0 leaks connections');
    expect(await remote.head()).toBe(human);
  });
});

describe('GitReverter.revert: push modes and configuration', () => {
  it('given push: branch, when reverting, then a vane/rollback branch is pushed, main is untouched, and a retry finds the branch', async () => {
    const { bare, release } = await plainRelease(sandbox);
    const remote = new RemoteInspector(bare);
    const branch = rollbackBranchName(CHECKOUT.rollout, CHECKOUT.failingHash);
    const reverter = reverterFor(sandbox);

    const first = await reverter.revert(checkoutRequest({ repoURL: bare, push: 'branch' }));
    const retry = await reverter.revert(checkoutRequest({ repoURL: bare, push: 'branch' }));

    expect(branch).toBe(`vane/rollback/shop-checkout-${CHECKOUT.failingHash}`);
    expect(first).toMatchObject({ pushed: true, git: { state: 'Committed', branch, commit: await remote.head(branch) } });
    expect(await remote.head('main')).toBe(release);
    expect(await remote.parents(branch)).toEqual([release]);
    expect(retry).toMatchObject({ pushed: false, git: { state: 'Committed', branch, commit: first.git.commit } });
  });

  it('given no git source, when called, then the record says NotConfigured with the discovery reason', async () => {
    const outcome = await reverterFor(sandbox).revert({
      ...checkoutRequest({ repoURL: 'unused' }),
      source: { kind: 'none', reason: 'git revert is disabled by spec.rollback.gitRevert: false' },
    });
    expect(outcome).toEqual({
      pushed: false,
      git: { state: 'NotConfigured', message: 'git revert is disabled by spec.rollback.gitRevert: false', failingPodHash: CHECKOUT.failingHash },
    });
  });

  it('given a person aborted, when reverting, then the commit body names them', async () => {
    const { bare } = await plainRelease(sandbox);
    await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare }, { reason: 'aborted from the dashboard', actor: 'alice@example.com', analysis: undefined }));
    const message = await new RemoteInspector(bare).message();
    expect(message).toContain('Vane aborted the release of shop/checkout: aborted from the dashboard\nAborted by: alice@example.com');
    expect(message).not.toContain('Failed analysis');
  });
});
