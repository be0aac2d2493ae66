// Specification: each release record learns the git commit it came from and that commit's author time (from the
// Rollout's Argo CD Application, Flux Kustomization or spec.rollback.git, read in a real git remote), and an aborted
// release learns when its GitOps tool had synced the revert and was Healthy again; a git outage only delays the author
// time. The test plays Argo CD and Flux.
import { renameSync } from 'node:fs';
import yaml from 'js-yaml';
import { afterEach, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import { podTemplateHash } from '../../src/resources/pod-template-hash.js';
import type { RevisionRecord } from '../../src/resources/rollout.js';
import { applyManifest, createGitRemote, type GitRemote } from '../support/git-remote.js';
import { webRolloutManifest } from '../support/web-rollout-manifest.js';
import { openHarness, type Harness, type RolloutObject } from './controller-harness.js';
import { GITOPS_TOOL_CRDS } from '../security/support/tenant-cluster.js';

const APP_PROJECT: ResourceKind = { group: 'argoproj.io', version: 'v1alpha1', kind: 'AppProject', plural: 'appprojects', namespaced: true };
const IN_CLUSTER = 'https://kubernetes.default.svc';
const TIMING = { pollMs: 200, maxTries: 3, firstDelayMs: 200, maxDelayMs: 1_000, healthWindowMs: 3_600_000 };

let h: Harness | undefined;
let remote: GitRemote | undefined;

afterEach(async () => {
  await h?.close();
  remote?.remove();
  h = remote = undefined;
});

function object(apiVersion: string, kind: string, namespace: string, name: string, rest: object): KubeObject {
  return { apiVersion, kind, metadata: { name, namespace }, ...rest } as KubeObject;
}

/** A Rollout as kept in git, with the metadata Argo CD or Flux puts on what it manages; no spec.rollback.git. */
function manifest(namespace: string, name: string, image: string, metadata: { labels?: Record<string, string>; annotations?: Record<string, string> }, spec: object = {}): string {
  const template = { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } };
  return yaml.dump({
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace, ...metadata },
    spec: { replicas: 2, selector: { matchLabels: { app: name } }, template, strategy: { canary: { steps: [{ setWeight: 50 }] } }, ...spec },
  });
}

async function openGitOpsHarness(namespace: string, timing = TIMING): Promise<Harness> {
  const harness = await openHarness(namespace, { crdFiles: [GITOPS_TOOL_CRDS], releaseSourceTiming: timing });
  const { client } = harness.controller;
  for (const ns of ['argocd', 'flux-system', 'elsewhere']) await client.create(Kinds.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }).catch(() => undefined);
  await client.create(APP_PROJECT, object('argoproj.io/v1alpha1', 'AppProject', 'argocd', 'default', { spec: { sourceRepos: ['*'], destinations: [{ server: '*', namespace: '*' }] } }));
  return harness;
}

/** Argo CD's Application for `name`, deploying `destination` and recording the Rollout among its resources. */
async function createApplication(harness: Harness, git: GitRemote, app: string, rollout: { namespace: string; name: string }, destination: string): Promise<void> {
  await harness.controller.client.create(Kinds.ArgoApplication, object('argoproj.io/v1alpha1', 'Application', 'argocd', app, {
    spec: { project: 'default', source: { repoURL: git.url, path: `apps/${rollout.name}`, targetRevision: 'main' }, destination: { server: IN_CLUSTER, namespace: destination } },
    status: { resources: [{ group: 'vane.dev', version: 'v1alpha1', kind: 'Rollout', ...rollout }] },
  }));
}

/** What Argo CD reports after a sync: the revision, sync status and health. */
async function setApplicationStatus(harness: Harness, app: string, status: { revision: string; sync: 'Synced' | 'OutOfSync'; health: 'Healthy' | 'Progressing' | 'Degraded' }): Promise<void> {
  await harness.controller.client.patch(Kinds.ArgoApplication, 'argocd', app, {
    status: { sync: { status: status.sync, revision: status.revision }, health: { status: status.health }, operationState: { phase: 'Succeeded', syncResult: { revision: status.revision } } },
  }, 'merge');
}

/** Flux's Kustomization status after a reconciliation: the revision it applied and its Ready condition. */
async function setKustomizationStatus(harness: Harness, namespace: string, name: string, status: { revision: string; ready: boolean }): Promise<void> {
  const ready = status.ready ? { status: 'True', reason: 'ReconciliationSucceeded' } : { status: 'False', reason: 'HealthCheckFailed' };
  await harness.controller.client.patch(Kinds.FluxKustomization, namespace, name, { status: { lastAppliedRevision: `main@sha1:${status.revision}`, conditions: [{ type: 'Ready', ...ready }] } }, 'merge');
}

