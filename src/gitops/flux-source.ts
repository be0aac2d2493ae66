// Git source of a Flux-managed Rollout: kustomize.toolkit.fluxcd.io labels → Kustomization, proven from Flux's side → GitRepository.
import type { Rollout } from '../resources/rollout.js';
import { normalizeRepoPath, type DiscoveredSource, type RefusedClaim } from './discovered-source.js';
import type { ObjectReader } from './object-reader.js';
import { arrayAt, isRecord, recordAt, stringAt } from './unstructured.js';

export const KUSTOMIZATION_NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name';
export const KUSTOMIZATION_NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace';

export interface FluxOptions {
  /**
   * Namespace of the Flux installation (`flux-system`): its Kustomizations are the cluster admins', who may deploy
   * into any namespace and refer to sources in any namespace.
   */
  namespace?: string;
}

export type FluxDiscovery = DiscoveredSource | RefusedClaim | { kind: 'unclaimed' };

/** source-controller checks out `master` when a GitRepository names no ref. */
const FLUX_DEFAULT_BRANCH = 'master';

interface KustomizationRef {
  namespace: string;
  name: string;
}

export async function discoverFromFlux(rollout: Rollout, reader: ObjectReader, options: FluxOptions = {}): Promise<FluxDiscovery> {
  const labels = rollout.metadata.labels ?? {};
  const name = labels[KUSTOMIZATION_NAME_LABEL];
  const namespace = labels[KUSTOMIZATION_NAMESPACE_LABEL];
  if (name === undefined || namespace === undefined) return { kind: 'unclaimed' };
  const label = `Kustomization ${namespace}/${name}`;
  const kustomization = await reader.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', namespace, name);
  if (!isRecord(kustomization)) return { kind: 'none', reason: `the Flux labels name ${label}, which does not exist` };
  const sourceKind = stringAt(kustomization, ['spec', 'sourceRef', 'kind']);
  const sourceName = stringAt(kustomization, ['spec', 'sourceRef', 'name']);
  const sourceNamespace = stringAt(kustomization, ['spec', 'sourceRef', 'namespace']) || namespace;
  const rolloutId = { namespace: rollout.metadata.namespace ?? 'default', name: rollout.metadata.name ?? '' };
  const why = whyNotProven(kustomization, { namespace, name }, rolloutId, { sourceNamespace, fluxNamespace: options.namespace ?? 'flux-system' });
  if (why !== undefined) {
    const repoURL = sourceKind === 'GitRepository' && sourceName !== undefined ? await gitRepositoryUrl(reader, sourceNamespace, sourceName) : undefined;
    return { kind: 'refused', origin: label, reason: `${label} does not manage Rollout ${rolloutId.namespace}/${rolloutId.name}: ${why}`, ...(repoURL !== undefined ? { repoURL } : {}) };
  }
  if (sourceKind !== 'GitRepository' || sourceName === undefined) {
    return { kind: 'none', reason: `${label} takes its manifests from a ${sourceKind ?? 'missing'} source, not a GitRepository` };
  }
  const repoLabel = `GitRepository ${sourceNamespace}/${sourceName}`;
  const repository = await reader.get('source.toolkit.fluxcd.io/v1', 'GitRepository', sourceNamespace, sourceName);
  if (!isRecord(repository)) return { kind: 'none', reason: `${label} refers to ${repoLabel}, which does not exist` };
  const repoURL = stringAt(repository, ['spec', 'url']);
  if (repoURL === undefined) return { kind: 'none', reason: `${repoLabel} has no spec.url` };
  const branch = trackedBranch(recordAt(repository, ['spec', 'ref']));
  if (typeof branch !== 'string') return { kind: 'none', reason: `${repoLabel} is pinned to ${branch.pinned}; a revert cannot be pushed there` };
  // source-controller reads a GitRepository's secretRef from the GitRepository's own namespace, and so does Vane.
  const secretName = stringAt(repository, ['spec', 'secretRef', 'name']);
  const path = normalizeRepoPath(stringAt(kustomization, ['spec', 'path']));
  return {
    kind: 'git',
    via: 'flux',
    origin: `${label} (${repoLabel})`,
    source: {
      repoURL,
      branch,
      path,
      valueFiles: [],
      push: 'direct',
      ...(secretName !== undefined ? { secretRef: { namespace: sourceNamespace, name: secretName } } : {}),
    },
  };
}

