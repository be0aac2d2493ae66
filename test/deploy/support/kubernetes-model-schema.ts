// Checks built-in Kubernetes objects against the API's own schema as @kubernetes/client-node generates it from the
// upstream OpenAPI document (v1.34): every field must exist at its path with the right type, and fields the API
// requires must be present. For the kinds the sandbox does not serve (RBAC, policy, NetworkPolicy, ServiceAccount).
import * as k8s from '@kubernetes/client-node';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

interface Attribute {
  name: string;
  baseName: string;
  type: string;
}

interface ModelClass {
  getAttributeTypeMap(): Attribute[];
}

const MODELS_DIR = join(dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node')), 'gen', 'models');
const models = k8s as unknown as Record<string, unknown>;
const requiredCache = new Map<string, Set<string>>();

/** The generated class of a kind: `policy/v1` PodDisruptionBudget → V1PodDisruptionBudget. */
export function modelNameOf(apiVersion: string, kind: string): string {
  const version = apiVersion.split('/').at(-1) ?? apiVersion;
  return `${version.charAt(0).toUpperCase()}${version.slice(1)}${kind}`;
}

function modelClass(name: string): ModelClass | undefined {
  const candidate = models[name] as Partial<ModelClass> | undefined;
  return typeof candidate?.getAttributeTypeMap === 'function' ? (candidate as ModelClass) : undefined;
}

/** Required properties, read from the declaration file: the generator marks optional ones with `?`. */
function requiredOf(name: string): Set<string> {
  const cached = requiredCache.get(name);
  if (cached) return cached;
  const text = readFileSync(join(MODELS_DIR, `${name}.d.ts`), 'utf8');
  const required = new Set([...text.matchAll(/^\s+'([^']+)':/gm)].map((m) => m[1]!));
  requiredCache.set(name, required);
  return required;
}

function typeError(path: string, expected: string, value: unknown): string {
  return `${path}: expected ${expected}, got ${JSON.stringify(value)}`;
}

function checkValue(value: unknown, type: string, path: string, errors: string[]): void {
  if (value === null || type === 'any') return;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) errors.push(typeError(path, 'a list', value));
    else value.forEach((item, i) => checkValue(item, array[1]!, `${path}[${i}]`, errors));
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value !== 'object' || Array.isArray(value)) errors.push(typeError(path, 'a map', value));
    else for (const [key, item] of Object.entries(value as object)) checkValue(item, map[1]!, `${path}.${key}`, errors);
    return;
  }
  checkScalarOrModel(value, type, path, errors);
}

function checkScalarOrModel(value: unknown, type: string, path: string, errors: string[]): void {
  switch (type) {
    case 'string':
    case 'Date':
      if (typeof value !== 'string') errors.push(typeError(path, 'a string', value));
      return;
    case 'number':
      if (typeof value !== 'number') errors.push(typeError(path, 'a number', value));
      return;
    case 'boolean':
      if (typeof value !== 'boolean') errors.push(typeError(path, 'a boolean', value));
      return;
    case 'IntOrString':
      if (typeof value !== 'string' && !Number.isInteger(value)) errors.push(typeError(path, 'an integer or a string', value));
      return;
    default:
      checkModel(value, type, path, errors);
  }
}

function checkModel(value: unknown, name: string, path: string, errors: string[]): void {
  const model = modelClass(name);
  if (!model) {
    errors.push(`${path}: no schema for type ${name}`);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    errors.push(typeError(path, `an object (${name})`, value));
    return;
  }
  const attributes = model.getAttributeTypeMap();
  const byField = new Map(attributes.map((a) => [a.baseName, a]));
  const fields = value as Record<string, unknown>;
  for (const [field, item] of Object.entries(fields)) {
    const attribute = byField.get(field);
    if (!attribute) errors.push(`${path}.${field}: unknown field in ${name}`);
    else checkValue(item, attribute.type, `${path}.${field}`, errors);
  }
  const required = requiredOf(name);
  for (const attribute of attributes) {
    if (required.has(attribute.name) && !(attribute.baseName in fields)) errors.push(`${path}.${attribute.baseName}: required by ${name}`);
  }
}

/** Schema errors of one object, or undefined when client-node has no model for its kind (a custom resource). */
export function schemaErrors(object: { apiVersion: string; kind: string }): string[] | undefined {
  const name = modelNameOf(object.apiVersion, object.kind);
  if (!modelClass(name)) return undefined;
  const errors: string[] = [];
  checkModel(object, name, object.kind, errors);
  return errors;
}
