// Issue #20, finding 1, end to end: on a cluster shared by two teams, tenant A (admin of team-a only) crafts Rollouts
// that claim team B's Argo CD Application and Flux Kustomizations — the labels and annotation Argo CD and Flux put on
// the objects they manage, and a Kustomization of its own borrowing team B's GitRepository with a status it wrote
// itself. When those releases abort, Vane must not revert anything in team B's repository (as it did: a tenant pushed
// `image: attacker.example/backdoor:1` there), and each Rollout's status must say why no revert happened. Team B's
// own releases are still reverted.
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { awaitsGitRollback } from '../../src/reconcile/git-rollback-reconciler.js';
import { podTemplateHash } from '../../src/resources/pod-template-hash.js';
import { applyManifest, createGitRemote, type GitRemote } from '../support/git-remote.js';
import { APP_PROJECT, startTenantCluster, type RolloutObject, type TenantCluster } from './support/tenant-cluster.js';

/** The abort is recorded and its git rollback has an outcome (it runs in the background after the abort). */
function gitRollbackSettled(ro: RolloutObject): boolean {
  return ro.status?.rollback?.git !== undefined && !awaitsGitRollback(ro);
}

const BACKDOOR = 'attacker.example/backdoor:1';
const IN_CLUSTER = 'https://kubernetes.default.svc';

let cluster: TenantCluster;
let teamB: GitRemote;

function object(apiVersion: string, kind: string, namespace: string, name: string, rest: object): KubeObject {
  return { apiVersion, kind, metadata: { name, namespace }, ...rest } as KubeObject;
}

function template(name: string, image: string): NonNullable<RolloutObject['spec']['template']> {
  return { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } };
}

/** A Rollout manifest as team B keeps it in git: no namespace, the GitOps tool deploys it into team-b. */
function manifest(name: string, image: string, metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }): string {
  const spec = { replicas: 2, progressDeadlineSeconds: 2, selector: { matchLabels: { app: name } }, template: template(name, image), strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } };
  return yaml.dump({ apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', metadata: { name, ...metadata }, spec });
}

/** What Argo CD or Flux does: apply the manifest at the remote's head into team-b. */
async function sync(path: string): Promise<RolloutObject> {
  const desired = yaml.load(teamB.show(path)) as RolloutObject;
  desired.metadata.namespace = 'team-b';
  return applyManifest<RolloutObject>(cluster.admin, Kinds.Rollout, yaml.dump(desired));
}

/** Tenant A's Rollout, written with tenant A's own credentials: adopted on the backdoor image, then "released". */
async function tenantRelease(client: KubeClient, name: string, metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }, releasedImage: string): Promise<RolloutObject> {
  await client.create(Kinds.Rollout, {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace: 'team-a', ...metadata },
    spec: { replicas: 2, progressDeadlineSeconds: 2, selector: { matchLabels: { app: name } }, template: template(name, BACKDOOR), strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } } },
  } as RolloutObject);
  await cluster.waitFor('team-a', name, (ro) => ro.status?.phase === 'Healthy', `${name} adopted`);
  const released = template(name, releasedImage);
  await client.patch(Kinds.Rollout, 'team-a', name, { spec: { template: released } }, 'merge');
  cluster.sandbox.simulator.failReadiness(podTemplateHash(released));
  return cluster.waitFor('team-a', name, (ro) => gitRollbackSettled(ro), `${name} aborted and its git rollback settled`);
}

