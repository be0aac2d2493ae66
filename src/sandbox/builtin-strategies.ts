// Registry strategies of the built-in resources: defaults, the validations a controller can trip over, and the
// server-owned fields (initial status, clusterIP), with the apiserver's field paths and wording.
import { NAMESPACE_FINALIZER } from './namespace-controller.js';
import type { KubeObject } from './kube-object.js';
import { defaultPodSpec, defaultPodTemplate, validatePodSpec } from './pod-spec-rules.js';
import type { ObjectStrategy } from './resource-type.js';
import { forbidden, invalid, notSupported, required, tooLong } from './schema/field-error.js';
import { isJsonObject, jsonEqual } from './schema/json-value.js';
import type { SchemaError } from './schema/structural-schema.js';
import { fromLabelSelector, isEverything, matchesLabels, type LabelSelectorObject } from './selectors/label-selector.js';

type Json = Record<string, unknown>;

function section(obj: KubeObject, key: string): Json {
  const value = obj[key];
  if (isJsonObject(value)) return value;
  const created: Json = {};
  obj[key] = created;
  return created;
}

function optionalSection(obj: Json, key: string): Json | undefined {
  const value = obj[key];
  return isJsonObject(value) ? value : undefined;
}

export const noRules: ObjectStrategy = {
  applyDefaults: (obj) => obj,
  validate: () => [],
};

export const namespaceStrategy: ObjectStrategy = {
  applyDefaults: (obj) => obj,
  validate: () => [],
  prepareForCreate(obj) {
    const spec = section(obj, 'spec');
    const finalizers = Array.isArray(spec['finalizers']) ? (spec['finalizers'] as string[]) : [];
    if (!finalizers.includes(NAMESPACE_FINALIZER)) spec['finalizers'] = [...finalizers, NAMESPACE_FINALIZER];
    obj['status'] = { phase: 'Active' };
  },
};

export const podStrategy: ObjectStrategy = {
  applyDefaults(obj) {
    defaultPodSpec(section(obj, 'spec'));
    return obj;
  },
  validate(obj, old) {
    const errors = validatePodSpec(obj['spec'], 'spec');
    if (old && !jsonEqual(withoutImages(obj['spec']), withoutImages(old['spec']))) {
      errors.push(forbidden('spec', 'pod updates may not change fields other than `spec.containers[*].image`, `spec.initContainers[*].image`, `spec.activeDeadlineSeconds`, `spec.tolerations` (only additions to existing tolerations) or `spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)'));
    }
    return errors;
  },
  prepareForCreate(obj) {
    obj['status'] = { phase: 'Pending', qosClass: 'BestEffort' };
  },
};

/** A pod spec with images blanked: what a pod update may not change. */
function withoutImages(spec: unknown): unknown {
  if (!isJsonObject(spec)) return spec;
  const strip = (list: unknown): unknown => (Array.isArray(list) ? list.map((c) => (isJsonObject(c) ? { ...c, image: '' } : c)) : list);
  return { ...spec, containers: strip(spec['containers']), initContainers: strip(spec['initContainers']), activeDeadlineSeconds: undefined, tolerations: undefined };
}

