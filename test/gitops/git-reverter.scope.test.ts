// Specification of what a rollback commit contains (issue #22, items 4, 5, 6, 9): the whole release when it is this
// application's, only its part when the release also changed others, and an image edit only when no revert can be made.
import { describe, expect, it } from 'vitest';
import { RemoteInspector, type GitSandbox, type WorkingClone } from './support/git-sandbox.js';
import { rolloutTemplate, templateRef } from './support/pod-templates.js';
import { checkoutRequest, reverterFor } from './support/reverter-harness.js';
import { CHECKOUT, gitSandboxPerTest, helmRelease, kustomizeRelease, plainRelease } from './support/rollout-repos.js';

let sandbox: GitSandbox;
gitSandboxPerTest((created) => (sandbox = created));

const FILE = 'apps/checkout/rollout.yaml';
const PORTS = '          ports:\n            - containerPort: 8080';
const WITH_ENV = `          env:\n            - {name: CACHE_TTL, value: "30"}\n${PORTS}`;

const WORKER = `---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout-worker
spec:
  replicas: 1
  selector: {matchLabels: {app: checkout-worker}}
  template:
    metadata: {labels: {app: checkout-worker}}
    spec:
      containers:
        - {name: worker, image: ghcr.io/acme/checkout-worker:2.0.0}
`;

/** The plain repository with the template's release undone: HEAD runs the stable image, ready for another release. */
async function stableCheckout(): Promise<{ bare: string; dev: WorkingClone; stable: string }> {
  const { bare, dev: clone } = await plainRelease(sandbox);
  const dev = await clone();
  await dev.replace(FILE, 'checkout:1.5.0', 'checkout:1.4.0');
  await dev.commitAndPush('Undo the first attempt');
  return { bare, dev, stable: await dev.read(FILE) };
}

/** A release commit that bumps the image and adds an env var to the app container (and turns on debug logs). */
async function bumpWithEnv(dev: WorkingClone): Promise<void> {
  await dev.replace(FILE, 'checkout:1.4.0', 'checkout:1.5.0');
  await dev.replace(FILE, PORTS, WITH_ENV);
  await dev.replace(FILE, 'LOG_LEVEL: info', 'LOG_LEVEL: debug');
}

