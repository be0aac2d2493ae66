// The `labelSelector` and `fieldSelector` of a list, watch or deletecollection, compiled into one predicate.
import type { KubeObject } from './kube-object.js';
import type { ResourceType } from './resource-type.js';
import { compileFieldSelector, matchesFields } from './selectors/field-selector.js';
import { matchesLabels, parseLabelSelector } from './selectors/label-selector.js';

export type ObjectFilter = (stored: KubeObject) => boolean;

/** Undefined when the request selects everything; throws a BadRequest for malformed or unsupported selectors. */
export function objectFilter(type: ResourceType, query: URLSearchParams): ObjectFilter | undefined {
  const labelText = query.get('labelSelector') ?? '';
  const fieldText = query.get('fieldSelector') ?? '';
  const labels = labelText === '' ? undefined : parseLabelSelector(labelText);
  const fields = fieldText === '' ? undefined : compileFieldSelector(fieldText, type.selectableFields);
  if (!labels && !fields) return undefined;
  return (obj) => (!labels || matchesLabels(labels, obj.metadata.labels)) && (!fields || matchesFields(fields, obj, type.selectableFields));
}
