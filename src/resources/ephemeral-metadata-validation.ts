// Checks the role metadata (Argo's ephemeral metadata: canary/stable, preview/active) a Rollout puts on its pods.
import { isQualifiedName, isValidLabelValue } from '../sandbox/schema/name-validation.js';
import { childPath, isFields, type FieldChecker, type Fields } from './field-checker.js';
import type { LabelSelector } from './meta.js';
import { POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js';

const ROLE_FIELDS = { canary: ['canaryMetadata', 'stableMetadata'], blueGreen: ['previewMetadata', 'activeMetadata'] } as const;

/**
 * Argo docs features/ephemeral-metadata.md: the labels and annotations are put on running pods, so they must be
 * what the API server accepts on a pod. A label the selector (or the pod-template-hash) uses would take the pods
 * out of their ReplicaSet when it moves, so Vane refuses it (Argo does not check; its pods are orphaned).
 */
export function checkEphemeralMetadata(c: FieldChecker, spec: Fields, path: string, selector: LabelSelector | undefined): void {
  const strategy = isFields(spec.strategy) ? spec.strategy : undefined;
  for (const kind of ['canary', 'blueGreen'] as const) {
    const fields = strategy?.[kind];
    if (!isFields(fields)) continue;
    for (const field of ROLE_FIELDS[kind]) {
      checkRoleMetadata(c, fields[field], childPath(childPath(childPath(path, 'strategy'), kind), field), selector);
    }
  }
}

function checkRoleMetadata(c: FieldChecker, value: unknown, path: string, selector: LabelSelector | undefined): void {
  const metadata = c.object(value, path);
  if (metadata === undefined) return;
  const reserved = new Set([POD_TEMPLATE_HASH_LABEL, ...Object.keys(selector?.matchLabels ?? {}), ...(selector?.matchExpressions ?? []).map((e) => e.key)]);
  const labelsPath = childPath(path, 'labels');
  for (const [key, labelValue] of Object.entries(c.stringMap(metadata.labels, labelsPath) ?? {})) {
    const keyPath = childPath(labelsPath, key);
    for (const message of isQualifiedName(key)) c.add(keyPath, `is not a valid label key: ${message}`);
    for (const message of isValidLabelValue(labelValue)) c.add(keyPath, `has an invalid label value: ${message}`);
    if (reserved.has(key)) c.add(keyPath, 'must not be a label the selector or the pod-template-hash uses: moving it would take the pods out of their ReplicaSet');
  }
  const annotationsPath = childPath(path, 'annotations');
  for (const key of Object.keys(c.stringMap(metadata.annotations, annotationsPath) ?? {})) {
    for (const message of isQualifiedName(key.toLowerCase())) c.add(childPath(annotationsPath, key), `is not a valid annotation key: ${message}`);
  }
}
