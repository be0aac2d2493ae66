// Reading a release's git commit off Argo CD and Flux objects, and which release records still wait for it or for GitOps health.
import { releaseIdentity, type ReleaseRevert, type RevisionRecord, type RolloutStatus } from '../resources/rollout.js';
import { normalizeRepoUrl } from './repo-url.js';
import { arrayAt, isRecord, stringAt } from './unstructured.js';

/** Only releases started this recently get a source: a controller upgrade must not walk a Rollout's old history. */
export const SOURCE_WINDOW_MS = 24 * 60 * 60 * 1000;

/** A full SHA-1 (or SHA-256) object name, as Argo CD and Flux report a git revision. */
export function isCommitSha(value: string): boolean {
  return /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(value);
}

/**
 * The commit of a Flux `lastAppliedRevision`: `main@sha1:<sha>` (Flux 2.x), `sha1:<sha>` (a pinned commit),
 * `main/<sha>` (before Flux 2.0) or a bare SHA. Undefined for anything else, an OCI digest (`latest@sha256:…`)
 * included: that names an artifact, not a git commit.
 */
export function parseFluxRevision(revision: string | undefined): string | undefined {
  if (revision === undefined) return undefined;
  const value = revision.trim().toLowerCase();
  const current = /(?:^|@)sha1:([0-9a-f]{40})$/.exec(value);
  if (current) return current[1];
  if (value.includes('@')) return undefined;
  const legacy = /^(?:.+\/)?([0-9a-f]{40})$/.exec(value);
  return legacy?.[1];
}

/** What an Argo CD Application says about its sync and health, for the source repository `repoURL`. */
export interface ArgoCDState {
  /** The commit the live state was synced from, when Argo CD says so. */
  revision?: string;
  synced: boolean;
  healthy: boolean;
}

/**
 * `status.sync.revision` when the Application is Synced (the live state is that commit), else the revision its last
 * sync applied (`status.operationState.syncResult.revision`): an OutOfSync Application's sync.revision is a newer
 * commit Argo CD has not applied. Multi-source Applications report `revisions`, one per spec.sources entry; the one
 * of the source's repository is taken.
 */
export function argoCDState(app: unknown, repoURL: string): ArgoCDState {
  const synced = stringAt(app, ['status', 'sync', 'status']) === 'Synced';
  const healthy = stringAt(app, ['status', 'health', 'status']) === 'Healthy';
  const index = sourceIndex(app, repoURL);
  const revisionOf = (base: string[]): string | undefined => {
    const single = stringAt(app, [...base, 'revision']);
    if (single !== undefined && single !== '') return single;
    return index === undefined ? undefined : stringAt(app, [...base, 'revisions', index]);
  };
  const revision = synced ? revisionOf(['status', 'sync']) : revisionOf(['status', 'operationState', 'syncResult']);
  return { ...(revision !== undefined && isCommitSha(revision) ? { revision } : {}), synced, healthy };
}

function sourceIndex(app: unknown, repoURL: string): number | undefined {
  const wanted = normalizeRepoUrl(repoURL);
  const index = arrayAt(app, ['spec', 'sources']).findIndex((source) => isRecord(source) && normalizeRepoUrl(stringAt(source, ['repoURL']) ?? '') === wanted);
  return index >= 0 ? index : undefined;
}

/** What a Flux Kustomization says: the commit it last applied and whether its Ready condition is True. */
export interface FluxState {
  revision?: string;
  ready: boolean;
}

export function fluxState(kustomization: unknown): FluxState {
  const revision = parseFluxRevision(stringAt(kustomization, ['status', 'lastAppliedRevision']));
  const ready = arrayAt(kustomization, ['status', 'conditions']).some((c) => stringAt(c, ['type']) === 'Ready' && stringAt(c, ['status']) === 'True');
  return { ...(revision !== undefined ? { revision } : {}), ready };
}

/** Records without a source that started within the window, newest first. */
export function releasesAwaitingSource(history: readonly RevisionRecord[] | undefined, now: number, windowMs = SOURCE_WINDOW_MS): RevisionRecord[] {
  return [...(history ?? [])].reverse().filter((record) => record.source === undefined && now - Date.parse(record.startedAt) <= windowMs);
}

/** Records with a source whose author time is still unknown (git was unreachable), within the window, newest first. */
export function releasesAwaitingAuthorTime(history: readonly RevisionRecord[] | undefined, now: number, windowMs = SOURCE_WINDOW_MS): RevisionRecord[] {
  return [...(history ?? [])].reverse().filter((record) => record.source !== undefined && record.source.authoredAt === undefined && now - Date.parse(record.startedAt) <= windowMs);
}

/**
 * The revert of an aborted release: the record's own, else the git rollback in status that reverted this release
 * (same pod template hash and attempt), when it committed or found the revert.
 */
export function revertOf(record: RevisionRecord, status: RolloutStatus | undefined): ReleaseRevert | undefined {
  if (record.revert) return record.revert;
  const git = status?.rollback?.git;
  if (!git?.commit || (git.state !== 'Committed' && git.state !== 'AlreadyReverted')) return undefined;
  if (git.failingPodHash !== record.podTemplateHash || (git.attempt ?? 1) !== (record.attempt ?? 1)) return undefined;
  return { commit: git.commit, ...(git.repoURL !== undefined ? { repoURL: git.repoURL } : {}), at: status?.rollback?.at ?? record.finishedAt ?? record.startedAt };
}

/** Aborted releases reverted in git whose GitOps tool has not yet been seen synced and Healthy on the revert. */
export function releasesAwaitingGitOpsHealth(status: RolloutStatus | undefined): Array<{ record: RevisionRecord; revert: ReleaseRevert }> {
  return (status?.history ?? []).flatMap((record) => {
    if (record.outcome !== 'Aborted' || record.gitopsHealthyAt !== undefined) return [];
    const revert = revertOf(record, status);
    return revert ? [{ record, revert }] : [];
  });
}

/**
 * Whether the GitOps tool's revision deploys the revert: the revert commit itself, or a descendant of it. `isAncestor`
 * is git's answer (`merge-base --is-ancestor`); undefined when git could not be asked, and then only the same SHA counts.
 */
export function deploysRevert(revision: string | undefined, revertCommit: string, isAncestor: boolean | undefined): boolean {
  if (revision === undefined) return false;
  return revision === revertCommit || isAncestor === true;
}

/** Whether two records are the same release (releaseIdentity). */
export function sameRelease(a: RevisionRecord, b: RevisionRecord): boolean {
  return releaseIdentity(a) === releaseIdentity(b);
}

/** The commit an Application or Kustomization deploys, and whether it is synced and Healthy (Argo CD) or Ready (Flux). */
export function objectRevision(object: unknown, via: 'argocd' | 'flux', repoURL: string): { revision?: string; healthy: boolean } {
  if (via === 'argocd') {
    const state = argoCDState(object, repoURL);
    return { ...(state.revision !== undefined ? { revision: state.revision } : {}), healthy: state.synced && state.healthy };
  }
  const state = fluxState(object);
  return { ...(state.revision !== undefined ? { revision: state.revision } : {}), healthy: state.ready };
}
