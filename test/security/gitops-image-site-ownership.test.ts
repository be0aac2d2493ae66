// Issue #20, finding 1 (image sites): a Kustomize `images:` entry or a Helm values mapping sets the image of every
// workload that uses it, not only the Rollout that failed. Vane edits such a site only when it reaches this Rollout
// and no other workload; otherwise it refuses, saying which other workload the edit would have rolled back.
import { describe, expect, it } from 'vitest';
import { type GitSandbox, RemoteInspector } from '../gitops/support/git-sandbox.js';
import { checkoutRequest, reverterFor } from '../gitops/support/reverter-harness.js';
import { gitSandboxPerTest, helmRelease, kustomizeRelease, plainRelease } from '../gitops/support/rollout-repos.js';

let sandbox: GitSandbox;
gitSandboxPerTest((created) => (sandbox = created));

const WORKER = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: checkout-worker
spec:
  selector: {matchLabels: {app: checkout-worker}}
  template:
    metadata: {labels: {app: checkout-worker}}
    spec:
      containers:
        - name: worker
          image: ghcr.io/acme/checkout
`;

describe('image sites shared with other workloads', () => {
  it('given a Kustomize images entry that also sets the image of another Deployment, when reverting, then it is refused naming that Deployment and nothing is pushed', async () => {
    const { bare, dev } = await kustomizeRelease(sandbox);
    const clone = await dev();
    await clone.write({ 'base/worker.yaml': WORKER });
    await clone.replace('base/kustomization.yaml', '  - search.yaml\n', '  - search.yaml\n  - worker.yaml\n');
    await clone.commitAndPush('Add the checkout worker');
    const remote = new RemoteInspector(bare);
    const before = await remote.head();

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'overlays/prod' }));

    expect(outcome.git).toMatchObject({ state: 'Failed', message: expect.stringMatching(/images entry ghcr\.io\/acme\/checkout.*Deployment checkout-worker/) });
    expect(await remote.head()).toBe(before);
  });

  it('given another application\'s kustomization under the source path with an images entry for the same image, when reverting, then that kustomization is left alone and the Rollout\'s own manifest is edited', async () => {
    const { bare, dev } = await plainRelease(sandbox);
    const clone = await dev();
    await clone.write({
      'apps/other/kustomization.yaml': 'resources:\n  - deploy.yaml\nimages:\n  - name: ghcr.io/acme/checkout\n    newTag: "1.5.0"\n',
      'apps/other/deploy.yaml': WORKER.replace('checkout-worker', 'other').replace('checkout-worker', 'other').replace('checkout-worker', 'other'),
    });
    await clone.commitAndPush('Another team pins checkout too');
    const remote = new RemoteInspector(bare);
    const otherBefore = await remote.file('apps/other/kustomization.yaml');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'apps' }));

    expect(await remote.file('apps/other/kustomization.yaml')).toBe(otherBefore);
    expect(outcome.git.state).toBe('Committed');
    expect(await remote.file('apps/checkout/rollout.yaml')).toContain('ghcr.io/acme/checkout:1.4.0');
  });

  it('given Helm values whose image is also used by a Deployment template of the chart, when reverting, then it is refused naming the template and nothing is pushed', async () => {
    const { bare, dev } = await helmRelease(sandbox);
    const clone = await dev();
    const migrations = WORKER.replace('checkout-worker', '{{ .Release.Name }}-migrations').replace('image: ghcr.io/acme/checkout', 'image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"');
    await clone.write({ 'charts/checkout/templates/migrations.yaml': migrations });
    await clone.commitAndPush('Run migrations from the app image');
    const remote = new RemoteInspector(bare);
    const before = await remote.head();

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'charts/checkout', valueFiles: ['charts/checkout/values-prod.yaml'] }));

    expect(outcome.git).toMatchObject({ state: 'Failed', message: expect.stringMatching(/image.*Deployment.*templates\/migrations\.yaml/) });
    expect(await remote.head()).toBe(before);
  });

  it('given a Kustomize images entry whose resources come from a remote base, when reverting, then it is refused: Vane cannot see which workloads the entry reaches', async () => {
    const { bare, dev } = await kustomizeRelease(sandbox);
    const clone = await dev();
    await clone.replace('overlays/prod/kustomization.yaml', '  - ../../base\n', '  - ../../base\n  - https://github.com/acme/shared//workers?ref=v1\n');
    await clone.commitAndPush('Add shared workers');
    const before = await new RemoteInspector(bare).head();

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'overlays/prod' }));

    expect(outcome.git).toMatchObject({ state: 'Failed', message: expect.stringMatching(/remote/) });
    expect(await new RemoteInspector(bare).head()).toBe(before);
  });
});
