// The batch/v1 Job registry strategy: the apiserver's defaults (generated selector and pod labels), the validations
// a Job creator trips over, and immutability of what the Job controller relies on.
import type { KubeObject } from './kube-object.js';
import { defaultPodTemplate, validatePodSpec } from './pod-spec-rules.js';
import type { ObjectStrategy } from './resource-type.js';
import { invalid, notSupported, required } from './schema/field-error.js';
import { isJsonObject, jsonEqual } from './schema/json-value.js';
import type { SchemaError } from './schema/structural-schema.js';

type Json = Record<string, unknown>;

/** The labels the apiserver generates for a Job's selector and pod template (both spellings, old and new). */
export const JOB_CONTROLLER_UID_LABEL = 'batch.kubernetes.io/controller-uid';
export const JOB_NAME_LABEL = 'batch.kubernetes.io/job-name';
const LEGACY_CONTROLLER_UID_LABEL = 'controller-uid';
const LEGACY_JOB_NAME_LABEL = 'job-name';

/** A label value's limit: the Job's name becomes the `job-name` label of its pods. */
const MAX_LABEL_VALUE = 63;

function section(obj: Json, key: string): Json {
  const value = obj[key];
  if (isJsonObject(value)) return value;
  const created: Json = {};
  obj[key] = created;
  return created;
}

function integerAtLeast(spec: Json, field: string, min: number): SchemaError[] {
  const value = spec[field];
  if (value === undefined || value === null) return [];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    return [invalid(`spec.${field}`, value, min === 0 ? 'must be greater than or equal to 0' : `must be greater than or equal to ${min}`)];
  }
  return [];
}

function validateJob(obj: KubeObject, old: KubeObject | undefined): SchemaError[] {
  const spec = isJsonObject(obj['spec']) ? obj['spec'] : {};
  const errors: SchemaError[] = [];
  for (const field of ['parallelism', 'completions', 'backoffLimit', 'ttlSecondsAfterFinished']) errors.push(...integerAtLeast(spec, field, 0));
  errors.push(...integerAtLeast(spec, 'activeDeadlineSeconds', 1));
  const template = spec['template'];
  if (!isJsonObject(template)) errors.push(required('spec.template'));
  else {
    const podSpec = template['spec'];
    errors.push(...validatePodSpec(podSpec, 'spec.template.spec'));
    const restartPolicy = isJsonObject(podSpec) ? podSpec['restartPolicy'] : undefined;
    if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
      errors.push(notSupported('spec.template.spec.restartPolicy', restartPolicy ?? '', ['OnFailure', 'Never']));
    }
  }
  const name = obj.metadata.name ?? '';
  if (name.length > MAX_LABEL_VALUE) errors.push(invalid('spec.template.labels', name, `must be no more than ${MAX_LABEL_VALUE} characters`));
  if (old) {
    const oldSpec = isJsonObject(old['spec']) ? old['spec'] : {};
    for (const field of ['selector', 'template', 'completions']) {
      if (!jsonEqual(oldSpec[field], spec[field])) errors.push(invalid(`spec.${field}`, spec[field] ?? null, 'field is immutable'));
    }
  }
  return errors;
}

export const jobStrategy: ObjectStrategy = {
  applyDefaults(obj) {
    const spec = section(obj, 'spec');
    // SetDefaults_Job: a Job without labels takes its pod template's.
    const templateLabels = isJsonObject(spec['template']) && isJsonObject(spec['template']['metadata']) ? spec['template']['metadata']['labels'] : undefined;
    if (isJsonObject(templateLabels) && Object.keys(obj.metadata.labels ?? {}).length === 0) obj.metadata.labels = { ...(templateLabels as Record<string, string>) };
    if (spec['completions'] === undefined && spec['parallelism'] === undefined) spec['completions'] = 1;
    spec['parallelism'] ??= 1;
    spec['backoffLimit'] ??= 6;
    spec['completionMode'] ??= 'NonIndexed';
    spec['suspend'] ??= false;
    if (spec['podFailurePolicy'] === undefined) spec['podReplacementPolicy'] ??= 'TerminatingOrFailed';
    defaultPodTemplate(spec['template']);
    return obj;
  },
  validate: validateJob,
  /** The generated selector and pod labels carry the uid, which exists only now. */
  prepareForCreate(obj) {
    obj['status'] = {};
    const spec = section(obj, 'spec');
    if (spec['manualSelector'] === true) return;
    const uid = obj.metadata.uid ?? '';
    const name = obj.metadata.name ?? '';
    spec['selector'] = { matchLabels: { [JOB_CONTROLLER_UID_LABEL]: uid } };
    if (!isJsonObject(spec['template'])) return;
    const metadata = section(spec['template'], 'metadata');
    metadata['labels'] = {
      ...(isJsonObject(metadata['labels']) ? metadata['labels'] : {}),
      [JOB_CONTROLLER_UID_LABEL]: uid,
      [JOB_NAME_LABEL]: name,
      [LEGACY_CONTROLLER_UID_LABEL]: uid,
      [LEGACY_JOB_NAME_LABEL]: name,
    };
  },
};