/** Hands out cluster IPs from 10.96.0.0/12, as the service IP allocator would. */
export function createServiceStrategy(): ObjectStrategy {
  let next = 10;
  const allocate = (): string => {
    const n = next++;
    return `10.96.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
  };
  return {
    applyDefaults(obj) {
      const spec = section(obj, 'spec');
      spec['type'] ??= 'ClusterIP';
      spec['sessionAffinity'] ??= 'None';
      spec['internalTrafficPolicy'] ??= 'Cluster';
      const ports = spec['ports'];
      if (Array.isArray(ports)) {
        for (const port of ports) {
          if (!isJsonObject(port)) continue;
          port['protocol'] ??= 'TCP';
          port['targetPort'] ??= port['port'];
        }
      }
      return obj;
    },
    validate: validateService,
    prepareForCreate(obj) {
      const spec = section(obj, 'spec');
      if (spec['type'] !== 'ExternalName' && spec['clusterIP'] === undefined) spec['clusterIP'] = allocate();
      if (typeof spec['clusterIP'] === 'string') spec['clusterIPs'] ??= [spec['clusterIP']];
      if (spec['type'] !== 'ExternalName') {
        spec['ipFamilies'] ??= ['IPv4'];
        spec['ipFamilyPolicy'] ??= 'SingleStack';
      }
      obj['status'] = { loadBalancer: {} };
    },
    prepareForUpdate(obj, old) {
      // Since Kubernetes 1.20 an update that omits the allocated IPs keeps them.
      const spec = section(obj, 'spec');
      const oldSpec = optionalSection(old, 'spec') ?? {};
      for (const field of ['clusterIP', 'clusterIPs', 'ipFamilies', 'ipFamilyPolicy']) {
        if (spec[field] === undefined && oldSpec[field] !== undefined) spec[field] = oldSpec[field];
      }
    },
  };
}

function validateService(obj: KubeObject, old: KubeObject | undefined): SchemaError[] {
  const spec = optionalSection(obj, 'spec') ?? {};
  const errors: SchemaError[] = [];
  const type = spec['type'];
  if (!['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'].includes(String(type))) {
    errors.push(notSupported('spec.type', type, ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort']));
  }
  const ports = spec['ports'];
  const headless = spec['clusterIP'] === 'None';
  if (type !== 'ExternalName' && !headless && (!Array.isArray(ports) || ports.length === 0)) errors.push(required('spec.ports'));
  if (Array.isArray(ports)) {
    ports.forEach((port, i) => {
      const value = isJsonObject(port) ? port['port'] : undefined;
      if (typeof value !== 'number' || value < 1 || value > 65535) errors.push(invalid(`spec.ports[${i}].port`, value ?? 0, 'must be between 1 and 65535, inclusive'));
      if (Array.isArray(ports) && ports.length > 1 && isJsonObject(port) && !port['name']) errors.push(required(`spec.ports[${i}].name`));
    });
  }
  const oldIp = old ? optionalSection(old, 'spec')?.['clusterIP'] : undefined;
  if (oldIp !== undefined && spec['clusterIP'] !== oldIp) errors.push(invalid('spec.clusterIPs[0]', spec['clusterIP'] ?? '', 'may not change once set'));
  return errors;
}

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const CONFIG_KEY_MSG = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";

function validateKeys(map: unknown, path: string): SchemaError[] {
  if (!isJsonObject(map)) return [];
  const errors: SchemaError[] = [];
  for (const [key, value] of Object.entries(map)) {
    if (!CONFIG_KEY.test(key)) errors.push(invalid(path, key, CONFIG_KEY_MSG));
    if (typeof value !== 'string') errors.push(invalid(`${path}[${key}]`, value, 'must be a string'));
  }
  return errors;
}

export const configMapStrategy: ObjectStrategy = {
  applyDefaults: (obj) => obj,
  validate: (obj) => [...validateKeys(obj['data'], 'data'), ...validateKeys(obj['binaryData'], 'binaryData')],
};

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export const secretStrategy: ObjectStrategy = {
  applyDefaults(obj) {
    obj['type'] ??= 'Opaque';
    // stringData is write-only: the apiserver folds it into data, base64-encoded, and never stores it.
    const stringData = obj['stringData'];
    if (isJsonObject(stringData)) {
      const data = section(obj, 'data');
      for (const [key, value] of Object.entries(stringData)) data[key] = Buffer.from(String(value)).toString('base64');
    }
    delete obj['stringData'];
    return obj;
  },
  validate(obj, old) {
    const errors = validateKeys(obj['data'], 'data');
    const data = optionalSection(obj, 'data') ?? {};
    for (const [key, value] of Object.entries(data)) {
      if (typeof value === 'string' && (value.length % 4 !== 0 || !BASE64.test(value))) errors.push(invalid(`data[${key}]`, '<secret contents redacted>', 'illegal base64 data'));
    }
    if (old && old['type'] !== obj['type']) errors.push(invalid('type', obj['type'], 'field is immutable'));
    return errors;
  },
};

/** The validations Deployments and ReplicaSets share: selector, template labels, replicas, pod template. */
function validateWorkload(obj: KubeObject, old: KubeObject | undefined, kind: string): SchemaError[] {
  const spec = optionalSection(obj, 'spec') ?? {};
  const errors: SchemaError[] = [];
  const selector = spec['selector'];
  const template = optionalSection(spec, 'template');
  const templateLabels = (optionalSection(template ?? {}, 'metadata')?.['labels'] ?? {}) as Record<string, string>;
  if (!isJsonObject(selector)) errors.push(required('spec.selector'));
  else {
    const query = fromLabelSelector(selector as LabelSelectorObject);
    if (isEverything(query)) errors.push(invalid('spec.selector', selector, `empty selector is invalid for ${kind}`));
    else if (!matchesLabels(query, templateLabels)) errors.push(invalid('spec.template.metadata.labels', templateLabels, '`selector` does not match template `labels`'));
  }
  const replicas = spec['replicas'];
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) errors.push(invalid('spec.replicas', replicas ?? null, 'must be greater than or equal to 0'));
  if (!template) errors.push(required('spec.template'));
  else {
    const podSpec = template['spec'];
    errors.push(...validatePodSpec(podSpec, 'spec.template.spec'));
    const restartPolicy = isJsonObject(podSpec) ? podSpec['restartPolicy'] : undefined;
    if (restartPolicy !== undefined && restartPolicy !== 'Always') errors.push(notSupported('spec.template.spec.restartPolicy', restartPolicy, ['Always']));
  }
  const oldSelector = old ? optionalSection(old, 'spec')?.['selector'] : undefined;
  if (old && !jsonEqual(oldSelector, selector)) errors.push(invalid('spec.selector', selector ?? null, 'field is immutable'));
  return errors;
}

/** Status counters as Go reads them: absent is 0. */
function counter(status: Json, field: string): number {
  const value = status[field];
  return typeof value === 'number' ? value : 0;
}

function nonNegative(status: Json, fields: readonly string[]): SchemaError[] {
  return fields.filter((f) => counter(status, f) < 0).map((f) => invalid(`status.${f}`, counter(status, f), 'must be greater than or equal to 0'));
}

/** `field` may not exceed `limit` (a cross-field rule of the apps/v1 status validations). */
function atMost(status: Json, field: string, limit: string, detail: string): SchemaError[] {
  return counter(status, field) > counter(status, limit) ? [invalid(`status.${field}`, counter(status, field), detail)] : [];
}

const NOT_ABOVE_REPLICAS = 'cannot be greater than status.replicas';
const NOT_ABOVE_READY = 'cannot be greater than readyReplicas';

/** ValidateDeploymentStatus, in its order: non-negative counters, then none above replicas, available ≤ ready. */
function validateDeploymentStatus(obj: KubeObject): SchemaError[] {
  const status = optionalSection(obj, 'status') ?? {};
  const counters = ['observedGeneration', 'replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas'];
  return [
    ...nonNegative(status, status['collisionCount'] === undefined ? counters : [...counters, 'collisionCount']),
    ...atMost(status, 'updatedReplicas', 'replicas', NOT_ABOVE_REPLICAS),
    ...atMost(status, 'readyReplicas', 'replicas', NOT_ABOVE_REPLICAS),
    ...atMost(status, 'availableReplicas', 'replicas', NOT_ABOVE_REPLICAS),
    ...atMost(status, 'availableReplicas', 'readyReplicas', NOT_ABOVE_READY),
  ];
}

/** ValidateReplicaSetStatus, in its order. */
function validateReplicaSetStatus(obj: KubeObject): SchemaError[] {
  const status = optionalSection(obj, 'status') ?? {};
  return [
    ...nonNegative(status, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration']),
    ...atMost(status, 'fullyLabeledReplicas', 'replicas', NOT_ABOVE_REPLICAS),
    ...atMost(status, 'readyReplicas', 'replicas', NOT_ABOVE_REPLICAS),
    ...atMost(status, 'availableReplicas', 'replicas', NOT_ABOVE_REPLICAS),
    ...atMost(status, 'availableReplicas', 'readyReplicas', NOT_ABOVE_READY),
  ];
}

export const deploymentStrategy: ObjectStrategy = {
  applyDefaults(obj) {
    const spec = section(obj, 'spec');
    spec['replicas'] ??= 1;
    spec['revisionHistoryLimit'] ??= 10;
    spec['progressDeadlineSeconds'] ??= 600;
    const strategy = optionalSection(spec, 'strategy') ?? {};
    strategy['type'] ??= 'RollingUpdate';
    if (strategy['type'] === 'RollingUpdate') {
      const rolling = optionalSection(strategy, 'rollingUpdate') ?? {};
      rolling['maxSurge'] ??= '25%';
      rolling['maxUnavailable'] ??= '25%';
      strategy['rollingUpdate'] = rolling;
    }
    spec['strategy'] = strategy;
    defaultPodTemplate(spec['template']);
    return obj;
  },
  validate: (obj, old) => validateWorkload(obj, old, 'deployment'),
  validateStatus: validateDeploymentStatus,
  prepareForCreate(obj) {
    obj['status'] = {};
  },
};

export const replicaSetStrategy: ObjectStrategy = {
  applyDefaults(obj) {
    const spec = section(obj, 'spec');
    spec['replicas'] ??= 1;
    defaultPodTemplate(spec['template']);
    return obj;
  },
  validate: (obj, old) => validateWorkload(obj, old, 'replicaset'),
  validateStatus: validateReplicaSetStatus,
  prepareForCreate(obj) {
    obj['status'] = { replicas: 0 };
  },
};

export const leaseStrategy: ObjectStrategy = {
  applyDefaults: (obj) => obj,
  validate(obj) {
    const spec = optionalSection(obj, 'spec') ?? {};
    const errors: SchemaError[] = [];
    const duration = spec['leaseDurationSeconds'];
    if (duration !== undefined && duration !== null && (typeof duration !== 'number' || duration <= 0)) errors.push(invalid('spec.leaseDurationSeconds', duration, 'must be greater than 0'));
    const transitions = spec['leaseTransitions'];
    if (transitions !== undefined && transitions !== null && (typeof transitions !== 'number' || transitions < 0)) errors.push(invalid('spec.leaseTransitions', transitions, 'must be greater than or equal to 0'));
    return errors;
  },
};

function requiredString(obj: Json, field: string, max: number, errors: SchemaError[]): void {
  const value = obj[field];
  if (typeof value !== 'string' || value === '') errors.push(required(field));
  else if (Buffer.byteLength(value, 'utf8') > max) errors.push(tooLong(field, max));
}

/**
 * events.k8s.io/v1 rules, checked on the object as served (before conversion to the stored core/v1 form):
 * the new Events API requires who reported what, when.
 */
export function validateEventsV1(obj: KubeObject, old: KubeObject | undefined): SchemaError[] {
  if (old) return [];
  const errors: SchemaError[] = [];
  if (typeof obj['eventTime'] !== 'string' || obj['eventTime'] === '') errors.push(required('eventTime'));
  requiredString(obj, 'reportingController', 253, errors);
  requiredString(obj, 'reportingInstance', 128, errors);
  requiredString(obj, 'action', 128, errors);
  requiredString(obj, 'reason', 128, errors);
  const type = obj['type'];
  if (type !== 'Normal' && type !== 'Warning') errors.push(notSupported('type', type ?? '', ['Normal', 'Warning']));
  const note = obj['note'];
  // Go counts a string's length in bytes, so the limit is 1,024 UTF-8 bytes, not UTF-16 units; worded as the
  // apiserver words it (1.19 names the stored core field, `message`; later versions name `note`).
  if (typeof note === 'string' && Buffer.byteLength(note, 'utf8') > 1024) errors.push(invalid('note', '', 'can have at most 1024 characters'));
  return errors;
}