/** The bare repository moved away (every fetch and clone fails, as with a network outage); the returned function puts it back. */
function makeUnreachable(git: GitRemote): () => void {
  const away = `${git.url}.away`;
  renameSync(git.url, away);
  return () => renameSync(away, git.url);
}

function authorTime(git: GitRemote, sha: string): string {
  return new Date(git.git('log', '-1', '--format=%aI', sha)).toISOString();
}

function recordOf(ro: RolloutObject, hash: string): RevisionRecord | undefined {
  return ro.status?.history?.findLast((record) => record.podTemplateHash === hash);
}

describe('release source', () => {
  it('given a Rollout deployed by an Argo CD Application, when a release starts, then its record gets the Application\'s synced commit and that commit\'s author time from the remote', async () => {
    h = await openGitOpsHarness('argo-src');
    remote = createGitRemote();
    const tracking = { annotations: { 'argocd.argoproj.io/tracking-id': 'web:vane.dev/Rollout:argo-src/web' } };
    await createApplication(h, remote, 'web', { namespace: 'argo-src', name: 'web' }, 'argo-src');
    remote.commit('apps/web/rollout.yaml', manifest('argo-src', 'web', 'ghcr.io/acme/web:1.0.0', tracking), 'Add web');
    await setApplicationStatus(h, 'web', { revision: remote.head().sha, sync: 'Synced', health: 'Healthy' });
    await applyManifest(h.controller.client, Kinds.Rollout, remote.show('apps/web/rollout.yaml'));
    await h.waitFor('web', (ro) => ro.status?.phase === 'Healthy', 'adoption');

    remote.commit('apps/web/rollout.yaml', manifest('argo-src', 'web', 'ghcr.io/acme/web:2.0.0', tracking), 'Bump web to 2.0.0');
    const bump = remote.head().sha;
    await setApplicationStatus(h, 'web', { revision: bump, sync: 'Synced', health: 'Progressing' });
    const released = await applyManifest<RolloutObject>(h.controller.client, Kinds.Rollout, remote.show('apps/web/rollout.yaml'));
    const hash = podTemplateHash(released.spec.template!);

    const ro = await h.waitFor('web', (each) => recordOf(each, hash)?.source?.authoredAt !== undefined, 'the release source with its author time');
    expect(recordOf(ro, hash)?.source).toEqual({ commit: bump, authoredAt: authorTime(remote, bump), repoURL: remote.url, via: 'argocd' });
  }, 60_000);

  it('given a Rollout deployed by a Flux Kustomization, when a release starts, then its record gets the commit of lastAppliedRevision and its author time', async () => {
    h = await openGitOpsHarness('flux-src');
    remote = createGitRemote();
    const { client } = h.controller;
    const labels = { labels: { 'kustomize.toolkit.fluxcd.io/name': 'web', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-src' } };
    await client.create(Kinds.FluxGitRepository, object('source.toolkit.fluxcd.io/v1', 'GitRepository', 'flux-src', 'deploy', { spec: { url: remote.url, ref: { branch: 'main' } } }));
    remote.commit('apps/web/rollout.yaml', manifest('flux-src', 'web', 'ghcr.io/acme/web:1.0.0', labels), 'Add web');
    await client.create(Kinds.FluxKustomization, object('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'flux-src', 'web', {
      spec: { sourceRef: { kind: 'GitRepository', name: 'deploy' }, path: './apps/web' },
      status: { lastAppliedRevision: `main@sha1:${remote.head().sha}`, inventory: { entries: [{ id: 'flux-src_web_vane.dev_Rollout', v: 'v1alpha1' }] } },
    }));
    await applyManifest(client, Kinds.Rollout, remote.show('apps/web/rollout.yaml'));
    await h.waitFor('web', (ro) => ro.status?.phase === 'Healthy', 'adoption');

    remote.commit('apps/web/rollout.yaml', manifest('flux-src', 'web', 'ghcr.io/acme/web:2.0.0', labels), 'Bump web to 2.0.0');
    const bump = remote.head().sha;
    await client.patch(Kinds.FluxKustomization, 'flux-src', 'web', { status: { lastAppliedRevision: `main@sha1:${bump}`, conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded' }] } }, 'merge');
    const released = await applyManifest<RolloutObject>(client, Kinds.Rollout, remote.show('apps/web/rollout.yaml'));
    const hash = podTemplateHash(released.spec.template!);

    const ro = await h.waitFor('web', (each) => recordOf(each, hash)?.source?.authoredAt !== undefined, 'the release source with its author time');
    expect(recordOf(ro, hash)?.source).toEqual({ commit: bump, authoredAt: authorTime(remote, bump), repoURL: remote.url, via: 'flux' });
  }, 60_000);

  it('given git unreachable while the author time is looked up, when a release starts, then its record gets the Application\'s commit without authoredAt, and authoredAt once git is back', async () => {
    h = await openGitOpsHarness('git-down', { ...TIMING, maxTries: 20, firstDelayMs: 200, maxDelayMs: 500 });
    remote = createGitRemote();
    const tracking = { annotations: { 'argocd.argoproj.io/tracking-id': 'web:vane.dev/Rollout:git-down/web' } };
    await createApplication(h, remote, 'web', { namespace: 'git-down', name: 'web' }, 'git-down');
    remote.commit('apps/web/rollout.yaml', manifest('git-down', 'web', 'ghcr.io/acme/web:1.0.0', tracking), 'Add web');
    await setApplicationStatus(h, 'web', { revision: remote.head().sha, sync: 'Synced', health: 'Healthy' });
    await applyManifest(h.controller.client, Kinds.Rollout, remote.show('apps/web/rollout.yaml'));
    await h.waitFor('web', (ro) => ro.status?.phase === 'Healthy', 'adoption');

    remote.commit('apps/web/rollout.yaml', manifest('git-down', 'web', 'ghcr.io/acme/web:2.0.0', tracking), 'Bump web to 2.0.0');
    const bump = remote.head().sha;
    const desired = remote.show('apps/web/rollout.yaml');
    await setApplicationStatus(h, 'web', { revision: bump, sync: 'Synced', health: 'Progressing' });
    const reachable = makeUnreachable(remote);
    const released = await applyManifest<RolloutObject>(h.controller.client, Kinds.Rollout, desired);
    const hash = podTemplateHash(released.spec.template!);

    const partial = await h.waitFor('web', (each) => recordOf(each, hash)?.source !== undefined, 'the release source without its author time');
    expect(recordOf(partial, hash)?.source).toEqual({ commit: bump, repoURL: remote.url, via: 'argocd' });
    // Several retries fail while git is away; none of them invents an author time.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(recordOf((await h.controller.client.get<RolloutObject>(Kinds.Rollout, 'git-down', 'web'))!, hash)?.source?.authoredAt).toBeUndefined();

    reachable();
    const ro = await h.waitFor('web', (each) => recordOf(each, hash)?.source?.authoredAt !== undefined, 'the author time once git is back');
    expect(recordOf(ro, hash)?.source).toEqual({ commit: bump, authoredAt: authorTime(remote, bump), repoURL: remote.url, via: 'argocd' });
  }, 60_000);

  it('given a Rollout with spec.rollback.git only, when a release starts, then its record gets the commit that brought its image into the repository', async () => {
    h = await openGitOpsHarness('spec-src');
    remote = createGitRemote();
    const file = 'apps/web/rollout.yaml';
    remote.commit(file, webRolloutManifest({ namespace: 'spec-src', image: 'ghcr.io/acme/web:1.0.0', repoURL: remote.url }), 'Add web');
    await applyManifest(h.controller.client, Kinds.Rollout, remote.show(file));
    await h.waitFor('web', (ro) => ro.status?.phase === 'Healthy', 'adoption');
    remote.commit(file, webRolloutManifest({ namespace: 'spec-src', image: 'ghcr.io/acme/web:2.0.0', repoURL: remote.url }), 'Bump web to 2.0.0');
    const bump = remote.head().sha;
    // A later commit that leaves the Rollout alone is not the release's commit.
    remote.commit('README.md', 'docs\n', 'Document web');
    const released = await applyManifest<RolloutObject>(h.controller.client, Kinds.Rollout, remote.show(file));
    const hash = podTemplateHash(released.spec.template!);

    const ro = await h.waitFor('web', (each) => recordOf(each, hash)?.source?.authoredAt !== undefined, 'the release source with its author time');
    expect(recordOf(ro, hash)?.source).toEqual({ commit: bump, authoredAt: authorTime(remote, bump), repoURL: remote.url, via: 'rollback' });
  }, 60_000);

  it('given a Rollout naming an Application that deploys to another namespace (a claim discovery refuses), when a release starts, then its record gets no source while a proven sibling\'s does', async () => {
    h = await openGitOpsHarness('claims');
    remote = createGitRemote();
    const { client } = h.controller;
    const claimed = (name: string): { annotations: Record<string, string> } => ({ annotations: { 'argocd.argoproj.io/tracking-id': `${name}:vane.dev/Rollout:claims/${name}` } });
    await createApplication(h, remote, 'proven', { namespace: 'claims', name: 'proven' }, 'claims');
    await createApplication(h, remote, 'claimed', { namespace: 'claims', name: 'claimed' }, 'elsewhere');
    for (const name of ['proven', 'claimed']) {
      remote.commit(`apps/${name}/rollout.yaml`, manifest('claims', name, `ghcr.io/acme/${name}:1.0.0`, claimed(name)), `Add ${name}`);
      await applyManifest(client, Kinds.Rollout, remote.show(`apps/${name}/rollout.yaml`));
      await h.waitFor(name, (ro) => ro.status?.phase === 'Healthy', `${name} adopted`);
    }
    const hashes: Record<string, string> = {};
    for (const name of ['claimed', 'proven']) {
      remote.commit(`apps/${name}/rollout.yaml`, manifest('claims', name, `ghcr.io/acme/${name}:2.0.0`, claimed(name)), `Bump ${name}`);
      await setApplicationStatus(h, name, { revision: remote.head().sha, sync: 'Synced', health: 'Progressing' });
      const released = await applyManifest<RolloutObject>(client, Kinds.Rollout, remote.show(`apps/${name}/rollout.yaml`));
      hashes[name] = podTemplateHash(released.spec.template!);
    }

    await h.waitFor('proven', (ro) => recordOf(ro, hashes['proven']!)?.source !== undefined, 'the proven release\'s source');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const refused = await client.get<RolloutObject>(Kinds.Rollout, 'claims', 'claimed');
    expect(recordOf(refused!, hashes['claimed']!)).toBeDefined();
    expect(recordOf(refused!, hashes['claimed']!)?.source).toBeUndefined();
  }, 60_000);
});

describe('GitOps healthy after a revert', () => {
  it('given an aborted release reverted in git, when the Application is Synced and Healthy at a descendant of the revert, then the record gets gitopsHealthyAt and a GitOpsHealthy Event; not before', async () => {
    h = await openGitOpsHarness('argo-heal');
    remote = createGitRemote();
    const { client } = h.controller;
    const file = 'apps/web/rollout.yaml';
    const tracking = { annotations: { 'argocd.argoproj.io/tracking-id': 'web:vane.dev/Rollout:argo-heal/web' } };
    const deadline = { progressDeadlineSeconds: 2 };
    await createApplication(h, remote, 'web', { namespace: 'argo-heal', name: 'web' }, 'argo-heal');
    remote.commit(file, manifest('argo-heal', 'web', 'ghcr.io/acme/web:1.0.0', tracking, deadline), 'Add web');
    await applyManifest(client, Kinds.Rollout, remote.show(file));
    await h.waitFor('web', (ro) => ro.status?.phase === 'Healthy', 'adoption');

    remote.commit(file, manifest('argo-heal', 'web', 'ghcr.io/acme/web:2.0.0', tracking, deadline), 'Bump web to 2.0.0');
    const bump = remote.head().sha;
    await setApplicationStatus(h, 'web', { revision: bump, sync: 'Synced', health: 'Progressing' });
    const released = await applyManifest<RolloutObject>(client, Kinds.Rollout, remote.show(file));
    const failing = podTemplateHash(released.spec.template!);
    h.cluster.workloads.failReadiness(failing);
    const aborted = await h.waitFor('web', (ro) => ro.status?.rollback?.git?.state === 'Committed', 'abort and revert', 30_000);
    const revert = aborted.status!.rollback!.git!.commit!;
    expect(revert).toBe(remote.head().sha);

    // Synced and Healthy, but still at the failing release: not the revert.
    await setApplicationStatus(h, 'web', { revision: bump, sync: 'Synced', health: 'Healthy' });
    await new Promise((resolve) => setTimeout(resolve, 4 * TIMING.pollMs));
    expect(recordOf((await client.get<RolloutObject>(Kinds.Rollout, 'argo-heal', 'web'))!, failing)?.gitopsHealthyAt).toBeUndefined();

    remote.commit('README.md', 'docs\n', 'Document web');
    const descendant = remote.head().sha;
    const before = Date.now();
    await setApplicationStatus(h, 'web', { revision: descendant, sync: 'Synced', health: 'Healthy' });
    const healed = await h.waitFor('web', (ro) => recordOf(ro, failing)?.gitopsHealthyAt !== undefined, 'gitopsHealthyAt');
    const record = recordOf(healed, failing)!;
    expect(record.outcome).toBe('Aborted');
    expect(Date.parse(record.gitopsHealthyAt!)).toBeGreaterThanOrEqual(before - 1_000);
    const events = await h.eventsWith('web', ['GitOpsHealthy']);
    expect(events.find((e) => e.reason === 'GitOpsHealthy')?.note).toContain(revert.slice(0, 12));
  }, 90_000);
  it('given an aborted Flux release reverted in git, when the Kustomization is Ready with lastAppliedRevision at a descendant of the revert, then the record gets gitopsHealthyAt and a GitOpsHealthy Event; not at the failing commit nor while not Ready', async () => {
    h = await openGitOpsHarness('flux-heal');
    remote = createGitRemote();
    const { client } = h.controller;
    const file = 'apps/web/rollout.yaml';
    const labels = { labels: { 'kustomize.toolkit.fluxcd.io/name': 'web', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-heal' } };
    const deadline = { progressDeadlineSeconds: 2 };
    await client.create(Kinds.FluxGitRepository, object('source.toolkit.fluxcd.io/v1', 'GitRepository', 'flux-heal', 'deploy', { spec: { url: remote.url, ref: { branch: 'main' } } }));
    remote.commit(file, manifest('flux-heal', 'web', 'ghcr.io/acme/web:1.0.0', labels, deadline), 'Add web');
    await client.create(Kinds.FluxKustomization, object('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', 'flux-heal', 'web', {
      spec: { sourceRef: { kind: 'GitRepository', name: 'deploy' }, path: './apps/web' },
      status: { lastAppliedRevision: `main@sha1:${remote.head().sha}`, inventory: { entries: [{ id: 'flux-heal_web_vane.dev_Rollout', v: 'v1alpha1' }] } },
    }));
    await applyManifest(client, Kinds.Rollout, remote.show(file));
    await h.waitFor('web', (ro) => ro.status?.phase === 'Healthy', 'adoption');

    remote.commit(file, manifest('flux-heal', 'web', 'ghcr.io/acme/web:2.0.0', labels, deadline), 'Bump web to 2.0.0');
    const bump = remote.head().sha;
    await setKustomizationStatus(h, 'flux-heal', 'web', { revision: bump, ready: false });
    const released = await applyManifest<RolloutObject>(client, Kinds.Rollout, remote.show(file));
    const failing = podTemplateHash(released.spec.template!);
    h.cluster.workloads.failReadiness(failing);
    const aborted = await h.waitFor('web', (ro) => ro.status?.rollback?.git?.state === 'Committed', 'abort and revert', 30_000);
    const revert = aborted.status!.rollback!.git!.commit!;
    expect(revert).toBe(remote.head().sha);
    const unhealed = async (): Promise<string | undefined> => {
      await new Promise((resolve) => setTimeout(resolve, 4 * TIMING.pollMs));
      return recordOf((await client.get<RolloutObject>(Kinds.Rollout, 'flux-heal', 'web'))!, failing)?.gitopsHealthyAt;
    };

    // Ready, but still at the failing release: not the revert.
    await setKustomizationStatus(h, 'flux-heal', 'web', { revision: bump, ready: true });
    expect(await unhealed()).toBeUndefined();
    remote.commit('README.md', 'docs\n', 'Document web');
    const descendant = remote.head().sha;
    // At a commit containing the revert, but not Ready.
    await setKustomizationStatus(h, 'flux-heal', 'web', { revision: descendant, ready: false });
    expect(await unhealed()).toBeUndefined();

    const before = Date.now();
    await setKustomizationStatus(h, 'flux-heal', 'web', { revision: descendant, ready: true });
    const healed = await h.waitFor('web', (ro) => recordOf(ro, failing)?.gitopsHealthyAt !== undefined, 'gitopsHealthyAt');
    const record = recordOf(healed, failing)!;
    expect(record.outcome).toBe('Aborted');
    expect(Date.parse(record.gitopsHealthyAt!)).toBeGreaterThanOrEqual(before - 1_000);
    const note = (await h.eventsWith('web', ['GitOpsHealthy'])).find((e) => e.reason === 'GitOpsHealthy')?.note;
    expect(note).toContain(descendant.slice(0, 12));
    expect(note).toContain(revert.slice(0, 12));
  }, 90_000);
});