beforeAll(async () => {
  cluster = await startTenantCluster({ alice: 'team-a', bob: 'team-b' });
  teamB = createGitRemote();
  const { admin } = cluster;
  // The platform team's Argo CD: the default project, and team B's project confined to team-b.
  await admin.create(APP_PROJECT, object('argoproj.io/v1alpha1', 'AppProject', 'argocd', 'default', { spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }] } }));
  await admin.create(APP_PROJECT, object('argoproj.io/v1alpha1', 'AppProject', 'argocd', 'team-b', { spec: { sourceRepos: ['*'], sourceNamespaces: ['team-b'], destinations: [{ server: IN_CLUSTER, namespace: 'team-b' }] } }));
  await admin.create(Kinds.Secret, {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'repo-team-b', namespace: 'argocd', labels: { 'argocd.argoproj.io/secret-type': 'repository' } },
    stringData: { url: teamB.url, username: 'team-b-bot', password: 'team-b-write-token' },
  } as KubeObject);
  // Team B's Flux source and credentials, in team-b.
  await admin.create(Kinds.FluxGitRepository, object('source.toolkit.fluxcd.io/v1', 'GitRepository', 'team-b', 'deploy', { spec: { url: teamB.url, ref: { branch: 'main' }, secretRef: { name: 'team-b-git' } } }));
  await admin.create(Kinds.Secret, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'team-b-git', namespace: 'team-b' }, stringData: { username: 'team-b-bot', password: 'team-b-flux-token' } } as KubeObject);

  // Team B's apps: web through Argo CD, site and api through Flux; Argo CD and Flux record what they manage.
  teamB.commit('apps/web/rollout.yaml', manifest('web', 'ghcr.io/team-b/web:1.0.0', { annotations: { 'argocd.argoproj.io/tracking-id': 'team-b-web:vane.dev/Rollout:team-b/web' } }), 'Add web');
  teamB.commit('apps/site/rollout.yaml', manifest('site', 'ghcr.io/team-b/site:1.0.0', { labels: { 'kustomize.toolkit.fluxcd.io/name': 'site', 'kustomize.toolkit.fluxcd.io/namespace': 'team-b' } }), 'Add site');
  teamB.commit('apps/api/rollout.yaml', manifest('api', 'ghcr.io/team-b/api:1.0.0', { labels: { 'kustomize.toolkit.fluxcd.io/name': 'api', 'kustomize.toolkit.fluxcd.io/namespace': 'team-b' } }), 'Add api');
  await admin.create(Kinds.ArgoApplication, object('argoproj.io/v1alpha1', 'Application', 'argocd', 'team-b-web', {
    spec: { project: 'team-b', source: { repoURL: teamB.url, path: 'apps/web', targetRevision: 'main' }, destination: { server: IN_CLUSTER, namespace: 'team-b' } },
    status: { resources: [{ group: 'vane.dev', version: 'v1alpha1', kind: 'Rollout', namespace: 'team-b', name: 'web' }] },
  }));
  for (const app of ['site', 'api']) {
    await admin.create(Kinds.FluxKustomization, object('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'team-b', app, {
      spec: { sourceRef: { kind: 'GitRepository', name: 'deploy' }, path: `./apps/${app}` },
      status: { inventory: { entries: [{ id: `team-b_${app}_vane.dev_Rollout`, v: 'v1alpha1' }] } },
    }));
  }
  for (const app of ['web', 'site', 'api']) {
    await sync(`apps/${app}/rollout.yaml`);
    await cluster.waitFor('team-b', app, (ro) => ro.status?.phase === 'Healthy', `team B's ${app} adopted`);
  }
}, 120_000);

afterAll(async () => {
  await cluster?.close();
  teamB?.remove();
});

