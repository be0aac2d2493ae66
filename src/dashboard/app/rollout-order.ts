// The order and filter of the rollouts list: moving (Progressing, Paused) and failing (Degraded) rollouts first,
// then by namespace and name; a namespace filter and a search over namespace/name and images.
import type { RolloutSummary } from './api-types.js';

/** 0: needs eyes (moving or failing); 1: at rest (Healthy, or no phase yet). */
export function attentionRank(phase: RolloutSummary['phase']): number {
  return phase === 'Progressing' || phase === 'Paused' || phase === 'Degraded' ? 0 : 1;
}

export function compareRollouts(a: RolloutSummary, b: RolloutSummary): number {
  return attentionRank(a.phase) - attentionRank(b.phase) || compareText(a.namespace, b.namespace) || compareText(a.name, b.name);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function rolloutKey(rollout: Pick<RolloutSummary, 'namespace' | 'name'>): string {
  return `${rollout.namespace}/${rollout.name}`;
}

export interface ListFilter {
  /** '' for all namespaces. */
  namespace: string;
  /** Words that must all occur (case-insensitive) in namespace/name or an image. */
  search: string;
}

export function searchTerms(search: string): string[] {
  return search.toLowerCase().split(/\s+/).filter((term) => term !== '');
}

export function matchesFilter(rollout: RolloutSummary, filter: ListFilter, terms = searchTerms(filter.search)): boolean {
  if (filter.namespace !== '' && rollout.namespace !== filter.namespace) return false;
  if (terms.length === 0) return true;
  const haystack = [rolloutKey(rollout), ...rollout.images, ...(rollout.stableImages ?? [])].join('\n').toLowerCase();
  return terms.every((term) => haystack.includes(term));
}

/** The rows to show, in order. */
export function visibleRollouts(rollouts: Iterable<RolloutSummary>, filter: ListFilter): RolloutSummary[] {
  const terms = searchTerms(filter.search);
  const rows: RolloutSummary[] = [];
  for (const rollout of rollouts) if (matchesFilter(rollout, filter, terms)) rows.push(rollout);
  return rows.sort(compareRollouts);
}

/** The namespaces present, sorted, for the filter's options. */
export function namespacesOf(rollouts: Iterable<RolloutSummary>): string[] {
  const names = new Set<string>();
  for (const rollout of rollouts) names.add(rollout.namespace);
  return [...names].sort(compareText);
}
