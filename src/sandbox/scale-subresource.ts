// The scale subresource: an autoscaling/v1 Scale view of a scalable object, and writes of its replica count.
import { invalid } from './api-status.js';
import { readField, writeField } from './field-path.js';
import { asKubeObject, type KubeObject } from './kube-object.js';
import type { ResourceOperations, WriteOptions } from './resource-operations.js';
import type { ResourceType, ScalePaths } from './resource-type.js';
import { invalid as invalidField } from './schema/field-error.js';
import { isJsonObject, jsonClone } from './schema/json-value.js';
import { fromLabelSelector, labelSelectorString, type LabelSelectorObject } from './selectors/label-selector.js';

function scalePaths(type: ResourceType): ScalePaths {
  if (!type.scale) throw new Error(`${type.resource} has no scale subresource`);
  return type.scale;
}

/** The selector as Scale.status.selector carries it: a string, formatted when the object holds a LabelSelector. */
function selectorText(obj: KubeObject, paths: ScalePaths): string | undefined {
  if (!paths.labelSelectorPath) return undefined;
  const value = readField(obj, paths.labelSelectorPath);
  if (typeof value === 'string') return value;
  return isJsonObject(value) ? labelSelectorString(fromLabelSelector(value as LabelSelectorObject)) : undefined;
}

export function scaleOf(type: ResourceType, obj: KubeObject): KubeObject {
  const paths = scalePaths(type);
  const { name, namespace, uid, resourceVersion, creationTimestamp } = obj.metadata;
  const replicas = readField(obj, paths.specReplicasPath);
  const statusReplicas = readField(obj, paths.statusReplicasPath);
  const status: Record<string, unknown> = { replicas: typeof statusReplicas === 'number' ? statusReplicas : 0 };
  const selector = selectorText(obj, paths);
  if (selector !== undefined) status['selector'] = selector;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: typeof replicas === 'number' ? replicas : 0 },
    status,
  };
}

function requestedReplicas(type: ResourceType, name: string, scale: KubeObject): number {
  const replicas = (scale['spec'] as { replicas?: unknown } | undefined)?.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid('autoscaling', 'Scale', name, [invalidField('spec.replicas', replicas, 'must be greater than or equal to 0')]);
  }
  return replicas;
}

export class ScaleSubresource {
  constructor(private readonly operations: ResourceOperations) {}

  get(type: ResourceType, namespace: string | undefined, name: string): KubeObject {
    return scaleOf(type, this.operations.get(type, namespace, name));
  }

  /** PUT of a Scale; its resourceVersion, when set, must match the object's. */
  update(type: ResourceType, namespace: string | undefined, name: string, body: unknown, options: WriteOptions = {}): KubeObject {
    const scale = asKubeObject(body) ?? { metadata: {} };
    return this.write(type, namespace, name, () => scale, options);
  }

  /** PATCH of a Scale: the patch applies to the current Scale view. */
  patch(type: ResourceType, namespace: string | undefined, name: string, patch: (current: KubeObject) => unknown, options: WriteOptions = {}): KubeObject {
    return this.write(type, namespace, name, (current) => asKubeObject(patch(scaleOf(type, current))) ?? { metadata: {} }, options);
  }

  private write(type: ResourceType, namespace: string | undefined, name: string, scaleFor: (current: KubeObject) => KubeObject, options: WriteOptions): KubeObject {
    const paths = scalePaths(type);
    const updated = this.operations.patch(
      type,
      namespace,
      name,
      (current) => {
        const scale = scaleFor(current);
        const next = jsonClone(current);
        writeField(next, paths.specReplicasPath, requestedReplicas(type, name, scale));
        next.metadata.resourceVersion = scale.metadata.resourceVersion || current.metadata.resourceVersion;
        return next;
      },
      undefined,
      options,
    );
    return scaleOf(type, updated);
  }
}
