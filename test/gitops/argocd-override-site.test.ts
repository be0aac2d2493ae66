// Issue #22, item 3: Argo CD Image Updater writes the image to `.argocd-source-<app>.yaml`, which wins over values and
// images entries; the rollback must restore it there and never call the release reverted while it still deploys it.
import { describe, expect, it } from 'vitest';
import { type GitSandbox, RemoteInspector } from './support/git-sandbox.js';
import { repoFixture } from './support/repo-fixtures.js';
import { checkoutRequest, reverterFor } from './support/reverter-harness.js';
import { CHECKOUT, gitSandboxPerTest } from './support/rollout-repos.js';

let sandbox: GitSandbox;
gitSandboxPerTest((created) => (sandbox = created));

const HELM_OVERRIDE = 'charts/checkout/.argocd-source-checkout.yaml';
const KUSTOMIZE_OVERRIDE = 'overlays/prod/.argocd-source-checkout-prod.yaml';

/** The file Argo CD Image Updater writes back for a Helm Application. */
function helmParameters(tag: string): string {
  return `helm:\n  parameters:\n  - name: image.tag\n    value: ${tag}\n    forcestring: true\n`;
}

const HELM_ONLY_APP = {
  stable: { podTemplateHash: 'aaa', images: { app: CHECKOUT.stable.app } },
  failing: { podTemplateHash: 'bbb', images: { app: CHECKOUT.failing.app } },
};

const KUSTOMIZE_IMAGES = {
  stable: { podTemplateHash: 'aaa', images: { app: CHECKOUT.stable.app, cache: 'mirror.gcr.io/library/redis:7.2.4' } },
  failing: { podTemplateHash: 'bbb', images: { app: CHECKOUT.failing.app, cache: 'mirror.gcr.io/library/redis:7.2.4' } },
};

/** A fixture repository with an override file at the stable tag, then Image Updater's commit to the failing one. */
async function updaterRelease(fixture: string, file: string, before: string, after: string): Promise<{ bare: string; release: string; initial: Record<string, string> }> {
  const initial = { ...(await repoFixture(fixture)), [file]: before };
  const bare = await sandbox.remote(fixture, initial);
  const dev = await sandbox.clone(bare, 'updater');
  await dev.write({ [file]: after });
  const release = await dev.commitAndPush('build: automatic update of checkout');
  return { bare, release, initial };
}

