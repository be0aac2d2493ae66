// Connects the gitops layer to the reconcile queues: discovers the Rollout's git source through the API and reverts,
// and tracks where releases came from, both over one git executor (one cached clone per repository, one user at a time).
import type { Logger } from '../logger.js';
import { GitReverter } from '../gitops/git-reverter.js';
import type { GitExecutor } from '../gitops/git-executor.js';
import { ReleaseTracker } from '../gitops/release-tracker.js';
import { SimpleGitExecutor } from '../gitops/simple-git-executor.js';
import type { ObjectReader } from '../gitops/object-reader.js';
import { discoverSource } from '../gitops/source-discovery.js';
import type { LiveReader } from '../kube/kube-client.js';
import { Kinds, type ResourceKind } from '../kube/resource-kind.js';
import type { Rollout } from '../resources/rollout.js';
import type { GitRevert, GitRevertRequest } from './git-rollback-reconciler.js';

export interface GitRollbackOptions {
  reader: LiveReader;
  /** Where cached clones live. */
  workDir: string;
  /** Namespace of Argo CD's Applications and repository secrets; defaults to `argocd`. */
  argoCDNamespace?: string;
  /** Operator opt-in (--allow-local-git-urls) for `file://` URLs and local paths as repositories. */
  allowLocalGitUrls?: boolean;
  logger: Logger;
  /** Shared with the release source queue, so the two never work in one clone at once. */
  executor?: GitExecutor;
}

export function createGitExecutor(options: GitRollbackOptions): GitExecutor {
  return new SimpleGitExecutor({ workDir: options.workDir, logger: options.logger, allowLocalUrls: options.allowLocalGitUrls === true });
}

export function createGitRollback(options: GitRollbackOptions): GitRevert {
  const reader = objectReader(options.reader);
  const reverter = new GitReverter({ reader, executor: options.executor ?? createGitExecutor(options), logger: options.logger });
  return async (rollout: Rollout, request: GitRevertRequest) => {
    const namespace = rollout.metadata.namespace ?? 'default';
    const name = rollout.metadata.name ?? '';
    const source = await discoverSource(rollout, reader, { argoCD: { namespace: options.argoCDNamespace ?? 'argocd' } });
    const { git } = await reverter.revert({
      rollout: { namespace, name },
      source,
      stable: { podTemplateHash: request.stableHash, images: request.images.stable },
      failing: { podTemplateHash: request.failingHash, images: request.images.failing },
      release: releaseId(rollout, request.attempt),
      stableTemplate: request.templates.stable,
      failingTemplate: request.templates.failing,
      reason: request.reason,
      ...(request.actor !== undefined ? { actor: request.actor } : {}),
    });
    return git;
  };
}

/** The release source queue's view of git and of the GitOps tools, with the git rollback's discovery rules. */
export function createReleaseTracking(options: GitRollbackOptions & { executor: GitExecutor }): ReleaseTracker {
  return new ReleaseTracker({ reader: objectReader(options.reader), executor: options.executor, discovery: { argoCD: { namespace: options.argoCDNamespace ?? 'argocd' } } });
}

/** `<uid>/<attempt>`: unique per release, also across a Rollout deleted and created again under the same name. */
export function releaseId(rollout: Rollout, attempt: number): string {
  return `${rollout.metadata.uid ?? 'no-uid'}/${attempt}`;
}

/** The gitops port over live GETs: Applications and Flux sources change rarely and are read once per abort. */
function objectReader(live: LiveReader): ObjectReader {
  return {
    get: async (apiVersion, kind, namespace, name) => live.get(kindFor(apiVersion, kind), namespace, name),
    list: async (apiVersion, kind, namespace, labelSelector) => (await live.list(kindFor(apiVersion, kind), namespace, { labelSelector })).items,
  };
}

function kindFor(apiVersion: string, kind: string): ResourceKind {
  const known = Object.values(Kinds).find((k) => k.kind === kind && (k.group ? `${k.group}/${k.version}` : k.version) === apiVersion);
  if (known) return known;
  const [group, version] = apiVersion.includes('/') ? (apiVersion.split('/') as [string, string]) : ['', apiVersion];
  return { group, version, kind, plural: `${kind.toLowerCase()}s`, namespaced: true };
}
