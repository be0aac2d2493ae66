// Issue #22, item 8: repository layouts beyond one manifest, one overlay or one values mapping, on real git with bare
// remotes: where Vane finds the image, what it changes, and what it says when it cannot find it.
import { describe, expect, it } from 'vitest';
import { discoverSource } from '../../src/gitops/source-discovery.js';
import type { Rollout } from '../../src/resources/rollout.js';
import { type GitSandbox, RemoteInspector } from './support/git-sandbox.js';
import { MemoryObjectReader } from './support/memory-object-reader.js';
import { checkoutRequest, reverterFor } from './support/reverter-harness.js';
import { CHECKOUT, gitSandboxPerTest, plainRelease } from './support/rollout-repos.js';

let sandbox: GitSandbox;
gitSandboxPerTest((created) => (sandbox = created));

const ONLY_APP = {
  stable: { podTemplateHash: 'aaa', images: { app: CHECKOUT.stable.app } },
  failing: { podTemplateHash: 'bbb', images: { app: CHECKOUT.failing.app } },
};

const CHART = {
  'charts/checkout/Chart.yaml': 'apiVersion: v2\nname: checkout\nversion: 0.1.0\n',
  'charts/checkout/templates/rollout.yaml': [
    'apiVersion: vane.dev/v1alpha1',
    'kind: Rollout',
    'metadata:',
    '  name: {{ .Release.Name }}',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    '          image: {{ .Values.image | quote }}',
    '',
  ].join('\n'),
};

describe('Helm values holding the whole image in one string', () => {
  it('given image: repo:tag in the Application value file, when the bump is reverted, then that one string is restored', async () => {
    const values = '# prod\nreplicaCount: 4\nimage: ghcr.io/acme/checkout:1.4.0\n';
    const bare = await sandbox.remote('helm-string', { ...CHART, 'charts/checkout/values.yaml': 'image: ghcr.io/acme/checkout:1.0.0\n', 'charts/checkout/values-prod.yaml': values });
    const dev = await sandbox.clone(bare, 'dev');
    await dev.replace('charts/checkout/values-prod.yaml', 'checkout:1.4.0', 'checkout:1.5.0');
    const release = await dev.commitAndPush('prod: checkout 1.5.0');

    const outcome = await reverterFor(sandbox).revert(
      checkoutRequest({ repoURL: bare, path: 'charts/checkout', valueFiles: ['charts/checkout/values-prod.yaml'] }, ONLY_APP),
    );

    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect(await new RemoteInspector(bare).file('charts/checkout/values-prod.yaml')).toBe(values);
  });

  it('given image: repo:tag changed with other values of this chart, when rolling back, then the whole release commit is reverted', async () => {
    const bare = await sandbox.remote('helm-string', { ...CHART, 'charts/checkout/values.yaml': 'replicaCount: 2\nimage: ghcr.io/acme/checkout:1.4.0\n' });
    const dev = await sandbox.clone(bare, 'dev');
    await dev.replace('charts/checkout/values.yaml', 'checkout:1.4.0', 'checkout:1.5.0');
    await dev.replace('charts/checkout/values.yaml', 'replicaCount: 2', 'replicaCount: 3');
    const release = await dev.commitAndPush('Scale up and release 1.5.0');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'charts/checkout' }, ONLY_APP));

    // The release is this application's alone (its chart's one workload is the Rollout): all of it is undone.
    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect(await new RemoteInspector(bare).file('charts/checkout/values.yaml')).toBe('replicaCount: 2\nimage: ghcr.io/acme/checkout:1.4.0\n');
  });

  it('given image: repo:tag also read by a Deployment template of the chart, when reverting, then it is refused and nothing is pushed', async () => {
    const worker = CHART['charts/checkout/templates/rollout.yaml'].replace('kind: Rollout', 'kind: Deployment').replace('{{ .Release.Name }}', '{{ .Release.Name }}-worker');
    const bare = await sandbox.remote('helm-string', { ...CHART, 'charts/checkout/templates/worker.yaml': worker, 'charts/checkout/values.yaml': 'image: ghcr.io/acme/checkout:1.4.0\n' });
    const dev = await sandbox.clone(bare, 'dev');
    await dev.replace('charts/checkout/values.yaml', 'checkout:1.4.0', 'checkout:1.5.0');
    const release = await dev.commitAndPush('Release 1.5.0');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'charts/checkout' }, ONLY_APP));

    expect(outcome.git).toMatchObject({ state: 'Failed', message: expect.stringMatching(/\.Values\.image .*Deployment in charts\/checkout\/templates\/worker\.yaml/) });
    expect(await new RemoteInspector(bare).head()).toBe(release);
  });
});

