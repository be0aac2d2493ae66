// Label selectors: the Kubernetes string form (for status.selector and list calls) and matching labels.
import type { LabelSelector, LabelSelectorRequirement } from './meta.js';

interface Requirement {
  key: string;
  text: string;
}

/**
 * Renders a selector as Kubernetes does (`a=b,c in (x,y),!d`): requirements sorted by key, set values sorted.
 * An empty selector renders as "" which, like in Kubernetes, selects everything.
 */
export function selectorToString(sel: LabelSelector): string {
  const fromLabels = Object.entries(sel.matchLabels ?? {}).map(([key, value]) => ({ key, text: `${key}=${value}` }));
  const fromExpressions = (sel.matchExpressions ?? []).map(requirementText);
  return [...fromLabels, ...fromExpressions]
    .sort((a, b) => compare(a.key, b.key))
    .map((r) => r.text)
    .join(',');
}

/** True when `labels` satisfy every matchLabels entry and every matchExpressions requirement. */
export function selectorMatches(sel: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  const labelsMatch = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
  return labelsMatch && (sel.matchExpressions ?? []).every((req) => requirementMatches(req, labels));
}

/** True when the selector has no requirements at all (and so would select every object). */
export function isEmptySelector(sel: LabelSelector): boolean {
  return Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

function requirementText(req: LabelSelectorRequirement): Requirement {
  const values = [...(req.values ?? [])].sort(compare).join(',');
  switch (req.operator) {
    case 'In':
      return { key: req.key, text: `${req.key} in (${values})` };
    case 'NotIn':
      return { key: req.key, text: `${req.key} notin (${values})` };
    case 'Exists':
      return { key: req.key, text: req.key };
    case 'DoesNotExist':
      return { key: req.key, text: `!${req.key}` };
  }
}

function requirementMatches(req: LabelSelectorRequirement, labels: Readonly<Record<string, string>>): boolean {
  const value = labels[req.key];
  switch (req.operator) {
    case 'In':
      return value !== undefined && (req.values ?? []).includes(value);
    case 'NotIn':
      return value === undefined || !(req.values ?? []).includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
  }
}

/** Byte-wise order, as Go's sort.Strings, so the string is the same as the apiserver's. */
function compare(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
