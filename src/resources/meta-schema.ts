// Schemas for the Kubernetes shapes in meta.ts: label selectors, pod templates, conditions, secret refs.
import { array, integer, mapOf, object, objectName, string, type JSONSchemaProps } from './json-schema.js';

export const stringMap: JSONSchemaProps = mapOf(string());

export const timestamp: JSONSchemaProps = string({ format: 'date-time' });

export const labelSelectorSchema: JSONSchemaProps = object(
  {
    matchLabels: stringMap,
    matchExpressions: array(
      object(
        {
          key: string(),
          operator: string({ enum: ['In', 'NotIn', 'Exists', 'DoesNotExist'] }),
          values: array(string()),
        },
        { required: ['key', 'operator'] },
      ),
    ),
  },
  { description: 'Selects the pods of this workload; must match the pod template labels.' },
);

/**
 * Typed where Vane reads it (labels, annotations, container names and images) and kept verbatim below,
 * so the CRD does not have to carry the whole PodSpec schema.
 */
export const podTemplateSchema: JSONSchemaProps = object({
  metadata: object({ labels: stringMap, annotations: stringMap }),
  spec: object(
    {
      containers: array(
        object(
          { name: objectName('dns1123Label'), image: string() },
          { required: ['name'], 'x-kubernetes-preserve-unknown-fields': true },
        ),
        { minItems: 1 },
      ),
    },
    { required: ['containers'], 'x-kubernetes-preserve-unknown-fields': true },
  ),
});

export const secretKeySelectorSchema: JSONSchemaProps = object(
  { name: objectName('dns1123Subdomain'), key: string() },
  { required: ['name', 'key'] },
);

export const conditionSchema: JSONSchemaProps = object(
  {
    type: string(),
    status: string({ enum: ['True', 'False', 'Unknown'] }),
    reason: string(),
    message: string(),
    lastTransitionTime: timestamp,
    observedGeneration: integer({ minimum: 0 }),
  },
  { required: ['type', 'status', 'reason', 'message', 'lastTransitionTime'] },
);

/** The top of every Vane resource; metadata is validated by the apiserver itself, never by the schema. */
export function resourceSchema(properties: Record<string, JSONSchemaProps>, required: string[]): JSONSchemaProps {
  return object(
    { apiVersion: string(), kind: string(), metadata: { type: 'object' }, ...properties },
    { required },
  );
}
