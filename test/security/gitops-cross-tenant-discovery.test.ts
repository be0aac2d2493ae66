// Issue #20, finding 1 (discovery): a Rollout's labels and annotations are written by whoever writes the Rollout, so
// they only name a candidate. Vane follows an Argo CD Application or Flux Kustomization only when the cluster's side
// proves the link: the Application's destination and AppProject (or the Kustomization's target namespace) contain
// the Rollout, Argo CD's or Flux's own record of what they manage lists it, and the credentials are the ones Argo CD
// or Flux themselves would use. Tenant A (namespace team-a) must not reach team B's repository or credentials.
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { discoverSource, type DiscoveredSource } from '../../src/gitops/source-discovery.js';
import type { GitSource, Rollout } from '../../src/resources/rollout.js';
import { MemoryObjectReader } from '../gitops/support/memory-object-reader.js';

let reader: MemoryObjectReader;

beforeAll(async () => {
  reader = await MemoryObjectReader.fromFiles(join(import.meta.dirname, 'fixtures', 'cross-tenant-cluster.yaml'));
});

interface Claim {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  git?: GitSource;
}

function rollout(namespace: string, name: string, claim: Claim): Rollout {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace, ...(claim.labels ? { labels: claim.labels } : {}), ...(claim.annotations ? { annotations: claim.annotations } : {}) },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/web:2' }] } },
      strategy: { canary: { steps: [] } },
      ...(claim.git ? { rollback: { git: claim.git } } : {}),
    },
  } as Rollout;
}

const tracking = (app: string, namespace: string, name: string): Record<string, string> => ({ 'argocd.argoproj.io/tracking-id': `${app}:vane.dev/Rollout:${namespace}/${name}` });
const instance = (value: string): Record<string, string> => ({ 'app.kubernetes.io/instance': value });
const flux = (namespace: string, name: string): Record<string, string> => ({ 'kustomize.toolkit.fluxcd.io/name': name, 'kustomize.toolkit.fluxcd.io/namespace': namespace });

function refused(found: DiscoveredSource): string {
  expect(found.kind, JSON.stringify(found)).toBe('none');
  return found.kind === 'none' ? found.reason : '';
}

describe('tenant A claims team B\'s Argo CD Application', () => {
  it('given a tracking id naming the Rollout itself and team B\'s Application, when discovering, then it is refused: the Application deploys to team-b', async () => {
    const reason = refused(await discoverSource(rollout('team-a', 'web', { annotations: tracking('team-b-web', 'team-a', 'web') }), reader));
    expect(reason).toMatch(/Application argocd\/team-b-web.*namespace team-b.*not team-a/);
  });

  it('given the instance label with team B\'s Application name, when discovering, then it is refused', async () => {
    const reason = refused(await discoverSource(rollout('team-a', 'web', { labels: instance('team-b-web') }), reader));
    expect(reason).toMatch(/team-b-web.*team-b/);
  });

  it('given the instance label in the <namespace>_<app> form naming an Application in team-b, when discovering, then it is refused', async () => {
    const reason = refused(await discoverSource(rollout('team-a', 'web', { labels: instance('team-b_web') }), reader));
    expect(reason).toMatch(/Application team-b\/web/);
  });

  it('given tenant A\'s own Application in team-a using team B\'s project and repository with a forged status, when discovering, then it is refused: the project does not admit Applications from team-a', async () => {
    const reason = refused(await discoverSource(rollout('team-a', 'web-stolen', { annotations: tracking('team-a_stolen', 'team-a', 'web-stolen') }), reader));
    expect(reason).toMatch(/AppProject team-b.*sourceNamespaces|team-a.*not.*team-b/);
  });

  it('given an Application that deploys to team-a but whose status does not list the Rollout, when discovering, then it is refused', async () => {
    const reason = refused(await discoverSource(rollout('team-a', 'web', { labels: instance('shared-a') }), reader));
    expect(reason).toMatch(/does not list Rollout team-a\/web/);
  });

  it('given an Application of another cluster, when discovering, then it is refused', async () => {
    const reason = refused(await discoverSource(rollout('team-a', 'web', { labels: instance('remote-a') }), reader));
    expect(reason).toMatch(/prod-eu\.example\.com/);
  });

  it('given team B\'s own Rollout, when discovering, then team B\'s Application is used with the repository secret Argo CD would use for project team-b', async () => {
    const found = await discoverSource(rollout('team-b', 'web', { annotations: tracking('team-b-web', 'team-b', 'web') }), reader);
    expect(found).toMatchObject({ kind: 'git', via: 'argocd', origin: 'Application argocd/team-b-web', source: { repoURL: 'https://git.example.com/team-b/deploy.git', path: 'apps/web', secretRef: { namespace: 'argocd', name: 'repo-team-b' } } });
  });
});

