// Surgical edits of YAML text: replace one scalar in place and prove, by re-parsing, that nothing else changed.
import { isDeepStrictEqual } from 'node:util';
import yaml from 'js-yaml';
import { VaneError } from '../errors.js';
import { parseDocuments } from './yaml-documents.js';
import { isRecord, valueAt } from './unstructured.js';

export interface ScalarChange {
  /** Index of the document in the file (as js-yaml's loadAll counts them). */
  doc: number;
  /** Keys and list indexes from the document root to the scalar. */
  path: ReadonlyArray<string | number>;
  from: string;
  to: string;
}

/**
 * Applies each change by rewriting the one occurrence of its old value whose replacement yields exactly the intended
 * structure; every other byte of the file (comments, ordering, quoting, blank lines) is kept.
 */
export function applyScalarChanges(text: string, changes: readonly ScalarChange[]): string {
  let current = text;
  for (const change of changes) current = applyScalarChange(current, change);
  return current;
}

function applyScalarChange(text: string, change: ScalarChange): string {
  if (change.from === change.to) return text;
  const docs = parseDocuments(text);
  if (!docs) throw new VaneError('InvalidSpec', 'the file is not valid YAML');
  if (valueAt(docs[change.doc], change.path) !== change.from) {
    throw new VaneError('Conflict', `expected "${change.from}" at ${describePath(change)}`);
  }
  const expected = withValue(docs, change);
  for (const candidate of candidateEdits(text, change)) {
    if (isDeepStrictEqual(parseDocuments(candidate), expected)) return candidate;
  }
  throw new VaneError('InvalidSpec', `cannot rewrite ${describePath(change)} in place (is the value written unusually?)`);
}

function describePath(change: ScalarChange): string {
  return `document ${change.doc} ${change.path.join('.')}`;
}

function withValue(docs: unknown[], change: ScalarChange): unknown[] {
  const copy = structuredClone(docs);
  const parentPath = change.path.slice(0, -1);
  const last = change.path[change.path.length - 1];
  const parent = valueAt(copy[change.doc], parentPath);
  if (last === undefined || (!isRecord(parent) && !Array.isArray(parent))) return copy;
  (parent as Record<string | number, unknown>)[last] = change.to;
  return copy;
}

function* candidateEdits(text: string, change: ScalarChange): Generator<string> {
  for (let at = text.indexOf(change.from); at >= 0; at = text.indexOf(change.from, at + 1)) {
    const replaced = replaceOccurrence(text, at, change);
    if (replaced !== undefined) yield replaced;
  }
}

function replaceOccurrence(text: string, at: number, change: ScalarChange): string | undefined {
  const before = text[at - 1] ?? '\n';
  const end = at + change.from.length;
  const after = text[end] ?? '\n';
  if ((before === '"' || before === "'") && after === before) {
    return text.slice(0, at - 1) + quoted(change.to, before) + text.slice(end + 1);
  }
  if (!/[\s:[{,-]/.test(before) || !/[\s#,\]}]/.test(after)) return undefined;
  return text.slice(0, at) + plainOrQuoted(change.to, change.from) + text.slice(end);
}

function quoted(value: string, quote: string): string {
  return quote === '"' ? JSON.stringify(value) : `'${value.replace(/'/g, "''")}'`;
}

/** Plain when YAML reads the plain text back as the same string (or the author already wrote such values plain). */
function plainOrQuoted(value: string, previous: string): string {
  if (readsAsString(value)) return value;
  if (!readsAsString(previous) && readsAsScalar(value)) return value;
  return JSON.stringify(value);
}

function readsAsString(raw: string): boolean {
  return coreValue(raw) === raw;
}

function readsAsScalar(raw: string): boolean {
  const value = coreValue(raw);
  return value !== undefined && typeof value !== 'object';
}

function coreValue(raw: string): unknown {
  try {
    const loaded: unknown = yaml.load(`v: ${raw}`);
    return isRecord(loaded) ? loaded.v : undefined;
  } catch {
    return undefined;
  }
}
