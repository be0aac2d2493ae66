// `valueFrom.fieldRef.fieldPath` of an analysis argument: which paths into a Rollout it may name, and their values.
//
// As in Argo Rollouts, a `metadata` path follows Kubernetes' downward-API field paths (name, namespace, uid, one
// label or annotation by key); any other path walks the Rollout's fields (`spec.replicas`,
// `spec.template.spec.containers[0].image`) and must end at a string, number or boolean. Unlike Kubernetes, a
// label or annotation that is not there is an error, not an empty string: an empty value would silently turn a
// query into one that measures nothing.
import type { FieldChecker } from './field-checker.js';

/** A field path understood, or why it cannot be. */
export type FieldReference =
  | { kind: 'metadata'; field: 'name' | 'namespace' | 'uid' }
  | { kind: 'label' | 'annotation'; key: string }
  | { kind: 'field'; path: string; segments: string[] };

const METADATA_FIELDS = ['name', 'namespace', 'uid'] as const;
const SUBSCRIPTED = /^metadata\.(labels|annotations)\[(?:'([^']+)'|"([^"]+)")\]$/;
const SUPPORTED = "metadata.name, metadata.namespace, metadata.uid, metadata.labels['KEY'], metadata.annotations['KEY'] or a path to a field such as spec.replicas";

/** The reference `fieldPath` makes, or a problem naming what is supported. */
export function parseFieldReference(fieldPath: string): FieldReference | { problem: string } {
  const path = fieldPath.trim();
  if (path === '') return { problem: `fieldPath is empty; use ${SUPPORTED}` };
  if (path === 'metadata' || path.startsWith('metadata.') || path.startsWith('metadata[')) return metadataReference(path);
  const segments = path.split(/[.[\]]+/).filter((s) => s !== '');
  if (segments.length === 0 || /[[\]]/.test(path.replace(/\[\d+\]/g, ''))) return { problem: `fieldPath "${fieldPath}" is not a field path; use ${SUPPORTED}` };
  return { kind: 'field', path, segments };
}

function metadataReference(path: string): FieldReference | { problem: string } {
  const field = METADATA_FIELDS.find((f) => path === `metadata.${f}`);
  if (field) return { kind: 'metadata', field };
  const subscripted = SUBSCRIPTED.exec(path);
  if (subscripted) return { kind: subscripted[1] === 'labels' ? 'label' : 'annotation', key: subscripted[2] ?? subscripted[3] ?? '' };
  return { problem: `fieldPath "${path}" is not supported; use ${SUPPORTED}` };
}

/** Validation of a `fieldRef.fieldPath` field: a non-empty string this module understands. */
export function checkFieldPath(c: FieldChecker, value: unknown, path: string): void {
  const fieldPath = c.string(value, path, { required: true });
  if (fieldPath === undefined) return;
  const reference = parseFieldReference(fieldPath);
  if ('problem' in reference) c.add(path, reference.problem);
}

/** The string value `reference` names in `obj`, or why there is none. */
export function fieldReferenceValue(obj: unknown, reference: FieldReference): { value: string } | { problem: string } {
  switch (reference.kind) {
    case 'metadata': {
      const value = (metadataOf(obj)[reference.field] ?? '') as unknown;
      return typeof value === 'string' && value !== '' ? { value } : { problem: `metadata.${reference.field} is not set` };
    }
    case 'label':
    case 'annotation': {
      const map = metadataOf(obj)[reference.kind === 'label' ? 'labels' : 'annotations'];
      const value = isRecord(map) ? map[reference.key] : undefined;
      // As kubectl's and Argo Rollouts' field paths: a label or annotation the Rollout lacks reads as empty.
      return { value: typeof value === 'string' ? value : '' };
    }
    case 'field':
      return fieldValue(obj, reference.path, reference.segments);
  }
}

/** Resolves `fieldPath` against `obj` in one step: the value, or a problem naming the path. */
export function resolveFieldPath(obj: unknown, fieldPath: string): { value: string } | { problem: string } {
  const reference = parseFieldReference(fieldPath);
  return 'problem' in reference ? reference : fieldReferenceValue(obj, reference);
}

function fieldValue(obj: unknown, path: string, segments: readonly string[]): { value: string } | { problem: string } {
  let current: unknown = obj;
  for (const segment of segments) {
    if (Array.isArray(current) && /^\d+$/.test(segment)) current = current[Number(segment)];
    else if (isRecord(current)) current = current[segment];
    else current = undefined;
    if (current === undefined || current === null) return { problem: `${path} is not set in the Rollout` };
  }
  if (typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean') return { value: String(current) };
  return { problem: `${path} is ${Array.isArray(current) ? 'a list' : 'an object'}; the path must end at a string, number or boolean` };
}

function metadataOf(obj: unknown): Record<string, unknown> {
  const metadata = isRecord(obj) ? obj['metadata'] : undefined;
  return isRecord(metadata) ? metadata : {};
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
