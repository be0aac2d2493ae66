// CRD openAPIV3Schema semantics as kube-apiserver applies them: the schema node type and its four operations.
//
// The operations live in one file each (schema-validation, schema-pruning, schema-defaulting,
// structural-check); this module is the one place the sandbox and the resources layer import them from.

/** One `x-kubernetes-validations` entry (a CEL rule). Carried, not evaluated: see validateObject. */
export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

/** A node of `apiextensions.k8s.io/v1` JSONSchemaProps, spelled as the CRD manifest spells it. */
export interface JSONSchemaProps {
  id?: string;
  $schema?: string;
  $ref?: string;
  description?: string;
  type?: string;
  format?: string;
  title?: string;
  default?: unknown;
  maximum?: number;
  exclusiveMaximum?: boolean;
  minimum?: number;
  exclusiveMinimum?: boolean;
  maxLength?: number;
  minLength?: number;
  pattern?: string;
  maxItems?: number;
  minItems?: number;
  uniqueItems?: boolean;
  multipleOf?: number;
  enum?: unknown[];
  maxProperties?: number;
  minProperties?: number;
  required?: string[];
  items?: JSONSchemaProps | JSONSchemaProps[];
  allOf?: JSONSchemaProps[];
  oneOf?: JSONSchemaProps[];
  anyOf?: JSONSchemaProps[];
  not?: JSONSchemaProps;
  properties?: Record<string, JSONSchemaProps>;
  additionalProperties?: JSONSchemaProps | boolean;
  patternProperties?: Record<string, JSONSchemaProps>;
  dependencies?: Record<string, JSONSchemaProps | string[]>;
  additionalItems?: JSONSchemaProps | boolean;
  definitions?: Record<string, JSONSchemaProps>;
  externalDocs?: { description?: string; url?: string };
  example?: unknown;
  nullable?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-list-type'?: string;
  'x-kubernetes-map-type'?: string;
  'x-kubernetes-validations'?: ValidationRule[];
}

/** The apiserver's field.ErrorType names that schema handling can produce. */
export type SchemaErrorType =
  | 'Required'
  | 'Invalid'
  | 'Unsupported value'
  | 'Too many'
  | 'Too long'
  | 'Duplicate'
  | 'Forbidden';

/**
 * One field error as the apiserver reports it. `message` is the whole line
 * (`spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"`),
 * `body` is the same without the leading path, which is what a Status `details.causes[].message` carries.
 */
export interface SchemaError {
  path: string;
  type: SchemaErrorType;
  message: string;
  body: string;
}

export { validateObject } from './schema-validation.js';
export { pruneUnknownFields } from './schema-pruning.js';
export { applyDefaults, pruneNonNullableNullsWithoutDefaults } from './schema-defaulting.js';
export { checkStructural } from './structural-check.js';
export { causeReason, formatFieldErrors } from './field-error.js';
