// apiextensions.k8s.io/v1 CustomResourceDefinition rules: defaults, validation (structural schemas required, as
// the apiserver requires for v1) and the status the apiserver reports (names accepted, established).
import { timestampNow, type KubeObject } from './kube-object.js';
import { validateName } from './object-meta-validation.js';
import type { ObjectStrategy } from './resource-type.js';
import type { CrdSpec, CrdVersion, CustomResourceDefinition } from './custom-resource-types.js';
import { invalid, notSupported, required } from './schema/field-error.js';
import { isJsonObject, jsonEqual } from './schema/json-value.js';
import { checkStructural, type SchemaError } from './schema/structural-schema.js';

/** Holds a CRD until the sandbox has deleted all its objects (the apiserver's finalizer name). */
export const CRD_CLEANUP_FINALIZER = 'customresourcecleanup.apiextensions.k8s.io';

function specOf(obj: KubeObject): Partial<CrdSpec> {
  return isJsonObject(obj['spec']) ? (obj['spec'] as Partial<CrdSpec>) : {};
}

function applyCrdDefaults(obj: KubeObject): KubeObject {
  const spec = specOf(obj);
  if (isJsonObject(spec.names) && typeof spec.names.kind === 'string') {
    spec.names.singular ??= spec.names.kind.toLowerCase();
    spec.names.listKind ??= `${spec.names.kind}List`;
  }
  const raw = spec as Record<string, unknown>;
  raw['conversion'] ??= { strategy: 'None' };
  return obj;
}

function validateNames(spec: Partial<CrdSpec>): SchemaError[] {
  const names = spec.names;
  if (!isJsonObject(names)) return [required('spec.names')];
  const errors: SchemaError[] = [];
  if (!names.plural) errors.push(required('spec.names.plural'));
  else errors.push(...validateName(names.plural, 'label', 'spec.names.plural'));
  if (!names.kind) errors.push(required('spec.names.kind'));
  if (names.singular) errors.push(...validateName(names.singular, 'label', 'spec.names.singular'));
  (names.shortNames ?? []).forEach((s, i) => errors.push(...validateName(s, 'label', `spec.names.shortNames[${i}]`)));
  return errors;
}

function validateVersion(version: CrdVersion, i: number): SchemaError[] {
  const path = `spec.versions[${i}]`;
  const errors: SchemaError[] = [];
  if (!version.name) errors.push(required(`${path}.name`));
  else errors.push(...validateName(version.name, 'label', `${path}.name`));
  const schema = version.schema?.openAPIV3Schema;
  if (!schema) errors.push(required(`${path}.schema.openAPIV3Schema`, 'schemas are required'));
  else errors.push(...checkStructural(schema, `${path}.schema.openAPIV3Schema`));
  return errors;
}

function validateVersions(spec: Partial<CrdSpec>): SchemaError[] {
  const versions = spec.versions;
  if (!Array.isArray(versions) || versions.length === 0) return [required('spec.versions', 'must have exactly one version marked as storage version')];
  const errors = versions.flatMap((v, i) => validateVersion(v, i));
  const storage = versions.filter((v) => v.storage).length;
  if (storage !== 1) errors.push(invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    if (seen.has(v.name)) errors.push(invalid(`spec.versions[${i}].name`, v.name, 'must be unique'));
    seen.add(v.name);
  });
  return errors;
}

function validateCrd(obj: KubeObject, old: KubeObject | undefined): SchemaError[] {
  const spec = specOf(obj);
  const errors: SchemaError[] = [];
  if (!spec.group) errors.push(required('spec.group'));
  else if (!spec.group.includes('.')) errors.push(invalid('spec.group', spec.group, 'should be a domain with at least one dot'));
  errors.push(...validateNames(spec));
  if (spec.scope === undefined) errors.push(required('spec.scope'));
  else if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') errors.push(notSupported('spec.scope', spec.scope, ['Cluster', 'Namespaced']));
  errors.push(...validateVersions(spec));
  const expectedName = `${spec.names?.plural ?? ''}.${spec.group ?? ''}`;
  if (obj.metadata.name !== expectedName) errors.push(invalid('metadata.name', obj.metadata.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  if (old) {
    const oldSpec = specOf(old);
    if (oldSpec.scope !== spec.scope) errors.push(invalid('spec.scope', spec.scope, 'field is immutable'));
    if (oldSpec.group !== spec.group) errors.push(invalid('spec.group', spec.group, 'field is immutable'));
  }
  return errors;
}

function condition(type: string, reason: string, message: string, now: string): Record<string, string> {
  return { type, status: 'True', lastTransitionTime: now, reason, message };
}

/** The status the apiserver's controllers converge a valid CRD to; kept stable across identical writes. */
function crdStatus(crd: CustomResourceDefinition, old: KubeObject | undefined): Record<string, unknown> {
  const oldStatus = (old?.['status'] ?? {}) as { conditions?: unknown; storedVersions?: string[] };
  const storage = crd.spec.versions.find((v) => v.storage)?.name;
  const storedVersions = [...new Set([...(oldStatus.storedVersions ?? []), ...(storage ? [storage] : [])])];
  const now = timestampNow();
  const conditions = oldStatus.conditions ?? [
    condition('NamesAccepted', 'NoConflicts', 'no conflicts found', now),
    condition('Established', 'InitialNamesAccepted', 'the initial names have been accepted', now),
  ];
  return { conditions, acceptedNames: crd.spec.names, storedVersions };
}

export const crdStrategy: ObjectStrategy = {
  applyDefaults: applyCrdDefaults,
  validate: validateCrd,
  prepareForCreate(obj) {
    obj['status'] = crdStatus(obj as CustomResourceDefinition, undefined);
    const finalizers = obj.metadata.finalizers ?? [];
    if (!finalizers.includes(CRD_CLEANUP_FINALIZER)) obj.metadata.finalizers = [...finalizers, CRD_CLEANUP_FINALIZER];
  },
  prepareForUpdate(obj, old) {
    const status = crdStatus(obj as CustomResourceDefinition, old);
    if (!jsonEqual(status, old['status'])) obj['status'] = status;
  },
};
