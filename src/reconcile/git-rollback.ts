// Connects the gitops layer to the reconciler: discovers the Rollout's git source through the API and reverts.
import type { Logger } from '../logger.js';
import { createGitReverter } from '../gitops/git-reverter.js';
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
}

export function createGitRollback(options: GitRollbackOptions): GitRevert {
  const reader = objectReader(options.reader);
  const reverter = createGitReverter({ reader, workDir: options.workDir, logger: options.logger, allowLocalUrls: options.allowLocalGitUrls === true });
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