/** Argo CD's side of a multi-source Application: its default AppProject, the Application, and the Rollout naming it. */
function argoCD(sources: Array<Record<string, unknown>>): { reader: MemoryObjectReader; rollout: Rollout } {
  const reader = new MemoryObjectReader([
    { apiVersion: 'argoproj.io/v1alpha1', kind: 'AppProject', metadata: { name: 'default', namespace: 'argocd' }, spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }] } },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'checkout', namespace: 'argocd' },
      spec: { project: 'default', sources, destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' } },
    },
  ]);
  const rollout = { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'checkout', namespace: 'shop', labels: { 'app.kubernetes.io/instance': 'checkout' } }, spec: {} };
  return { reader, rollout: rollout as unknown as Rollout };
}

describe('Argo CD multi-source Applications with $values', () => {
  it('given a chart from a Helm repository and $values from a git repository setting only the tag, when the release fails, then the tag is reverted in the values repository', async () => {
    const values = '# prod values for the storefront chart\nreplicaCount: 3\nimage:\n  tag: "1.4.0"\n';
    const bare = await sandbox.remote('env-values', { 'envs/prod/checkout/values.yaml': values });
    const dev = await sandbox.clone(bare, 'dev');
    await dev.replace('envs/prod/checkout/values.yaml', 'tag: "1.4.0"', 'tag: "1.5.0"');
    const release = await dev.commitAndPush('prod: checkout 1.5.0');
    const { reader, rollout } = argoCD([
      { repoURL: 'https://charts.example.com/stable', chart: 'checkout', targetRevision: '4.2.1', helm: { valueFiles: ['$values/envs/prod/checkout/values.yaml'] } },
      { repoURL: bare, targetRevision: 'main', ref: 'values' },
    ]);

    const source = await discoverSource(rollout, reader);
    const outcome = await reverterFor(sandbox, { reader }).revert({ ...checkoutRequest({ repoURL: bare }, ONLY_APP), source });

    expect(source).toMatchObject({ kind: 'git', source: { repoURL: bare, path: 'envs/prod/checkout', valueFiles: ['envs/prod/checkout/values.yaml'] } });
    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect(await new RemoteInspector(bare).file('envs/prod/checkout/values.yaml')).toBe(values);
  });

  it('given a git chart and its $values in one repository, when the release fails, then the values file is reverted and the chart\'s templates prove the image is this Rollout\'s', async () => {
    const values = 'image:\n  tag: "1.4.0"\n';
    const bare = await sandbox.remote('gitops', {
      ...CHART,
      'charts/checkout/templates/rollout.yaml': CHART['charts/checkout/templates/rollout.yaml'].replace('{{ .Values.image | quote }}', '"{{ .Values.image.repository }}:{{ .Values.image.tag }}"'),
      'charts/checkout/values.yaml': 'image:\n  repository: ghcr.io/acme/checkout\n  tag: "1.0.0"\n',
      'envs/prod/checkout.yaml': values,
    });
    const dev = await sandbox.clone(bare, 'dev');
    await dev.replace('envs/prod/checkout.yaml', 'tag: "1.4.0"', 'tag: "1.5.0"');
    const release = await dev.commitAndPush('prod: checkout 1.5.0');
    const { reader, rollout } = argoCD([
      { repoURL: bare, targetRevision: 'main', path: 'charts/checkout', helm: { valueFiles: ['values.yaml', '$values/envs/prod/checkout.yaml'] } },
      { repoURL: bare, targetRevision: 'main', ref: 'values' },
    ]);

    const source = await discoverSource(rollout, reader);
    const outcome = await reverterFor(sandbox, { reader }).revert({ ...checkoutRequest({ repoURL: bare }, ONLY_APP), source });

    expect(source).toMatchObject({ kind: 'git', source: { path: 'charts/checkout', valueFiles: ['charts/checkout/values.yaml', 'envs/prod/checkout.yaml'] } });
    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect(await new RemoteInspector(bare).file('envs/prod/checkout.yaml')).toBe(values);
  });
});

