// Specification of source discovery against Argo CD and Flux objects shaped as the API server returns them.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Rollout } from '../../src/resources/rollout.js';
import { readSecretData } from '../../src/gitops/git-credentials.js';
import { discoverSource } from '../../src/gitops/source-discovery.js';
import { MemoryObjectReader } from './support/memory-object-reader.js';

const fixtures = join(import.meta.dirname, 'fixtures', 'cluster');
let reader: MemoryObjectReader;

function rollout(namespace: string, name: string): Rollout {
  const found = reader.find('Rollout', namespace, name);
  if (!found) throw new Error(`fixture Rollout ${namespace}/${name} missing`);
  return found as unknown as Rollout;
}

/** A Rollout with a realistic spec and the given metadata, as if a GitOps tool had applied it. */
function addRollout(metadata: { name: string; namespace: string; labels?: Record<string, string>; annotations?: Record<string, string> }): void {
  reader.add({
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata,
    spec: {
      selector: { matchLabels: { app: metadata.name } },
      template: { metadata: { labels: { app: metadata.name } }, spec: { containers: [{ name: 'app', image: `ghcr.io/acme/${metadata.name}:1.0.0` }] } },
      strategy: { canary: { steps: [{ setWeight: 20 }] } },
    },
  });
}

/** A multi-source Application in Argo CD's namespace deploying to shop, and a Rollout that names it by instance label. */
function addMultiSourceApplication(name: string, sources: Array<Record<string, unknown>>): void {
  reader.add({
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Application',
    metadata: { name, namespace: 'argocd' },
    spec: { project: 'default', sources, destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' } },
  });
  addRollout({ name, namespace: 'shop', labels: { 'app.kubernetes.io/instance': name } });
}

beforeAll(async () => {
  reader = await MemoryObjectReader.fromFiles(join(fixtures, 'argocd.yaml'), join(fixtures, 'flux.yaml'), join(fixtures, 'rollouts.yaml'));
});

describe('discoverSource: explicit spec.rollback.git', () => {
  it('given spec.rollback.git, when discovering, then it wins over Argo CD tracking and keeps push mode and secret namespace', async () => {
    const found = await discoverSource(rollout('shop', 'explicit'), reader);
    expect(found).toEqual({
      kind: 'git',
      via: 'spec',
      origin: 'spec.rollback.git',
      source: {
        repoURL: 'https://git.example.com/acme/explicit.git',
        branch: 'deploy',
        path: 'services/explicit',
        valueFiles: [],
        push: 'branch',
        secretRef: { namespace: 'shop', name: 'explicit-git' },
      },
    });
  });

  it('given spec.rollback.gitRevert false, when discovering, then there is no source and the reason says so', async () => {
    const found = await discoverSource(rollout('shop', 'opted-out'), reader);
    expect(found).toEqual({ kind: 'none', reason: expect.stringContaining('spec.rollback.gitRevert: false') });
  });
});

describe('discoverSource: Argo CD', () => {
  it('given the tracking-id annotation, when discovering, then the Application source and the matching repository secret are used', async () => {
    const found = await discoverSource(rollout('shop', 'checkout'), reader);
    expect(found).toEqual({
      kind: 'git',
      via: 'argocd',
      origin: 'Application argocd/checkout',
      source: {
        repoURL: 'https://git.example.com/acme/gitops.git',
        branch: 'main',
        path: 'apps/checkout',
        valueFiles: [],
        push: 'direct',
        // Argo CD reads this Application's parameter override file at the path: .argocd-source-checkout.yaml.
        argoCDApplication: { name: 'checkout', path: 'apps/checkout' },
        // The repository secret's url has no .git suffix: Argo CD treats both spellings as the same repository.
        secretRef: { namespace: 'argocd', name: 'repo-gitops' },
      },
    });
  });

  it('given only the instance label and a Helm source, when discovering, then valueFiles are repo-relative and HEAD means the default branch', async () => {
    const found = await discoverSource(rollout('shop', 'checkout-helm'), reader);
    expect(found.kind).toBe('git');
    if (found.kind !== 'git') return;
    expect(found.source).toEqual({
      repoURL: 'git@git.example.com:acme/charts.git',
      path: 'charts/checkout',
      // The remote https:// values file is not in git and is left out.
      valueFiles: ['charts/checkout/values-prod.yaml'],
      push: 'direct',
      argoCDApplication: { name: 'checkout-helm', path: 'charts/checkout' },
      // No repository secret for this URL: the repo-creds template with the matching prefix applies.
      secretRef: { namespace: 'argocd', name: 'creds-acme-ssh' },
    });
    expect(found.source.branch).toBeUndefined();
  });

  it('given a multi-source Application whose chart takes values from a ref source, when discovering, then the values repository is the source', async () => {
    const found = await discoverSource(rollout('shop', 'storefront'), reader);
    expect(found).toMatchObject({
      kind: 'git',
      via: 'argocd',
      source: {
        repoURL: 'https://git.example.com/acme/env-values.git',
        branch: 'release',
        path: 'envs/prod/storefront',
        valueFiles: ['envs/prod/storefront/values.yaml'],
        secretRef: { namespace: 'argocd', name: 'creds-example-https' },
      },
    });
    // A ref source is not rendered, so no override file of Argo CD's applies there.
    expect(found.kind === 'git' ? found.source.argoCDApplication : 'not git').toBeUndefined();
  });

  it('given a multi-source Application whose git chart and $values live in one repository, when discovering, then the chart path and every value file are kept in order', async () => {
    addMultiSourceApplication('basket', [
      { repoURL: 'https://git.example.com/acme/gitops.git', targetRevision: 'main', path: 'charts/basket', helm: { valueFiles: ['values.yaml', '$values/envs/prod/basket.yaml', 'values-tail.yaml'] } },
      { repoURL: 'https://git.example.com/acme/gitops', targetRevision: 'main', ref: 'values' },
    ]);
    const found = await discoverSource(rollout('shop', 'basket'), reader);
    expect(found).toMatchObject({
      kind: 'git',
      source: {
        repoURL: 'https://git.example.com/acme/gitops',
        branch: 'main',
        path: 'charts/basket',
        valueFiles: ['charts/basket/values.yaml', 'envs/prod/basket.yaml', 'charts/basket/values-tail.yaml'],
      },
    });
  });

  it('given a git chart in one repository and $values in another, when discovering, then the rollback targets the values repository with its files only', async () => {
    addMultiSourceApplication('wishlist', [
      { repoURL: 'https://git.example.com/acme/charts.git', targetRevision: 'main', path: 'charts/wishlist', helm: { valueFiles: ['values.yaml', '$env/prod/wishlist/values.yaml'] } },
      { repoURL: 'https://git.example.com/acme/env-values.git', targetRevision: 'release', ref: 'env' },
    ]);
    const found = await discoverSource(rollout('shop', 'wishlist'), reader);
    expect(found).toMatchObject({
      kind: 'git',
      source: { repoURL: 'https://git.example.com/acme/env-values.git', branch: 'release', path: 'prod/wishlist', valueFiles: ['prod/wishlist/values.yaml'] },
    });
  });

  it('given an Application in another namespace tracked as <namespace>_<name>, when discovering, then that Application is read', async () => {
    const found = await discoverSource(rollout('payments', 'payments'), reader);
    expect(found).toMatchObject({ kind: 'git', origin: 'Application team-a/payments', source: { branch: 'production', path: 'payments', argoCDApplication: { name: 'team-a_payments', path: 'payments' } } });
    expect(reader.gets).toContain('argoproj.io/v1alpha1 Application team-a/payments');
  });

  it('given a configurable control-plane namespace, when the Application is not there, then the reason names the missing Application', async () => {
    const found = await discoverSource(rollout('shop', 'checkout'), reader, { argoCD: { namespace: 'gitops' } });
    expect(found).toEqual({ kind: 'none', reason: expect.stringContaining('Application gitops/checkout, which does not exist') });
  });

  it('given an Application pinned to a commit, when discovering, then there is no source because nothing can be pushed there', async () => {
    addRollout({ name: 'pinned', namespace: 'shop', labels: { 'app.kubernetes.io/instance': 'pinned' } });
    const found = await discoverSource(rollout('shop', 'pinned'), reader);
    expect(found).toEqual({ kind: 'none', reason: expect.stringMatching(/pinned to commit 3f786850/) });
  });

  it('given an Application with two git sources, when discovering, then it refuses to guess and asks for spec.rollback.git', async () => {
    addRollout({ name: 'frontend', namespace: 'shop', annotations: { 'argocd.argoproj.io/tracking-id': 'two-sources:vane.dev/Rollout:shop/frontend' } });
    const found = await discoverSource(rollout('shop', 'frontend'), reader);
    expect(found).toEqual({ kind: 'none', reason: expect.stringContaining('set spec.rollback.git') });
  });

  it('given a tracking id copied from a Deployment and no other hint, when discovering, then the Rollout is not considered Argo-managed', async () => {
    const found = await discoverSource(rollout('shop', 'copied'), reader);
    expect(found).toEqual({ kind: 'none', reason: expect.stringContaining('no git source is known') });
    expect(reader.gets.some((get) => get.includes('Application argocd/checkout') && get.includes('copied'))).toBe(false);
  });

  it('given a Helm instance label that names no Application, when discovering, then the plain reason mentions the near miss', async () => {
    const found = await discoverSource(rollout('shop', 'helm-instance-only'), reader);
    expect(found).toEqual({ kind: 'none', reason: expect.stringContaining('Application argocd/my-release, which does not exist') });
  });
});

describe('discoverSource: Flux', () => {
  it('given kustomize.toolkit.fluxcd.io labels, when discovering, then Kustomization path and GitRepository url, branch and secret are used', async () => {
    const found = await discoverSource(rollout('shop', 'fleet-checkout'), reader);
    expect(found).toEqual({
      kind: 'git',
      via: 'flux',
      origin: 'Kustomization flux-system/apps (GitRepository flux-system/flux-system)',
      source: {
        repoURL: 'ssh://git@github.com/acme/fleet',
        branch: 'main',
        path: 'apps/production',
        valueFiles: [],
        push: 'direct',
        secretRef: { namespace: 'flux-system', name: 'flux-system' },
      },
    });
  });

  it('given Flux labels and spec.rollback.git without repoURL, when discovering, then the discovered source takes the spec push mode', async () => {
    const base = rollout('shop', 'fleet-checkout');
    const refined = { ...base, spec: { ...base.spec, rollback: { git: { push: 'branch' as const } } } };
    const found = await discoverSource(refined, reader);
    expect(found).toMatchObject({ kind: 'git', via: 'flux', source: { repoURL: 'ssh://git@github.com/acme/fleet', branch: 'main', push: 'branch' } });
  });

  it('given a GitRepository following a tag, when discovering, then there is no source and the reason names the tag', async () => {
    const found = await discoverSource(rollout('apps', 'podinfo'), reader);
    expect(found).toEqual({ kind: 'none', reason: 'GitRepository apps/podinfo is pinned to tag 6.5.0; a revert cannot be pushed there' });
  });

  it('given a Kustomization fed by an OCIRepository, when discovering, then there is no git source', async () => {
    addRollout({
      name: 'from-oci',
      namespace: 'shop',
      labels: { 'kustomize.toolkit.fluxcd.io/name': 'oci-apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' },
    });
    const found = await discoverSource(rollout('shop', 'from-oci'), reader);
    expect(found).toEqual({ kind: 'none', reason: expect.stringContaining('OCIRepository source, not a GitRepository') });
  });

  it('given the Flux secret, when reading it, then identity and known_hosts decode from base64', async () => {
    const data = await readSecretData(reader, { namespace: 'flux-system', name: 'flux-system' });
    expect(data.identity).toContain('flux-fixture-key');
    expect(data.known_hosts).toMatch(/^github\.com ecdsa-sha2-nistp256 /);
  });
});