describe('item 4: the pod template goes back to the stable one, not only the image', () => {
  it('given a release commit that changed the image, an env var and the ConfigMap of this application only, when reverting, then the whole commit is reverted', async () => {
    const { bare, dev, stable } = await stableCheckout();
    await bumpWithEnv(dev);
    const release = await dev.commitAndPush('Release checkout 1.5.0 with a shorter cache TTL');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare }));

    const remote = new RemoteInspector(bare);
    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect(await remote.file(FILE)).toBe(stable);
    expect(await remote.message()).toMatch(/^Revert "Release checkout 1\.5\.0 with a shorter cache TTL"\n\nThis reverts commit [0-9a-f]{40}\./);
  });

  it('given a release commit that also changed another application, when reverting, then only this application\'s file is reverted and the commit body names what was kept', async () => {
    const { bare, dev, stable } = await stableCheckout();
    await bumpWithEnv(dev);
    await dev.replace('apps/payments/rollout.yaml', 'replicas: 2', 'replicas: 3');
    const release = await dev.commitAndPush('Release train: checkout 1.5.0, payments scaled');
    const payments = await dev.read('apps/payments/rollout.yaml');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'apps' }));

    const remote = new RemoteInspector(bare);
    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect(await remote.file(FILE)).toBe(stable);
    expect(await remote.file('apps/payments/rollout.yaml')).toBe(payments);
    const message = await remote.message();
    expect(message.split('\n')[0]).toBe('Revert "Release train: checkout 1.5.0, payments scaled" for shop/checkout only');
    expect(message).toContain('- apps/payments/rollout.yaml: it changes only Rollout shop/payments');
    expect(outcome.git.message).toContain('KEPT');
    expect(outcome.git.message).toContain('apps/payments/rollout.yaml');
  });

  it('given one file holding this Rollout and another workload, both changed by the release, when reverting, then only the other workload keeps the release\'s version', async () => {
    const { bare, dev } = await stableCheckout();
    await dev.write({ [FILE]: `${await dev.read(FILE)}${WORKER}` });
    await dev.commitAndPush('Run the checkout worker beside checkout');
    const stable = await dev.read(FILE);
    await bumpWithEnv(dev);
    await dev.replace(FILE, 'replicas: 1', 'replicas: 2');
    const release = await dev.commitAndPush('Release checkout 1.5.0 and scale the worker');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare }));

    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect(await new RemoteInspector(bare).file(FILE)).toBe(stable.replace('replicas: 1', 'replicas: 2'));
    expect(await new RemoteInspector(bare).message()).toContain(`- ${FILE}: Deployment checkout-worker`);
  });

  it('given the revert conflicts with a later commit, when reverting, then the image is edited and the commit body and outcome name the pod-template fields not restored', async () => {
    const { bare, dev, stable } = await stableCheckout();
    await bumpWithEnv(dev);
    const release = await dev.commitAndPush('Release checkout 1.5.0 with a shorter cache TTL');
    const failing = rolloutTemplate(await dev.read(FILE));
    await dev.replace(FILE, 'value: "30"', 'value: "45"');
    await dev.commitAndPush('Tune the cache TTL');
    const stableTemplate = rolloutTemplate(stable);

    const outcome = await reverterFor(sandbox).revert(
      checkoutRequest({ repoURL: bare }, { stable: templateRef(stableTemplate), failing: templateRef(failing), stableTemplate, failingTemplate: failing }),
    );

    expect(outcome.git).toMatchObject({ state: 'Committed', releaseCommit: release });
    expect(outcome.git).not.toHaveProperty('revertedCommit');
    expect(outcome.git.message).toContain('NOT restored: the release also changed spec.containers[app].env in the pod template');
    const message = await new RemoteInspector(bare).message();
    expect(message).toContain('NOT restored: the release also changed these pod-template fields');
    expect(message).toContain('- spec.containers[app].env');
    expect(message).toContain(`Vane-Release-Commit: ${release}`);
    expect(message).not.toContain('Vane-Reverts');
  });

  it('given a release that changed only the pod template, no image, when reverting, then the commit that made the failing template is reverted', async () => {
    const { bare, dev, stable } = await stableCheckout();
    await dev.replace(FILE, PORTS, WITH_ENV);
    const release = await dev.commitAndPush('Shorten the checkout cache TTL');
    const failing = templateRef(rolloutTemplate(await dev.read(FILE)));

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare }, { stable: templateRef(rolloutTemplate(stable)), failing }));

    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect(await new RemoteInspector(bare).file(FILE)).toBe(stable);
  });

  it('given a configuration-only release of a Kustomize overlay or a Helm chart, when reverting, then it is refused saying what Vane would need', async () => {
    const kustomize = await kustomizeRelease(sandbox);
    const same = { podTemplateHash: 'aaa', images: { app: CHECKOUT.stable.app } };
    const overlay = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: kustomize.bare, path: 'overlays/prod' }, { stable: same, failing: { ...same, podTemplateHash: 'bbb' } }));
    const helm = await helmRelease(sandbox);
    const chart = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: helm.bare, path: 'charts/checkout' }, { stable: same, failing: { ...same, podTemplateHash: 'bbb' } }));

    expect(overlay.git).toMatchObject({ state: 'Failed', message: expect.stringContaining('overlays/prod is a Kustomize overlay, and Vane would need to build it (kustomize build) at each commit') });
    expect(chart.git).toMatchObject({ state: 'Failed', message: expect.stringContaining('charts/checkout is a Helm chart, and Vane would need to render it (helm template)') });
  });
});

