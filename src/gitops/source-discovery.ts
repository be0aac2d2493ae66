// Finds where a Rollout's manifests live in git: spec.rollback.git, else Argo CD, else Flux, else says why not.
//
// A Rollout's labels and annotations are set by whoever writes the Rollout, so they only name a candidate; the Argo CD
// and Flux modules follow it only when the cluster's side proves the link. spec.rollback.git is the Rollout writer's
// own statement and is held to what that writer may do anyway (see fromSpec and withSpecOverrides).
import type { Rollout } from '../resources/rollout.js';
import { discoverFromArgoCD, type ArgoCDOptions } from './argocd-source.js';
import { normalizeRepoPath, type DiscoveredSource, type RefusedClaim } from './discovered-source.js';
import { discoverFromFlux, type FluxOptions } from './flux-source.js';
import type { ObjectReader } from './object-reader.js';
import { normalizeRepoUrl, redactUrl } from './repo-url.js';

export type { DiscoveredSource, GitSourceRef } from './discovered-source.js';

export interface DiscoveryOptions {
  argoCD?: ArgoCDOptions;
  flux?: FluxOptions;
}

/** Prefix of every reason a revert is refused for, so status tells a refusal from a missing configuration. */
export const REFUSED = 'git revert refused';

/** What the Rollout's Argo CD and Flux metadata lead to: a proven source (or why it has none), and the refused claims. */
interface Claims {
  found?: DiscoveredSource;
  refused: RefusedClaim[];
  /** A near miss (an instance label naming no Application), for the "no source" reason. */
  note?: string;
}

export async function discoverSource(rollout: Rollout, reader: ObjectReader, options: DiscoveryOptions = {}): Promise<DiscoveredSource> {
  const rollback = rollout.spec.rollback;
  if (rollback?.gitRevert === false) return { kind: 'none', reason: 'git revert is disabled by spec.rollback.gitRevert: false' };
  const claims = await claimedSources(rollout, reader, options);
  const explicit = fromSpec(rollout, claims.refused);
  if (explicit) return explicit;
  if (claims.found) return withSpecOverrides(claims.found, rollout);
  if (claims.refused.length > 0) return { kind: 'none', reason: `${REFUSED}: ${claims.refused.map((claim) => claim.reason).join('; ')}` };
  const nearMiss = claims.note !== undefined ? ` (${claims.note})` : '';
  return {
    kind: 'none',
    reason:
      'no git source is known: spec.rollback.git is not set, no Argo CD tracking annotation or Application instance label ' +
      `points to an Application${nearMiss}, and no Flux kustomize.toolkit.fluxcd.io labels are present`,
  };
}

/**
 * Argo CD first, then Flux. A refused claim does not stop the other tool's proven one (a Helm chart's own instance
 * label may name an unrelated Application), but every refused claim is kept for the spec.rollback.git rule.
 */
async function claimedSources(rollout: Rollout, reader: ObjectReader, options: DiscoveryOptions): Promise<Claims> {
  const argo = await discoverFromArgoCD(rollout, reader, options.argoCD);
  if (argo.kind === 'git' || argo.kind === 'none') return { found: argo, refused: [] };
  const refused = argo.kind === 'refused' ? [argo] : [];
  const note = argo.kind === 'unclaimed' ? argo.note : undefined;
  const flux = await discoverFromFlux(rollout, reader, options.flux);
  if (flux.kind === 'refused') refused.push(flux);
  const found = flux.kind === 'git' || flux.kind === 'none' ? flux : undefined;
  return { ...(found ? { found } : {}), refused, ...(note !== undefined ? { note } : {}) };
}

/**
 * `spec.rollback.git.repoURL`: the Rollout writer names the repository, and Vane pushes with the Rollout writer's
 * credentials only — `secretRef` from the Rollout's own namespace, never Argo CD's or Flux's secrets; without it, none.
 * Its repoURL may not be the repository of an Application or Kustomization that the Rollout names but that does not
 * manage it: that would point another application's source at this Rollout.
 */
function fromSpec(rollout: Rollout, refused: RefusedClaim[]): DiscoveredSource | undefined {
  const git = rollout.spec.rollback?.git;
  if (!git?.repoURL) return undefined;
  const repoURL = normalizeRepoUrl(git.repoURL);
  const claim = refused.find((each) => each.repoURL !== undefined && normalizeRepoUrl(each.repoURL) === repoURL);
  if (claim) {
    return {
      kind: 'none',
      reason: `${REFUSED}: spec.rollback.git.repoURL ${redactUrl(git.repoURL)} is the repository of ${claim.origin}, which the Rollout names but which does not manage it (${claim.reason})`,
    };
  }
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

/**
 * `spec.rollback.git` without a repoURL refines a proven Argo CD or Flux source, within it: `push` freely, `path` only
 * to a folder inside the discovered one, `branch` only as the branch the GitOps tool follows. `secretRef` is refused:
 * the credentials of a discovered source are the ones Argo CD or Flux use for it, never a Secret the Rollout names
 * (to push with other credentials, give spec.rollback.git.repoURL as well).
 */
function withSpecOverrides(found: DiscoveredSource, rollout: Rollout): DiscoveredSource {
  const git = rollout.spec.rollback?.git;
  if (found.kind !== 'git' || !git) return found;
  const refuse = (why: string): DiscoveredSource => ({ kind: 'none', reason: `${REFUSED}: ${why} of ${found.origin}` });
  if (git.secretRef) return refuse(`spec.rollback.git.secretRef cannot replace the credentials Argo CD or Flux use for the repository`);
  const path = git.path !== undefined ? normalizeRepoPath(git.path) : found.source.path;
  if (!isWithin(path, found.source.path)) return refuse(`spec.rollback.git.path ${path || '(root)'} is outside the path ${found.source.path || '(root)'}`);
  if (git.branch !== undefined && git.branch !== found.source.branch) {
    return refuse(`spec.rollback.git.branch ${git.branch} is not the branch ${found.source.branch ?? '(the default branch)'}`);
  }
  return { ...found, source: { ...found.source, path, ...(git.push !== undefined ? { push: git.push } : {}) } };
}

function isWithin(path: string, folder: string): boolean {
  if (path.split('/').includes('..')) return false;
  return folder === '' || path === folder || path.startsWith(`${folder}/`);
}
