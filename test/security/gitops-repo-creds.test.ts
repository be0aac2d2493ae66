// Issue #20, finding 4: Argo CD `repo-creds` templates matched repository URLs by bare string prefix, so credentials
// for https://git.corp were handed to https://git.corp.evil.io. A template applies by URL components: same scheme,
// host and port, and its path segments a prefix of the repository's.
import { describe, expect, it } from 'vitest';
import { discoverSource } from '../../src/gitops/source-discovery.js';
import type { Rollout } from '../../src/resources/rollout.js';
import { MemoryObjectReader } from '../gitops/support/memory-object-reader.js';

/** One Argo CD Application that provably manages shop/checkout, from `repoURL`, and two credential templates. */
function cluster(repoURL: string): { reader: MemoryObjectReader; rollout: Rollout } {
  const rollout = {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'checkout', namespace: 'shop', annotations: { 'argocd.argoproj.io/tracking-id': 'checkout:vane.dev/Rollout:shop/checkout' } },
    spec: { selector: { matchLabels: { app: 'checkout' } }, strategy: { canary: { steps: [] } } },
  };
  const reader = new MemoryObjectReader([
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'checkout', namespace: 'argocd' },
      spec: { project: 'default', source: { repoURL, targetRevision: 'main', path: 'apps/checkout' }, destination: { server: 'https://kubernetes.default.svc', namespace: 'shop' } },
      status: { resources: [{ group: 'vane.dev', version: 'v1alpha1', kind: 'Rollout', namespace: 'shop', name: 'checkout' }] },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'default', namespace: 'argocd' },
      spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }] },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds-corp', namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'repo-creds' } },
      stringData: { url: 'https://git.corp', username: 'corp-bot', password: 'corp-secret' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'creds-team', namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'repo-creds' } },
      stringData: { url: 'https://git.corp/team', username: 'team-bot', password: 'team-secret' },
    },
  ]);
  return { reader, rollout: rollout as unknown as Rollout };
}

async function secretFor(repoURL: string): Promise<string | undefined> {
  const { reader, rollout } = cluster(repoURL);
  const found = await discoverSource(rollout, reader);
  if (found.kind !== 'git') throw new Error(`no source: ${found.reason}`);
  return found.source.secretRef?.name;
}

describe('Argo CD repo-creds templates', () => {
  it('given a template for https://git.corp, when the repository is on https://git.corp.evil.io, then the template does not apply', async () => {
    expect(await secretFor('https://git.corp.evil.io/team/app.git')).toBeUndefined();
  });

  it('given a template for https://git.corp/team, when the repository is under https://git.corp/teamx, then only the host-wide template applies', async () => {
    expect(await secretFor('https://git.corp/teamx/app.git')).toBe('creds-corp');
  });

  it('given templates for the host and for a path under it, when the repository is under that path, then the longer one applies', async () => {
    expect(await secretFor('https://git.corp/team/app.git')).toBe('creds-team');
    expect(await secretFor('https://GIT.CORP/team/app')).toBe('creds-team');
  });

  it('given a template for https://git.corp, when the repository is on another port or scheme of that host, then it does not apply', async () => {
    expect(await secretFor('https://git.corp:8443/team/app.git')).toBeUndefined();
    expect(await secretFor('http://git.corp/team/app.git')).toBeUndefined();
  });

  it('given a template with credentials in its URL, when the repository differs only by user, then the template still applies', async () => {
    expect(await secretFor('https://someone@git.corp/team/app.git')).toBe('creds-team');
  });
});
