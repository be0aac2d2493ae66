// The git source a Rollout's manifests come from, as discovered from its spec, Argo CD or Flux, or why there is none.
import type { SecretRef } from './git-credentials.js';

export interface GitSourceRef {
  repoURL: string;
  /** undefined: the remote's default branch. */
  branch?: string;
  /** Folder holding the manifests, repository-relative, no leading `./` or trailing `/`; '' is the root. */
  path: string;
  /** Helm values files, repository-relative, in the order they apply. */
  valueFiles: string[];
  /**
   * The Argo CD Application that renders the source: `name` as Argo CD names its parameter override file
   * (`.argocd-source-<name>.yaml`: `<name>`, or `<namespace>_<name>` outside Argo CD's namespace) and the source
   * `path` it reads that file at, which stays the Application's when spec.rollback.git.path narrows `path`.
   */
  argoCDApplication?: ArgoCDApplicationRef;
  secretRef?: SecretRef;
  /** `direct` pushes to the branch; `branch` pushes `vane/rollback/...` for someone to merge. */
  push: 'direct' | 'branch';
}

export interface ArgoCDApplicationRef {
  name: string;
  path: string;
}

export type DiscoveredSource =
  | {
      kind: 'git';
      via: 'spec' | 'argocd' | 'flux';
      /** What it was discovered from, for messages: "Application argocd/checkout". */
      origin: string;
      source: GitSourceRef;
    }
  | { kind: 'none'; reason: string };

/**
 * An Argo CD Application or Flux Kustomization that the Rollout names (labels and annotations are the Rollout
 * writer's to set) but that the cluster's side does not prove manages it: never followed, and its repository may not
 * be named by spec.rollback.git instead.
 */
export interface RefusedClaim {
  kind: 'refused';
  /** "Application argocd/checkout". */
  origin: string;
  reason: string;
  /** The claimed object's repository, when it names one. */
  repoURL?: string;
}

/** `./apps/checkout/` → `apps/checkout`; `.`, `./` and '' → ''. */
export function normalizeRepoPath(path: string | undefined): string {
  const segments = (path ?? '').split('/').filter((segment) => segment !== '' && segment !== '.');
  return segments.join('/');
}