describe('item 4 with Helm: templates and values are the chart\'s when only its Rollout reads them', () => {
  const VALUES = 'charts/checkout/values-prod.yaml';
  const request = (bare: string) =>
    checkoutRequest(
      { repoURL: bare, path: 'charts/checkout', valueFiles: [VALUES] },
      { stable: { podTemplateHash: 'aaa', images: { app: CHECKOUT.stable.app } }, failing: { podTemplateHash: 'bbb', images: { app: CHECKOUT.failing.app } } },
    );

  async function stableChart(): Promise<{ bare: string; dev: WorkingClone }> {
    const { bare, dev: clone } = await helmRelease(sandbox);
    const dev = await clone();
    await dev.replace(VALUES, 'tag: "1.5.0"', 'tag: "1.4.0"');
    await dev.commitAndPush('Undo the first attempt');
    return { bare, dev };
  }

  it('given a release that bumped the tag and changed the Rollout template, when reverting, then the whole commit is reverted', async () => {
    const { bare, dev } = await stableChart();
    const template = 'charts/checkout/templates/rollout.yaml';
    const before = { values: await dev.read(VALUES), template: await dev.read(template) };
    await dev.replace(VALUES, 'tag: "1.4.0"', 'tag: "1.5.0"');
    await dev.replace(template, '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n', '          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"\n          env: [{name: CACHE_TTL, value: "30"}]\n');
    const release = await dev.commitAndPush('chore(prod): release checkout 1.5.0 with a shorter cache TTL');

    const outcome = await reverterFor(sandbox).revert(request(bare));

    const remote = new RemoteInspector(bare);
    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect({ values: await remote.file(VALUES), template: await remote.file(template) }).toEqual(before);
  });

  it('given a release that also changed values a Deployment template of the chart reads, when reverting, then the image is edited and the outcome says why there was no revert', async () => {
    const { bare, dev } = await stableChart();
    await dev.write({ 'charts/checkout/templates/worker.yaml': WORKER.replace('---\n', '').replace('replicas: 1', 'replicas: {{ .Values.worker.replicas }}') });
    await dev.write({ [VALUES]: `${await dev.read(VALUES)}worker:\n  replicas: 1\n` });
    await dev.commitAndPush('Add the worker');
    await dev.replace(VALUES, 'tag: "1.4.0"', 'tag: "1.5.0"');
    await dev.replace(VALUES, '  replicas: 1', '  replicas: 2');
    const release = await dev.commitAndPush('chore(prod): release checkout 1.5.0, two workers');
    const atRelease = await dev.read(VALUES);

    const outcome = await reverterFor(sandbox).revert(request(bare));

    expect(outcome.git).toMatchObject({ state: 'Committed', releaseCommit: release });
    expect(outcome.git.message).toContain('values that other workloads of the chart read: worker.replicas (read by charts/checkout/templates/worker.yaml)');
    expect(outcome.git.message).toContain('only the image was restored');
    expect(await new RemoteInspector(bare).file(VALUES)).toBe(atRelease.replace('tag: "1.5.0"', 'tag: "1.4.0"'));
  });
});

describe('item 5: a Kustomize images entry shared by two applications', () => {
  it('given the entry in a base that the staging overlay builds too, when reverting prod, then it is refused naming the staging Rollout and nothing is pushed', async () => {
    const { bare, dev: clone } = await kustomizeRelease(sandbox);
    const dev = await clone();
    const entry = (tag: string): string => `  - name: ghcr.io/acme/checkout\n    newTag: "${tag}"\n`;
    await dev.replace('overlays/prod/kustomization.yaml', entry('1.5.0'), '');
    await dev.replace('overlays/staging/kustomization.yaml', `images:\n${entry('1.4.0')}`, '');
    await dev.write({ 'base/kustomization.yaml': `${await dev.read('base/kustomization.yaml')}images:\n${entry('1.4.0')}` });
    await dev.commitAndPush('Pin checkout once, in the base');
    await dev.replace('base/kustomization.yaml', entry('1.4.0'), entry('1.5.0'));
    await dev.commitAndPush('checkout 1.5.0');
    const remote = new RemoteInspector(bare);
    const before = await remote.head();

    const outcome = await reverterFor(sandbox).revert(
      checkoutRequest({ repoURL: bare, path: '' }, { stable: { podTemplateHash: 'aaa', images: { app: 'ghcr.io/acme/checkout:1.4.0' } }, failing: { podTemplateHash: 'bbb', images: { app: CHECKOUT.failing.app } } }),
    );

    expect(outcome.git.state).toBe('Failed');
    expect(outcome.git.message).toContain('images entry ghcr.io/acme/checkout in base/kustomization.yaml is shared: it also sets the image of Rollout shop-staging/checkout (through overlays/staging/kustomization.yaml)');
    expect(await remote.head()).toBe(before);
  });

  it('given a release that changed the overlay and a base the staging overlay builds too, when reverting prod, then the base change is kept and the commit says staging deploys it', async () => {
    const { bare, initial, dev: clone } = await kustomizeRelease(sandbox);
    const dev = await clone();
    await dev.replace('overlays/prod/kustomization.yaml', 'newTag: "1.5.0"', 'newTag: "1.4.0"');
    await dev.commitAndPush('Undo');
    await dev.replace('overlays/prod/kustomization.yaml', 'newTag: "1.4.0"', 'newTag: "1.5.0"');
    await dev.replace('base/rollout.yaml', '        - name: cache\n', '          env: [{name: CACHE_TTL, value: "30"}]\n        - name: cache\n');
    const release = await dev.commitAndPush('checkout 1.5.0 with a shorter cache TTL');
    const base = await dev.read('base/rollout.yaml');
    const images = { app: CHECKOUT.stable.app, cache: 'mirror.gcr.io/library/redis:7.2.4' };

    const outcome = await reverterFor(sandbox).revert(
      checkoutRequest({ repoURL: bare, path: 'overlays/prod' }, { stable: { podTemplateHash: 'aaa', images }, failing: { podTemplateHash: 'bbb', images: { ...images, app: CHECKOUT.failing.app } } }),
    );

    const remote = new RemoteInspector(bare);
    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect(await remote.file('overlays/prod/kustomization.yaml')).toBe(initial['overlays/prod/kustomization.yaml']);
    expect(await remote.file('base/rollout.yaml')).toBe(base);
    expect(await remote.message()).toContain('- base/rollout.yaml: also deployed by overlays/staging/kustomization.yaml (Rollout shop-staging/checkout)');
    expect(outcome.git.message).toContain('base/rollout.yaml (also deployed by overlays/staging/kustomization.yaml');
  });
});