const KUSTOMIZE_APP = {
  'apps/checkout/base/kustomization.yaml': 'resources:\n  - rollout.yaml\n',
  'apps/checkout/base/rollout.yaml': [
    'apiVersion: vane.dev/v1alpha1',
    'kind: Rollout',
    'metadata:',
    '  name: checkout',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: app',
    '          image: ghcr.io/acme/checkout',
    '',
  ].join('\n'),
  'apps/checkout/prod/kustomization.yaml': 'resources:\n  - ../base\nimages:\n  - name: ghcr.io/acme/checkout\n    newTag: "1.4.0"\n',
  // The Flux Kustomization's spec.path: it only places the overlay in the namespace.
  'clusters/prod/checkout/kustomization.yaml': 'namespace: shop\nresources:\n  - ../../../apps/checkout/prod\n',
};

describe('Flux paths whose kustomization reaches an overlay elsewhere in the repository', () => {
  it('given the images entry in an overlay outside the Flux path, when the release fails, then that entry is reverted', async () => {
    const bare = await sandbox.remote('fleet', KUSTOMIZE_APP);
    const dev = await sandbox.clone(bare, 'dev');
    await dev.replace('apps/checkout/prod/kustomization.yaml', 'newTag: "1.4.0"', 'newTag: "1.5.0"');
    const release = await dev.commitAndPush('prod: checkout 1.5.0');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'clusters/prod/checkout' }, ONLY_APP));

    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect(await new RemoteInspector(bare).file('apps/checkout/prod/kustomization.yaml')).toBe(KUSTOMIZE_APP['apps/checkout/prod/kustomization.yaml']);
  });

  it('given the images entry in a base that a staging overlay also builds, when the release fails, then it is refused naming the staging overlay, and nothing is pushed', async () => {
    const bare = await sandbox.remote('fleet', {
      ...KUSTOMIZE_APP,
      'apps/checkout/base/kustomization.yaml': 'resources:\n  - rollout.yaml\nimages:\n  - name: ghcr.io/acme/checkout\n    newTag: "1.4.0"\n',
      'apps/checkout/prod/kustomization.yaml': 'resources:\n  - ../base\n',
      'apps/checkout/staging/kustomization.yaml': 'namespace: shop-staging\nresources:\n  - ../base\n',
    });
    const dev = await sandbox.clone(bare, 'dev');
    await dev.replace('apps/checkout/base/kustomization.yaml', 'newTag: "1.4.0"', 'newTag: "1.5.0"');
    const release = await dev.commitAndPush('checkout 1.5.0 everywhere');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'clusters/prod/checkout' }, ONLY_APP));

    expect(outcome.git).toMatchObject({
      state: 'Failed',
      message: expect.stringContaining(
        'images entry ghcr.io/acme/checkout in apps/checkout/base/kustomization.yaml is shared: it also sets the image of Rollout shop-staging/checkout (through apps/checkout/staging/kustomization.yaml)',
      ),
    });
    expect(await new RemoteInspector(bare).head()).toBe(release);
  });

  it('given entries in both the overlay and its base, when the release bumped the overlay, then the overlay (applied last) is reverted even though the base is shared', async () => {
    const bare = await sandbox.remote('fleet', {
      ...KUSTOMIZE_APP,
      'apps/checkout/base/kustomization.yaml': 'resources:\n  - rollout.yaml\nimages:\n  - name: ghcr.io/acme/checkout\n    newTag: "1.0.0"\n',
      'apps/checkout/staging/kustomization.yaml': 'namespace: shop-staging\nresources:\n  - ../base\n',
    });
    const dev = await sandbox.clone(bare, 'dev');
    await dev.replace('apps/checkout/prod/kustomization.yaml', 'newTag: "1.4.0"', 'newTag: "1.5.0"');
    const release = await dev.commitAndPush('prod: checkout 1.5.0');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'clusters/prod/checkout' }, ONLY_APP));

    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    expect(await new RemoteInspector(bare).changedFiles()).toEqual(['apps/checkout/prod/kustomization.yaml']);
  });
});