describe('Argo CD parameter override files', () => {
  it('given Image Updater set the failing tag as a helm parameter while every values file says the stable one, when reverting, then the override is reverted, not called already reverted', async () => {
    const { bare, release, initial } = await updaterRelease('helm', HELM_OVERRIDE, helmParameters('1.4.0'), helmParameters('1.5.0'));
    const source = { repoURL: bare, path: 'charts/checkout', valueFiles: ['charts/checkout/values-prod.yaml'], argoCDApplication: { name: 'checkout', path: 'charts/checkout' } };

    const outcome = await reverterFor(sandbox).revert(checkoutRequest(source, HELM_ONLY_APP));

    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    const remote = new RemoteInspector(bare);
    expect(await remote.file(HELM_OVERRIDE)).toBe(helmParameters('1.4.0'));
    expect(await remote.changedFiles()).toEqual([HELM_OVERRIDE]);
    expect(await remote.file('charts/checkout/values-prod.yaml')).toBe(initial['charts/checkout/values-prod.yaml']);
  });

  it('given a helm parameter override and a later edit of the values tag, when rolling back, then only the parameter is restored, quoted as a string', async () => {
    const { bare } = await updaterRelease('helm', HELM_OVERRIDE, helmParameters('"1.4.0"'), helmParameters('"1.5.0"'));
    const dev = await sandbox.clone(bare, 'person');
    await dev.replace('charts/checkout/values-prod.yaml', 'tag: "1.4.0"', 'tag: "1.4.1"');
    await dev.replace(HELM_OVERRIDE, 'forcestring: true', 'forcestring: true\n  - name: replicaCount\n    value: "3"');
    await dev.commitAndPush('Tune prod');
    const source = { repoURL: bare, path: 'charts/checkout', valueFiles: ['charts/checkout/values-prod.yaml'], argoCDApplication: { name: 'checkout', path: 'charts/checkout' } };

    const outcome = await reverterFor(sandbox).revert(checkoutRequest(source, HELM_ONLY_APP));

    expect(outcome.git.state).toBe('Committed');
    const remote = new RemoteInspector(bare);
    expect(await remote.file('charts/checkout/values-prod.yaml')).toContain('tag: "1.4.1"');
    const override = await remote.file(HELM_OVERRIDE);
    expect(override).toBe(helmParameters('"1.4.0"').replace('forcestring: true', 'forcestring: true\n  - name: replicaCount\n    value: "3"'));
  });

  it('given Image Updater set kustomize images in the override, when reverting, then the override is reverted and the overlay untouched', async () => {
    const images = (tag: string): string => `kustomize:\n  images:\n  - ghcr.io/acme/checkout:${tag}\n`;
    const { bare, release, initial } = await updaterRelease('kustomize', KUSTOMIZE_OVERRIDE, images('1.4.0'), images('1.5.0'));
    const source = { repoURL: bare, path: 'overlays/prod', argoCDApplication: { name: 'checkout-prod', path: 'overlays/prod' } };

    const outcome = await reverterFor(sandbox).revert(checkoutRequest(source, KUSTOMIZE_IMAGES));

    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    const remote = new RemoteInspector(bare);
    expect(await remote.file(KUSTOMIZE_OVERRIDE)).toBe(images('1.4.0'));
    expect(await remote.file('overlays/prod/kustomization.yaml')).toBe(initial['overlays/prod/kustomization.yaml']);
  });

  it('given one updater commit bumped two kustomize images, when rolling back one, then only its string is rewritten', async () => {
    const images = (checkout: string, search: string): string => `kustomize:\n  images:\n  - ghcr.io/acme/checkout:${checkout}\n  - ghcr.io/acme/search:${search}\n`;
    const { bare } = await updaterRelease('kustomize', KUSTOMIZE_OVERRIDE, images('1.4.0', '2.3.0'), images('1.5.0', '2.4.0'));
    const source = { repoURL: bare, path: 'overlays/prod', argoCDApplication: { name: 'checkout-prod', path: 'overlays/prod' } };

    const outcome = await reverterFor(sandbox).revert(checkoutRequest(source, KUSTOMIZE_IMAGES));

    expect(outcome.git.state).toBe('Committed');
    expect(await new RemoteInspector(bare).file(KUSTOMIZE_OVERRIDE)).toBe(images('1.4.0', '2.4.0'));
  });

  it('given another Application\'s override file at the same path, when reverting this one, then that file is left alone and the values are reverted', async () => {
    const initial = { ...(await repoFixture('helm')), 'charts/checkout/.argocd-source-checkout-canary.yaml': helmParameters('1.5.0') };
    const bare = await sandbox.remote('helm', initial);
    const dev = await sandbox.clone(bare, 'dev');
    await dev.replace('charts/checkout/values-prod.yaml', 'tag: "1.4.0"', 'tag: "1.5.0"');
    const release = await dev.commitAndPush('chore(prod): release checkout 1.5.0');
    const source = { repoURL: bare, path: 'charts/checkout', valueFiles: ['charts/checkout/values-prod.yaml'], argoCDApplication: { name: 'checkout', path: 'charts/checkout' } };

    const outcome = await reverterFor(sandbox).revert(checkoutRequest(source, HELM_ONLY_APP));

    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect(await new RemoteInspector(bare).file('charts/checkout/.argocd-source-checkout-canary.yaml')).toBe(helmParameters('1.5.0'));
  });

  it('given an override file setting the image and a source not discovered through Argo CD, when reverting, then it is refused naming the file, and nothing is pushed', async () => {
    const { bare, release } = await updaterRelease('helm', HELM_OVERRIDE, helmParameters('1.4.0'), helmParameters('1.5.0'));

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'charts/checkout', valueFiles: ['charts/checkout/values-prod.yaml'] }, HELM_ONLY_APP));

    expect(outcome.git).toMatchObject({ state: 'Failed', message: expect.stringContaining(`${HELM_OVERRIDE} sets the image of container app as an Argo CD parameter override`) });
    expect(await new RemoteInspector(bare).head()).toBe(release);
  });

  it('given spec.rollback.git.path narrowed below the Application\'s path, when reverting, then the override at the Application\'s path is still the site', async () => {
    const images = (tag: string): string => `kustomize:\n  images:\n  - ghcr.io/acme/checkout:${tag}\n`;
    const files = {
      'apps/checkout/kustomization.yaml': 'namespace: shop\nresources:\n  - manifests/rollout.yaml\n',
      'apps/checkout/manifests/rollout.yaml': 'apiVersion: vane.dev/v1alpha1\nkind: Rollout\nmetadata: {name: checkout}\nspec:\n  template:\n    spec:\n      containers:\n        - {name: app, image: ghcr.io/acme/checkout:1.4.0}\n',
      'apps/checkout/.argocd-source-checkout.yaml': images('1.4.0'),
    };
    const bare = await sandbox.remote('narrowed', files);
    const dev = await sandbox.clone(bare, 'updater');
    await dev.write({ 'apps/checkout/.argocd-source-checkout.yaml': images('1.5.0') });
    const release = await dev.commitAndPush('build: automatic update of checkout');
    const source = { repoURL: bare, path: 'apps/checkout/manifests', argoCDApplication: { name: 'checkout', path: 'apps/checkout' } };

    const outcome = await reverterFor(sandbox).revert(checkoutRequest(source, HELM_ONLY_APP));

    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect(await new RemoteInspector(bare).file('apps/checkout/.argocd-source-checkout.yaml')).toBe(images('1.4.0'));
  });
});
