// Finds where a Rollout's manifests live in git: spec.rollback.git, else Argo CD, else Flux, else says why not.
import type { Rollout } from '../resources/rollout.js';
import { discoverFromArgoCD, type ArgoCDOptions } from './argocd-source.js';
import { normalizeRepoPath, type DiscoveredSource } from './discovered-source.js';
import { discoverFromFlux } from './flux-source.js';
import type { ObjectReader } from './object-reader.js';

export type { DiscoveredSource, GitSourceRef } from './discovered-source.js';

export interface DiscoveryOptions {
  argoCD?: ArgoCDOptions;
}

export async function discoverSource(rollout: Rollout, reader: ObjectReader, options: DiscoveryOptions = {}): Promise<DiscoveredSource> {
  const rollback = rollout.spec.rollback;
  if (rollback?.gitRevert === false) return { kind: 'none', reason: 'git revert is disabled by spec.rollback.gitRevert: false' };
  const explicit = fromSpec(rollout);
  if (explicit) return explicit;
  const argo = await discoverFromArgoCD(rollout, reader, options.argoCD);
  if (argo.kind !== 'unclaimed') return withSpecOverrides(argo, rollout);
  const flux = await discoverFromFlux(rollout, reader);
  if (flux.kind !== 'unclaimed') return withSpecOverrides(flux, rollout);
  const nearMiss = argo.note !== undefined ? ` (${argo.note})` : '';
  return {
    kind: 'none',
    reason:
      'no git source is known: spec.rollback.git is not set, no Argo CD tracking annotation or Application instance label ' +
      `points to an Application${nearMiss}, and no Flux kustomize.toolkit.fluxcd.io labels are present`,
  };
}

function fromSpec(rollout: Rollout): DiscoveredSource | undefined {
  const git = rollout.spec.rollback?.git;
  if (!git?.repoURL) return undefined;
  const namespace = rollout.metadata.namespace ?? 'default';
  return {
    kind: 'git',
    via: 'spec',
    origin: 'spec.rollback.git',
    source: {
      repoURL: git.repoURL,
      ...(git.branch !== undefined ? { branch: git.branch } : {}),
      path: normalizeRepoPath(git.path),
      valueFiles: [],
      push: git.push ?? 'direct',
      ...(git.secretRef ? { secretRef: { namespace, name: git.secretRef.name } } : {}),
    },
  };
}

/** `spec.rollback.git` without a repoURL refines a discovered source: push mode, branch, path, credentials. */
function withSpecOverrides(found: DiscoveredSource, rollout: Rollout): DiscoveredSource {
  const git = rollout.spec.rollback?.git;
  if (found.kind !== 'git' || !git) return found;
  const namespace = rollout.metadata.namespace ?? 'default';
  return {
    ...found,
    source: {
      ...found.source,
      ...(git.branch !== undefined ? { branch: git.branch } : {}),
      ...(git.path !== undefined ? { path: normalizeRepoPath(git.path) } : {}),
      ...(git.push !== undefined ? { push: git.push } : {}),
      ...(git.secretRef ? { secretRef: { namespace, name: git.secretRef.name } } : {}),
    },
  };
}