describe('tenant A claims team B\'s GitOps objects', () => {
  it('given tenant A\'s RBAC, when it writes into team-b, then the API refuses: the attacks below use only what a namespace admin may do', async () => {
    const rollout = { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', metadata: { name: 'probe', namespace: 'team-b' }, spec: {} } as RolloutObject;
    await expect(cluster.tenant('alice').create(Kinds.Rollout, rollout)).rejects.toThrow(/forbidden/i);
  });

  it('given a Rollout in team-a carrying team B\'s Argo CD tracking id and instance label, when its release aborts, then team B\'s repository is untouched and status says the Application does not manage it', async () => {
    const before = teamB.head().sha;
    const aborted = await tenantRelease(cluster.tenant('alice'), 'web', {
      labels: { 'app.kubernetes.io/instance': 'team-b-web' },
      annotations: { 'argocd.argoproj.io/tracking-id': 'team-b-web:vane.dev/Rollout:team-a/web' },
    }, 'ghcr.io/team-b/web:1.0.0');

    expect(aborted.status?.rollback?.git).toMatchObject({
      state: 'NotConfigured',
      message: expect.stringMatching(/^git revert refused: Application argocd\/team-b-web does not manage Rollout team-a\/web: it deploys to namespace team-b, not team-a/),
    });
    expect(aborted.status?.canary?.weights?.canary).toBe(0);
    expect(teamB.head().sha).toBe(before);
    expect(teamB.show('apps/web/rollout.yaml')).not.toContain(BACKDOOR);
  }, 60_000);

  it('given a Rollout in team-a carrying the labels of team B\'s Flux Kustomization, when its release aborts, then team B\'s repository is untouched and status says why', async () => {
    const before = teamB.head().sha;
    const aborted = await tenantRelease(cluster.tenant('alice'), 'site', {
      labels: { 'kustomize.toolkit.fluxcd.io/name': 'site', 'kustomize.toolkit.fluxcd.io/namespace': 'team-b' },
    }, 'ghcr.io/team-b/site:1.0.0');

    expect(aborted.status?.rollback?.git).toMatchObject({
      state: 'NotConfigured',
      message: expect.stringMatching(/^git revert refused: Kustomization team-b\/site does not manage Rollout team-a\/site: it applies to its own namespace team-b, not team-a/),
    });
    expect(teamB.head().sha).toBe(before);
  }, 60_000);

  it('given tenant A\'s own Kustomization borrowing team B\'s GitRepository, with an inventory tenant A wrote, when its Rollout\'s release aborts, then team B\'s repository is untouched', async () => {
    const alice = cluster.tenant('alice');
    await alice.create(Kinds.FluxKustomization, object('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'team-a', 'borrowed', {
      spec: { sourceRef: { kind: 'GitRepository', name: 'deploy', namespace: 'team-b' }, path: './apps/api', targetNamespace: 'team-a' },
      status: { inventory: { entries: [{ id: 'team-a_api_vane.dev_Rollout', v: 'v1alpha1' }] } },
    }));
    const before = teamB.head().sha;
    const aborted = await tenantRelease(alice, 'api', { labels: { 'kustomize.toolkit.fluxcd.io/name': 'borrowed', 'kustomize.toolkit.fluxcd.io/namespace': 'team-a' } }, 'ghcr.io/team-b/api:1.0.0');

    expect(aborted.status?.rollback?.git).toMatchObject({
      state: 'NotConfigured',
      message: expect.stringMatching(/^git revert refused: Kustomization team-a\/borrowed does not manage Rollout team-a\/api: its sourceRef names GitRepository team-b\/deploy in another namespace/),
    });
    expect(teamB.head().sha).toBe(before);
    expect(teamB.show('apps/api/rollout.yaml')).not.toContain(BACKDOOR);
  }, 60_000);
});

describe('team B\'s own releases', () => {
  it.each([
    ['web', 'Argo CD Application argocd/team-b-web'],
    ['site', 'Flux Kustomization team-b/site'],
  ])('given team B\'s %s released in git and failing, when it aborts, then the release is reverted in team B\'s repository (found through the %s)', async (app) => {
    const path = `apps/${app}/rollout.yaml`;
    teamB.commit(path, teamB.show(path).replace(`ghcr.io/team-b/${app}:1.0.0`, `ghcr.io/team-b/${app}:2.0.0`), `Bump ${app} to 2.0.0`);
    const bumped = await sync(path);
    cluster.sandbox.simulator.failReadiness(podTemplateHash(bumped.spec.template!));

    const reverted = await cluster.waitFor('team-b', app, (ro) => gitRollbackSettled(ro), `${app} reverted`);

    expect(reverted.status?.rollback?.git, JSON.stringify(reverted.status?.rollback)).toMatchObject({ state: 'Committed', commit: teamB.head().sha });
    expect(teamB.head().message).toMatch(new RegExp(`^Revert "Bump ${app} to 2.0.0"`));
    expect(teamB.show(path)).toContain(`ghcr.io/team-b/${app}:1.0.0`);
  }, 60_000);
});