interface SourceScope {
  sourceNamespace: string;
  fluxNamespace: string;
}

/**
 * Why the Kustomization is not proven to manage the Rollout, or undefined when it is:
 * - a sourceRef into another namespace is followed only from a Kustomization in Flux's own namespace: anyone who may
 *   write a Kustomization elsewhere could otherwise borrow another namespace's repository and credentials (Flux
 *   itself refuses such references with --no-cross-namespace-refs, which multi-tenant clusters set);
 * - the Rollout's namespace must be the Kustomization's spec.targetNamespace, else its own namespace (Kustomizations
 *   in Flux's namespace, the cluster admins', may deploy anywhere and are held to their inventory alone);
 * - kustomize-controller's inventory (status.inventory.entries) must list the Rollout.
 */
function whyNotProven(kustomization: Record<string, unknown>, self: KustomizationRef, rollout: KustomizationRef, scope: SourceScope): string | undefined {
  if (scope.sourceNamespace !== self.namespace && self.namespace !== scope.fluxNamespace) {
    const kind = stringAt(kustomization, ['spec', 'sourceRef', 'kind']) ?? 'source';
    const name = stringAt(kustomization, ['spec', 'sourceRef', 'name']) ?? '';
    return `its sourceRef names ${kind} ${scope.sourceNamespace}/${name} in another namespace, which Vane follows only from Kustomizations in ${scope.fluxNamespace}`;
  }
  const target = stringAt(kustomization, ['spec', 'targetNamespace']) || undefined;
  if (target !== undefined && target !== rollout.namespace) return `it applies to namespace ${target} (spec.targetNamespace), not ${rollout.namespace}`;
  if (target === undefined && self.namespace !== scope.fluxNamespace && self.namespace !== rollout.namespace) {
    return `it applies to its own namespace ${self.namespace}, not ${rollout.namespace}`;
  }
  const inventory = arrayAt(kustomization, ['status', 'inventory', 'entries']).map((entry) => stringAt(entry, ['id']));
  if (!inventory.includes(`${rollout.namespace}_${rollout.name}_vane.dev_Rollout`)) {
    return `its status.inventory does not list Rollout ${rollout.namespace}/${rollout.name}`;
  }
  return undefined;
}

async function gitRepositoryUrl(reader: ObjectReader, namespace: string, name: string): Promise<string | undefined> {
  const repository = await reader.get('source.toolkit.fluxcd.io/v1', 'GitRepository', namespace, name);
  return stringAt(repository, ['spec', 'url']);
}

/** The branch a GitRepository follows, in source-controller's precedence: commit > name > semver > tag > branch. */
function trackedBranch(ref: Record<string, unknown> | undefined): string | { pinned: string } {
  const commit = stringAt(ref, ['commit']);
  if (commit !== undefined) return { pinned: `commit ${commit}` };
  const name = stringAt(ref, ['name']);
  if (name !== undefined) return name.startsWith('refs/heads/') ? name.slice('refs/heads/'.length) : { pinned: `reference ${name}` };
  const semver = stringAt(ref, ['semver']);
  if (semver !== undefined) return { pinned: `tags matching ${semver}` };
  const tag = stringAt(ref, ['tag']);
  if (tag !== undefined) return { pinned: `tag ${tag}` };
  return stringAt(ref, ['branch']) ?? FLUX_DEFAULT_BRANCH;
}
