// Git source of a Flux-managed Rollout: kustomize.toolkit.fluxcd.io labels → Kustomization → GitRepository.
import type { Rollout } from '../resources/rollout.js';
import { normalizeRepoPath, type DiscoveredSource } from './discovered-source.js';
import type { ObjectReader } from './object-reader.js';
import { isRecord, recordAt, stringAt } from './unstructured.js';

export const KUSTOMIZATION_NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name';
export const KUSTOMIZATION_NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace';

export type FluxDiscovery = DiscoveredSource | { kind: 'unclaimed' };

/** source-controller checks out `master` when a GitRepository names no ref. */
const FLUX_DEFAULT_BRANCH = 'master';

export async function discoverFromFlux(rollout: Rollout, reader: ObjectReader): Promise<FluxDiscovery> {
  const labels = rollout.metadata.labels ?? {};
  const name = labels[KUSTOMIZATION_NAME_LABEL];
  const namespace = labels[KUSTOMIZATION_NAMESPACE_LABEL];
  if (name === undefined || namespace === undefined) return { kind: 'unclaimed' };
  const label = `Kustomization ${namespace}/${name}`;
  const kustomization = await reader.get('kustomize.toolkit.fluxcd.io/v1', 'Kustomization', namespace, name);
  if (!isRecord(kustomization)) return { kind: 'none', reason: `the Flux labels name ${label}, which does not exist` };
  const sourceKind = stringAt(kustomization, ['spec', 'sourceRef', 'kind']);
  const sourceName = stringAt(kustomization, ['spec', 'sourceRef', 'name']);
  if (sourceKind !== 'GitRepository' || sourceName === undefined) {
    return { kind: 'none', reason: `${label} takes its manifests from a ${sourceKind ?? 'missing'} source, not a GitRepository` };
  }
  const sourceNamespace = stringAt(kustomization, ['spec', 'sourceRef', 'namespace']) ?? namespace;
  const repoLabel = `GitRepository ${sourceNamespace}/${sourceName}`;
  const repository = await reader.get('source.toolkit.fluxcd.io/v1', 'GitRepository', sourceNamespace, sourceName);
  if (!isRecord(repository)) return { kind: 'none', reason: `${label} refers to ${repoLabel}, which does not exist` };
  const repoURL = stringAt(repository, ['spec', 'url']);
  if (repoURL === undefined) return { kind: 'none', reason: `${repoLabel} has no spec.url` };
  const branch = trackedBranch(recordAt(repository, ['spec', 'ref']));
  if (typeof branch !== 'string') return { kind: 'none', reason: `${repoLabel} is pinned to ${branch.pinned}; a revert cannot be pushed there` };
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