describe('layouts Vane does not edit: the error says what it found and which setting helps', () => {
  it('given an overlay that sets the image with an inline JSON6902 patch, when reverting, then it fails naming the patch and the Rollout manifest outside the path', async () => {
    const patch = [
      'resources:',
      '  - ../../apps/checkout/base',
      'patches:',
      '  - target: {kind: Rollout, name: checkout}',
      '    patch: |-',
      '      - op: replace',
      '        path: /spec/template/spec/containers/0/image',
      '        value: ghcr.io/acme/checkout:1.4.0',
      '',
    ].join('\n');
    const bare = await sandbox.remote('patched', {
      'apps/checkout/base/kustomization.yaml': KUSTOMIZE_APP['apps/checkout/base/kustomization.yaml'],
      'apps/checkout/base/rollout.yaml': KUSTOMIZE_APP['apps/checkout/base/rollout.yaml'],
      'overlays/prod/kustomization.yaml': patch,
    });
    const dev = await sandbox.clone(bare, 'dev');
    await dev.replace('overlays/prod/kustomization.yaml', 'checkout:1.4.0', 'checkout:1.5.0');
    const release = await dev.commitAndPush('prod: checkout 1.5.0');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'overlays/prod' }, ONLY_APP));

    expect(outcome.git.state).toBe('Failed');
    expect(outcome.git.message).toContain('no Rollout manifest named checkout under overlays/prod');
    expect(outcome.git.message).toContain('found: overlays/prod/kustomization.yaml with an inline patches patch touching image; no images: entry');
    expect(outcome.git.message).toContain('a Rollout manifest named checkout is in apps/checkout/base/rollout.yaml, outside overlays/prod');
    expect(outcome.git.message).toContain('Move the image out of the patch into an images: entry of overlays/prod/kustomization.yaml');
    expect(await new RemoteInspector(bare).head()).toBe(release);
  });

  it('given a chart whose template spells the image, when reverting, then it fails saying the template holds the image and how to use values', async () => {
    const template = CHART['charts/checkout/templates/rollout.yaml'].replace('{{ .Values.image | quote }}', 'ghcr.io/acme/checkout:1.5.0');
    const bare = await sandbox.remote('literal', { ...CHART, 'charts/checkout/templates/rollout.yaml': template, 'charts/checkout/values.yaml': 'replicaCount: 2\n' });

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'charts/checkout', valueFiles: ['charts/checkout/values-prod.yaml'] }, ONLY_APP));

    expect(outcome.git.state).toBe('Failed');
    expect(outcome.git.message).toContain('value file charts/checkout/values-prod.yaml does not exist');
    expect(outcome.git.message).toContain('template charts/checkout/templates/rollout.yaml spells the image ghcr.io/acme/checkout (Vane edits values, not templates)');
    expect(outcome.git.message).toContain("helm.valueFiles");
  });

  it('given a path that holds another application, when reverting, then it fails naming where the Rollout manifest is and the spec.rollback.git.path to set', async () => {
    const { bare } = await plainRelease(sandbox);

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'apps/payments' }));

    expect(outcome.git.state).toBe('Failed');
    expect(outcome.git.message).toContain('no Rollout manifest named checkout under apps/payments; found: a Rollout manifest named checkout is in apps/checkout/rollout.yaml, outside apps/payments');
    expect(outcome.git.message).toContain('spec.rollback.git.path to apps/checkout');
  });
});
