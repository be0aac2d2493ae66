// Where a release came from and whether its revert is deployed: the proven GitOps source, its Application or Kustomization, and git.
import type { Rollout } from '../resources/rollout.js';
import { KUSTOMIZATION_NAME_LABEL, KUSTOMIZATION_NAMESPACE_LABEL } from './flux-source.js';
import { argoCDApplicationRef } from './argocd-source.js';
import type { GitSourceRef } from './discovered-source.js';
import { noCredentials, prepareGitCredentials, readSecretData, type CredentialOptions, type GitCredentials } from './git-credentials.js';
import type { GitExecutor, GitWorkspace } from './git-executor.js';
import type { ObjectReader } from './object-reader.js';
import { objectRevision } from './release-source.js';
import { findReleaseCommit } from './revert-planner.js';
import { discoverSource, type DiscoveryOptions } from './source-discovery.js';

/** A Rollout's proven source, with what its GitOps tool says it deploys (absent for spec.rollback.git). */
export type TrackedSource =
  | { kind: 'git'; via: 'argocd' | 'flux' | 'rollback'; origin: string; source: GitSourceRef; deployed?: { revision?: string; healthy: boolean } }
  | { kind: 'none'; reason: string };

export interface ReleaseTrackerOptions {
  reader: ObjectReader;
  /** The git rollback's executor: one cached clone per repository, one user at a time. */
  executor: GitExecutor;
  discovery?: DiscoveryOptions;
  credentials?: CredentialOptions;
  historyLimit?: number;
}

/** The change a release made, by container: what it replaced and what it runs. */
export interface ReleaseChange {
  previous: Readonly<Record<string, string>>;
  release: Readonly<Record<string, string>>;
}

export class ReleaseTracker {
  constructor(private readonly options: ReleaseTrackerOptions) {}

  /** Discovery under the git rollback's proof rules: a claim it refuses yields no source here either. */
  async locate(rollout: Rollout): Promise<TrackedSource> {
    const found = await discoverSource(rollout, this.options.reader, this.options.discovery);
    if (found.kind === 'none') return found;
    if (found.via === 'spec') return { kind: 'git', via: 'rollback', origin: found.origin, source: found.source };
    const object = await this.gitopsObject(rollout, found.via);
    const deployed = object === undefined ? undefined : objectRevision(object, found.via, found.source.repoURL);
    return { kind: 'git', via: found.via, origin: found.origin, source: found.source, ...(deployed ? { deployed } : {}) };
  }

  /** The commit that brought the release's images into the source's branch. */
  releaseCommit(source: GitSourceRef, change: ReleaseChange, rollout: { namespace: string; name: string }): Promise<string | undefined> {
    return this.withRepository(source, async (workspace) => {
      const query = {
        path: source.path,
        valueFiles: source.valueFiles,
        ...(source.argoCDApplication !== undefined ? { argoCDApplication: source.argoCDApplication } : {}),
        rollout,
        stable: change.previous,
        failing: change.release,
        ...(this.options.historyLimit !== undefined ? { historyLimit: this.options.historyLimit } : {}),
      };
      return (await findReleaseCommit(workspace, query))?.sha;
    });
  }

  authoredAt(source: GitSourceRef, sha: string): Promise<string | undefined> {
    return this.withRepository(source, (workspace) => workspace.authoredAt(sha));
  }

  isAncestor(source: GitSourceRef, ancestor: string, descendant: string): Promise<boolean | undefined> {
    return this.withRepository(source, (workspace) => workspace.isAncestor(ancestor, descendant));
  }

  /** The synced clone, opened with the credentials the git rollback uses for this source. */
  private async withRepository<T>(source: GitSourceRef, work: (workspace: GitWorkspace) => Promise<T>): Promise<T> {
    const credentials = await this.credentialsFor(source);
    try {
      const access = { url: source.repoURL, ...(source.branch !== undefined ? { branch: source.branch } : {}), credentials };
      return await this.options.executor.withWorkspace(access, work);
    } finally {
      await credentials.dispose();
    }
  }

  private async credentialsFor(source: GitSourceRef): Promise<GitCredentials> {
    if (!source.secretRef) return noCredentials;
    const secret = await readSecretData(this.options.reader, source.secretRef);
    return prepareGitCredentials(source.repoURL, secret, this.options.credentials);
  }

  /** The Application or Kustomization discovery just proved: the same reference it followed. */
  private async gitopsObject(rollout: Rollout, via: 'argocd' | 'flux'): Promise<object | undefined> {
    const { reader, discovery } = this.options;
    if (via === 'argocd') {
      const ref = argoCDApplicationRef(rollout, discovery?.argoCD?.namespace ?? 'argocd');
      return ref ? reader.get('argoproj.io/v1alpha1', 'Application', ref.namespace, ref.name) : undefined;
    }
    const labels = rollout.metadata.labels ?? {};
    const name = labels[KUSTOMIZATION_NAME_LABEL];
    const namespace = labels[KUSTOMIZATION_NAMESPACE_LABEL];
    return name !== undefined && namespace !== undefined ? reader.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', namespace, name) : undefined;
  }
}
