// Issue #22, item 8: repository layouts beyond one manifest, one overlay or one values mapping, on real git with bare
// remotes: where Vane finds the image, what it changes, and what it says when it cannot find it.
import { describe, expect, it } from 'vitest';
import { type GitSandbox, RemoteInspector } from './support/git-sandbox.js';
import { checkoutRequest, reverterFor } from './support/reverter-harness.js';
import { CHECKOUT, gitSandboxPerTest } from './support/rollout-repos.js';

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

  it('given image: repo:tag changed with other values, when rolling back, then only the image string is edited', async () => {
    const bare = await sandbox.remote('helm-string', { ...CHART, 'charts/checkout/values.yaml': 'replicaCount: 2\nimage: ghcr.io/acme/checkout:1.4.0\n' });
    const dev = await sandbox.clone(bare, 'dev');
    await dev.replace('charts/checkout/values.yaml', 'checkout:1.4.0', 'checkout:1.5.0');
    await dev.replace('charts/checkout/values.yaml', 'replicaCount: 2', 'replicaCount: 3');
    await dev.commitAndPush('Scale up and release 1.5.0');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'charts/checkout' }, ONLY_APP));

    expect(outcome.git.state).toBe('Committed');
    expect(await new RemoteInspector(bare).file('charts/checkout/values.yaml')).toBe('replicaCount: 3\nimage: ghcr.io/acme/checkout:1.4.0\n');
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
