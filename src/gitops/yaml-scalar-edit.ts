// Surgical edits of YAML text: replace one scalar in place and prove, by re-parsing, that nothing else changed.
import { isDeepStrictEqual } from 'node:util';
import yaml from 'js-yaml';
import { VaneError } from '../errors.js';
import { resolvePlainScalar } from './go-yaml-scalar.js';
import { parseStyledDocuments, PlainScalar } from './yaml-documents.js';
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
 * structure; every other byte of the file (comments, ordering, quoting, blank lines) is kept. The new value keeps the
 * old one's quotes; a plain value is written plain only when every tool reads that text back as the same string
 * (see plainReadsBack), else double-quoted. A change whose old and new text are equal rewrites a plain value that the
 * tools would retype (`tag: 1.10`, which Helm renders 1.1) as a quoted one, and leaves anything else alone.
 */
export function applyScalarChanges(text: string, changes: readonly ScalarChange[]): string {
  let current = text;
  for (const change of changes) current = applyScalarChange(current, change);
  return current;
}

function applyScalarChange(text: string, change: ScalarChange): string {
  const docs = parseStyledDocuments(text);
  if (!docs) throw new VaneError('InvalidSpec', 'the file is not valid YAML');
  const node = valueAt(docs[change.doc], change.path);
  const written = node instanceof PlainScalar ? node.text : node;
  if (written !== change.from) {
    throw new VaneError('Conflict', `expected "${change.from}" at ${describePath(change)}`);
  }
  if (change.from === change.to && (!(node instanceof PlainScalar) || plainReadsBack(node.text))) return text;
  for (const candidate of candidateEdits(text, change)) {
    if (isDeepStrictEqual(parseStyledDocuments(candidate.text), withValue(docs, change, candidate.plain))) return candidate.text;
  }
  throw new VaneError('InvalidSpec', `cannot rewrite ${describePath(change)} in place (is the value written unusually?)`);
}

function describePath(change: ScalarChange): string {
  return `document ${change.doc} ${change.path.join('.')}`;
}

/** The documents with the changed scalar as the candidate writes it: plain or quoted, the rest untouched. */
function withValue(docs: unknown[], change: ScalarChange, plain: boolean): unknown[] {
  const copy = structuredCloneStyled(docs);
  const parentPath = change.path.slice(0, -1);
  const last = change.path[change.path.length - 1];
  const parent = valueAt(copy[change.doc], parentPath);
  if (last === undefined || (!isRecord(parent) && !Array.isArray(parent))) return copy;
  (parent as Record<string | number, unknown>)[last] = plain ? new PlainScalar(change.to) : change.to;
  return copy;
}

/** structuredClone drops class instances' prototypes; PlainScalar nodes are copied as PlainScalar. */
function structuredCloneStyled(value: unknown[]): unknown[] {
  const seen = new Map<object, unknown>();
  const copy = (node: unknown): unknown => {
    if (node instanceof PlainScalar) return new PlainScalar(node.text);
    if (typeof node !== 'object' || node === null) return node;
    const known = seen.get(node);
    if (known !== undefined) return known;
    if (Array.isArray(node)) {
      const list: unknown[] = [];
      seen.set(node, list);
      for (const item of node) list.push(copy(item));
      return list;
    }
    const record: Record<string, unknown> = {};
    seen.set(node, record);
    for (const [key, item] of Object.entries(node)) record[key] = copy(item);
    return record;
  };
  return value.map(copy);
}

function* candidateEdits(text: string, change: ScalarChange): Generator<{ text: string; plain: boolean }> {
  for (let at = text.indexOf(change.from); at >= 0; at = text.indexOf(change.from, at + 1)) {
    const replaced = replaceOccurrence(text, at, change);
    if (replaced !== undefined) yield replaced;
  }
}

function replaceOccurrence(text: string, at: number, change: ScalarChange): { text: string; plain: boolean } | undefined {
  const before = text[at - 1] ?? '\n';
  const end = at + change.from.length;
  const after = text[end] ?? '\n';
  if ((before === '"' || before === "'") && after === before) {
    return { text: text.slice(0, at - 1) + quoted(change.to, before) + text.slice(end + 1), plain: false };
  }
  if (!/[\s:[{,-]/.test(before) || !/[\s#,\]}]/.test(after)) return undefined;
  const plain = plainReadsBack(change.to);
  return { text: text.slice(0, at) + (plain ? change.to : JSON.stringify(change.to)) + text.slice(end), plain };
}

function quoted(value: string, quote: string): string {
  return quote === '"' ? JSON.stringify(value) : `'${value.replace(/'/g, "''")}'`;
}

/**
 * Whether `text`, written as a plain scalar, is read back as exactly that string by every tool that may consume the
 * file: go-yaml v2 (Helm, kustomize, Argo CD, kubectl: YAML 1.1 typing, so `1.10`, `yes`, `010` are not strings) and
 * a YAML 1.2 core schema reader (js-yaml's default), which also covers plain-scalar syntax (`: `, ` #`, leading `*`).
 */
export function plainReadsBack(text: string): boolean {
  return resolvePlainScalar(text).type === 'str' && coreValue(text) === text;
}

function coreValue(raw: string): unknown {
  try {
    const loaded: unknown = yaml.load(`v: ${raw}`);
    return isRecord(loaded) ? loaded.v : undefined;
  } catch {
    return undefined;
  }
}
