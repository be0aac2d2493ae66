// Checks shared by every Vane kind: apiVersion, kind and a name, before the kind-specific spec rules.
import type { FieldChecker, Fields } from './field-checker.js';
import { API_VERSION } from './meta.js';

/** Checks the object's header and returns its spec object, or undefined when there is none to check. */
export function checkResourceHeader(c: FieldChecker, obj: unknown, kinds: readonly string[]): Fields | undefined {
  const root = c.object(obj, '', { required: true });
  if (root === undefined) return undefined;
  if (root.apiVersion !== API_VERSION) c.add('apiVersion', `must be ${JSON.stringify(API_VERSION)}`);
  c.oneOf(root.kind, 'kind', kinds, { required: true });
  checkName(c, root.metadata);
  return c.object(root.spec, 'spec', { required: true });
}

function checkName(c: FieldChecker, value: unknown): void {
  const metadata = c.object(value, 'metadata', { required: true });
  if (metadata === undefined) return;
  const name = c.string(metadata.name, 'metadata.name');
  const generateName = c.string(metadata.generateName, 'metadata.generateName');
  if (name === undefined && generateName === undefined) c.add('metadata.name', 'is required');
}
