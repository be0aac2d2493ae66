// Pod spec defaults and the main validations, shared by Pods and the pod templates of Deployments and ReplicaSets.
//
// Defaults matter beyond looks: a controller that hashes a pod template must see the template the apiserver
// stores, defaults included, or its hashes differ from a real cluster's.
import { validateName } from './object-meta-validation.js';
import { duplicate, invalid, notSupported, required } from './schema/field-error.js';
import { isJsonObject } from './schema/json-value.js';
import type { SchemaError } from './schema/structural-schema.js';

type Json = Record<string, unknown>;

/** Always for `:latest` or untagged images, IfNotPresent otherwise (as the v1 defaulting does). */
function pullPolicy(image: unknown): string {
  if (typeof image !== 'string' || image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.lastIndexOf(':');
  return colon < 0 || lastSegment.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(container: Json): void {
  container['terminationMessagePath'] ??= '/dev/termination-log';
  container['terminationMessagePolicy'] ??= 'File';
  container['imagePullPolicy'] ??= pullPolicy(container['image']);
  container['resources'] ??= {};
  const ports = container['ports'];
  if (Array.isArray(ports)) {
    for (const port of ports) if (isJsonObject(port)) port['protocol'] ??= 'TCP';
  }
}

export function defaultPodSpec(spec: Json): void {
  spec['restartPolicy'] ??= 'Always';
  spec['terminationGracePeriodSeconds'] ??= 30;
  spec['dnsPolicy'] ??= 'ClusterFirst';
  spec['securityContext'] ??= {};
  spec['schedulerName'] ??= 'default-scheduler';
  for (const list of ['containers', 'initContainers']) {
    const containers = spec[list];
    if (!Array.isArray(containers)) continue;
    for (const c of containers) if (isJsonObject(c)) defaultContainer(c);
  }
}

/**
 * Defaults a pod template (`spec.template` of a workload) in place. Its metadata is a Go ObjectMeta struct, so
 * the apiserver always serves it, with the zero creationTimestamp as `null`: `{"creationTimestamp":null,...}`.
 */
export function defaultPodTemplate(template: unknown): void {
  if (!isJsonObject(template)) return;
  const metadata = isJsonObject(template['metadata']) ? template['metadata'] : {};
  metadata['creationTimestamp'] ??= null;
  template['metadata'] = metadata;
  const spec = template['spec'];
  if (isJsonObject(spec)) defaultPodSpec(spec);
}

function validateContainer(container: unknown, path: string, seen: Set<string>): SchemaError[] {
  if (!isJsonObject(container)) return [invalid(path, container, 'must be an object')];
  const errors: SchemaError[] = [];
  const name = container['name'];
  if (typeof name !== 'string' || name === '') errors.push(required(`${path}.name`));
  else {
    errors.push(...validateName(name, 'label', `${path}.name`));
    if (seen.has(name)) errors.push(duplicate(`${path}.name`, name));
    seen.add(name);
  }
  const image = container['image'];
  if (typeof image !== 'string' || image.trim() === '') errors.push(required(`${path}.image`));
  const ports = container['ports'];
  if (Array.isArray(ports)) {
    ports.forEach((port, i) => {
      const value = isJsonObject(port) ? port['containerPort'] : undefined;
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) {
        errors.push(invalid(`${path}.ports[${i}].containerPort`, value ?? 0, 'must be between 1 and 65535, inclusive'));
      }
    });
  }
  return errors;
}

export function validatePodSpec(spec: unknown, path: string): SchemaError[] {
  if (!isJsonObject(spec)) return [required(path)];
  const containers = spec['containers'];
  if (!Array.isArray(containers) || containers.length === 0) return [required(`${path}.containers`)];
  const seen = new Set<string>();
  const errors = containers.flatMap((c, i) => validateContainer(c, `${path}.containers[${i}]`, seen));
  const restartPolicy = spec['restartPolicy'];
  if (restartPolicy !== undefined && !['Always', 'OnFailure', 'Never'].includes(String(restartPolicy))) {
    errors.push(notSupported(`${path}.restartPolicy`, restartPolicy, ['Always', 'OnFailure', 'Never']));
  }
  return errors;
}