describe('item 6: an edit Vane cannot make does not veto a clean revert', () => {
  it('given a release that added a digest to the images entry, when reverting, then the commit is reverted', async () => {
    const { bare, initial, dev: clone } = await kustomizeRelease(sandbox);
    const dev = await clone();
    await dev.replace('overlays/prod/kustomization.yaml', 'newTag: "1.5.0"', 'newTag: "1.4.0"');
    await dev.commitAndPush('Undo');
    const digest = `sha256:${'ab'.repeat(32)}`;
    await dev.replace('overlays/prod/kustomization.yaml', 'newTag: "1.4.0"', `newTag: "1.5.0"\n    digest: ${digest}`);
    const release = await dev.commitAndPush('Pin checkout 1.5.0 by digest');
    const images = { app: CHECKOUT.stable.app, cache: 'mirror.gcr.io/library/redis:7.2.4' };

    const outcome = await reverterFor(sandbox).revert(
      checkoutRequest(
        { repoURL: bare, path: 'overlays/prod' },
        { stable: { podTemplateHash: 'aaa', images }, failing: { podTemplateHash: 'bbb', images: { ...images, app: `${CHECKOUT.failing.app}@${digest}` } } },
      ),
    );

    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect(await new RemoteInspector(bare).file('overlays/prod/kustomization.yaml')).toBe(initial['overlays/prod/kustomization.yaml']);
  });

  it('given a release that changed a tag set through a YAML anchor, when reverting, then the commit is reverted', async () => {
    const { bare, dev: clone } = await helmRelease(sandbox);
    const dev = await clone();
    await dev.replace('charts/checkout/values-prod.yaml', 'image:\n  tag: "1.5.0"', 'version: &version "1.4.0"\nimage:\n  tag: *version');
    await dev.commitAndPush('Name the production version once');
    const stable = await dev.read('charts/checkout/values-prod.yaml');
    await dev.replace('charts/checkout/values-prod.yaml', '&version "1.4.0"', '&version "1.5.0"');
    const release = await dev.commitAndPush('chore(prod): release checkout 1.5.0');

    const outcome = await reverterFor(sandbox).revert(
      checkoutRequest(
        { repoURL: bare, path: 'charts/checkout', valueFiles: ['charts/checkout/values-prod.yaml'] },
        { stable: { podTemplateHash: 'aaa', images: { app: CHECKOUT.stable.app } }, failing: { podTemplateHash: 'bbb', images: { app: CHECKOUT.failing.app } } },
      ),
    );

    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect(await new RemoteInspector(bare).file('charts/checkout/values-prod.yaml')).toBe(stable);
  });
});

describe('item 9: records that say what happened', () => {
  it('given a failing image no commit ever set, when reverting, then it says the branch never deployed it and pushes nothing', async () => {
    const { bare } = await plainRelease(sandbox);
    const remote = new RemoteInspector(bare);
    const before = await remote.head();

    const outcome = await reverterFor(sandbox).revert(
      checkoutRequest({ repoURL: bare }, { stable: { podTemplateHash: 'aaa', images: CHECKOUT.failing }, failing: { podTemplateHash: 'bbb', images: { ...CHECKOUT.failing, app: 'ghcr.io/acme/checkout:1.6.0' } } }),
    );

    expect(outcome).toMatchObject({ pushed: false, git: { state: 'AlreadyReverted' } });
    expect(outcome.git.message).toContain('the branch never deployed the failing image ghcr.io/acme/checkout:1.6.0');
    expect(outcome.git.message).toContain('kubectl set image');
    expect(await remote.head()).toBe(before);
  });
});