describe('tenant A claims team B\'s Flux Kustomization', () => {
  it('given labels naming team B\'s Kustomization, when discovering, then it is refused: it applies to team-b and its inventory does not list the Rollout', async () => {
    const reason = refused(await discoverSource(rollout('team-a', 'site', { labels: flux('team-b', 'site') }), reader));
    expect(reason).toMatch(/Kustomization team-b\/site.*team-b.*not team-a|inventory/);
  });

  it('given labels naming a platform Kustomization whose inventory lists only team B\'s Rollout, when discovering, then it is refused', async () => {
    const reason = refused(await discoverSource(rollout('team-a', 'api', { labels: flux('flux-system', 'team-b-apps') }), reader));
    expect(reason).toMatch(/inventory does not list Rollout team-a\/api/);
  });

  it('given tenant A\'s own Kustomization referring to team B\'s GitRepository in team-b, when discovering, then the cross-namespace reference is refused', async () => {
    const reason = refused(await discoverSource(rollout('team-a', 'borrowed-site', { labels: flux('team-a', 'borrowed') }), reader));
    expect(reason).toMatch(/GitRepository team-b\/deploy.*another namespace/);
  });

  it('given a Kustomization that has no inventory yet, when discovering, then it is refused', async () => {
    const reason = refused(await discoverSource(rollout('team-a', 'web', { labels: flux('flux-system', 'fresh') }), reader));
    expect(reason).toMatch(/inventory/);
  });

  it('given an instance label naming an Application that does not manage the Rollout and Flux labels that do, when discovering, then the proven Kustomization is used', async () => {
    const found = await discoverSource(rollout('team-b', 'site', { labels: { ...instance('team-b-web'), ...flux('team-b', 'site') } }), reader);
    expect(found).toMatchObject({ kind: 'git', via: 'flux', origin: 'Kustomization team-b/site (GitRepository team-b/deploy)' });
  });

  it('given team B\'s own Rollouts, when discovering, then their Kustomizations are used with the GitRepository\'s secret from the GitRepository\'s namespace', async () => {
    expect(await discoverSource(rollout('team-b', 'site', { labels: flux('team-b', 'site') }), reader)).toMatchObject({ kind: 'git', via: 'flux', source: { repoURL: 'ssh://git@git.example.com/team-b/deploy', path: 'apps/site', secretRef: { namespace: 'team-b', name: 'team-b-git' } } });
    expect(await discoverSource(rollout('team-b', 'api', { labels: flux('flux-system', 'team-b-apps') }), reader)).toMatchObject({ kind: 'git', via: 'flux', source: { path: 'apps/api', secretRef: { namespace: 'team-b', name: 'team-b-git' } } });
  });
});

describe('spec.rollback.git may not point another application\'s source at a Rollout', () => {
  it('given an explicit repoURL that is the repository of the team B Application the Rollout claims without proof, when discovering, then it is refused', async () => {
    const claim = { annotations: tracking('team-b-web', 'team-a', 'web'), git: { repoURL: 'https://git.example.com/team-b/deploy', path: 'apps/web' } };
    const reason = refused(await discoverSource(rollout('team-a', 'web', claim), reader));
    expect(reason).toMatch(/repository of Application argocd\/team-b-web/);
  });

  it('given an explicit repoURL and a secretRef, when discovering, then only the Rollout\'s own namespace is searched for the secret', async () => {
    const found = await discoverSource(rollout('team-a', 'web', { git: { repoURL: 'https://git.example.com/team-a/deploy', secretRef: { name: 'team-a-git' } } }), reader);
    expect(found).toMatchObject({ kind: 'git', via: 'spec', source: { secretRef: { namespace: 'team-a', name: 'team-a-git' } } });
  });

  it('given a proven Argo CD source and spec.rollback.git.secretRef, when discovering, then it is refused: the credentials are Argo CD\'s', async () => {
    const claim = { annotations: tracking('team-b-web', 'team-b', 'web'), git: { secretRef: { name: 'my-token' } } };
    const reason = refused(await discoverSource(rollout('team-b', 'web', claim), reader));
    expect(reason).toMatch(/secretRef/);
  });

  it('given a proven source and a path or branch override that leaves it, when discovering, then it is refused; a narrower path is kept', async () => {
    const base = { annotations: tracking('team-b-web', 'team-b', 'web') };
    expect(refused(await discoverSource(rollout('team-b', 'web', { ...base, git: { path: 'apps/other' } }), reader))).toMatch(/path/);
    expect(refused(await discoverSource(rollout('team-b', 'web', { ...base, git: { branch: 'release' } }), reader))).toMatch(/branch/);
    expect(await discoverSource(rollout('team-b', 'web', { ...base, git: { path: 'apps/web/prod', push: 'branch' } }), reader)).toMatchObject({ kind: 'git', source: { path: 'apps/web/prod', push: 'branch', secretRef: { name: 'repo-team-b' } } });
  });
});
