// The subset of OpenAPI v3 that apiextensions.k8s.io/v1 structural schemas use, with terse constructors.
import { INT32_MAX, MAX_DURATION_SECONDS, NAME_RULES, type NameRule } from './kube-bounds.js';

export type SchemaType = 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';

/** A node of a CRD's openAPIV3Schema, spelled as the apiserver reads it. */
export interface JSONSchemaProps {
  type?: SchemaType;
  description?: string;
  format?: string;
  properties?: Record<string, JSONSchemaProps>;
  required?: string[];
  additionalProperties?: JSONSchemaProps;
  items?: JSONSchemaProps;
  enum?: Array<string | number | boolean>;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  'x-kubernetes-int-or-string'?: true;
  'x-kubernetes-preserve-unknown-fields'?: true;
  'x-kubernetes-embedded-resource'?: true;
}

type Extra = Omit<JSONSchemaProps, 'type' | 'properties' | 'items' | 'additionalProperties'>;

/** An object with the given properties; `required` lists the keys that must be present. */
export function object(
  properties: Record<string, JSONSchemaProps>,
  extra: Extra & { required?: string[] } = {},
): JSONSchemaProps {
  const required = extra.required !== undefined && extra.required.length > 0 ? { required: extra.required } : {};
  return { type: 'object', ...omitRequired(extra), properties, ...required };
}

export function string(extra: Extra = {}): JSONSchemaProps {
  return { type: 'string', ...extra };
}

export function number(extra: Extra = {}): JSONSchemaProps {
  return { type: 'number', ...extra };
}

export function integer(extra: Extra = {}): JSONSchemaProps {
  return { type: 'integer', ...extra };
}

/**
 * A count in a spec: an int32, 0 or more unless `extra` says otherwise. The apiserver does not range-check
 * `format: int32`, so the bounds are spelled out.
 */
export function int32(extra: Extra = {}): JSONSchemaProps {
  return { type: 'integer', format: 'int32', minimum: 0, maximum: INT32_MAX, ...extra };
}

/** The name of a Kubernetes object, following `rule` as the apiserver would for the object itself. */
export function objectName(rule: NameRule, extra: Extra = {}): JSONSchemaProps {
  const { pattern, maxLength } = NAME_RULES[rule];
  return { type: 'string', minLength: 1, maxLength, pattern, ...extra };
}

/** Seconds, or a duration string ("30s", "5m"); only the integer form can be bounded by the schema. */
export function duration(extra: Extra = {}): JSONSchemaProps {
  return intOrString({ maximum: MAX_DURATION_SECONDS, ...extra });
}

export function boolean(extra: Extra = {}): JSONSchemaProps {
  return { type: 'boolean', ...extra };
}

export function array(items: JSONSchemaProps, extra: Extra = {}): JSONSchemaProps {
  return { type: 'array', ...extra, items };
}

/** A string-keyed map whose values all follow `values` (labels, annotations). */
export function mapOf(values: JSONSchemaProps, extra: Extra = {}): JSONSchemaProps {
  return { type: 'object', ...extra, additionalProperties: values };
}

/** A value that is either an integer or a string (durations, "25%"); typed by the extension alone. */
export function intOrString(extra: Extra = {}): JSONSchemaProps {
  return { ...extra, 'x-kubernetes-int-or-string': true };
}

/** An object kept verbatim: the apiserver neither prunes nor validates what is inside. */
export function opaqueObject(extra: Extra = {}): JSONSchemaProps {
  return { type: 'object', ...extra, 'x-kubernetes-preserve-unknown-fields': true };
}

function omitRequired(extra: Extra & { required?: string[] }): Extra {
  const { required: _required, ...rest } = extra;
  return rest;
}
