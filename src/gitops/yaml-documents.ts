// Multi-document YAML files as GitOps repositories hold them: scalars as strings (or plain ones marked), and line spans.
// Repository content is untrusted: every load is bounded in size and in what its aliases may expand to.
import yaml from 'js-yaml';
import { VaneError } from '../errors.js';

export interface DocumentSpan {
  /** 1-based first and last line of the document's content, separators excluded. */
  startLine: number;
  endLine: number;
  value: unknown;
}

/** Repository files larger than this are not read: no manifest, kustomization or values file comes near it. */
export const MAX_YAML_BYTES = 1024 * 1024;
/** References to an already-seen mapping or list (what an alias of a collection produces) allowed in one file. */
export const MAX_COLLECTION_ALIASES = 100;
/** Nodes that aliases may add beyond the file's own when its structure is walked as a tree. */
export const MAX_ALIAS_EXPANSION = 10_000;

/**
 * A plain (unquoted) scalar as written. The GitOps tools type plain scalars (`1.10` is a number to Helm) and never
 * quoted ones, so readers that must know what a tool makes of a value keep the two apart (see scalar-reading.ts).
 */
export class PlainScalar {
  constructor(readonly text: string) {}

  // js-yaml turns a mapping key into a string with String() unless it looks like a plain object; the tag makes it ours.
  get [Symbol.toStringTag](): string {
    return 'PlainScalar';
  }

  toString(): string {
    return this.text;
  }
}

/** The failsafe schema plus one implicit type: js-yaml tries implicit types on plain scalars only, so this one marks them. */
const STYLED_SCHEMA = yaml.FAILSAFE_SCHEMA.extend({
  implicit: [new yaml.Type('tag:vane.dev,2024:plain', { kind: 'scalar', resolve: () => true, construct: (text: string) => new PlainScalar(text) })],
});

/**
 * All documents of a file, scalars as strings (the failsafe schema) so `tag: 1.10` stays "1.10"; undefined when the
 * text is not YAML (a Helm template, for instance). Throws InvalidSpec for a file that is too large or whose aliases
 * would expand it (a "billion laughs"): the documents could then not be walked, compared or copied in bounded time.
 */
export function parseDocuments(text: string): unknown[] | undefined {
  return loadBounded(text, yaml.FAILSAFE_SCHEMA);
}

/**
 * parseDocuments with each plain scalar as a PlainScalar and each quoted or block scalar as a string: the same
 * documents, in the same order, with the same bounds, for readers that apply a tool's typing of plain scalars.
 */
export function parseStyledDocuments(text: string): unknown[] | undefined {
  return loadBounded(text, STYLED_SCHEMA);
}

function loadBounded(text: string, schema: yaml.Schema): unknown[] | undefined {
  assertReadableSize(text);
  let docs: unknown[];
  try {
    docs = yaml.loadAll(text, undefined, { schema });
  } catch {
    return undefined;
  }
  assertBoundedAliases(docs);
  return docs;
}

/** parseDocuments, with the repository file named in any refusal. */
export function parseDocumentsIn(file: string, text: string): unknown[] | undefined {
  try {
    return parseDocuments(text);
  } catch (err) {
    throw inFile(file, err);
  }
}

/** An error about a file's content, its message prefixed with the file's name. */
export function inFile(file: string, err: unknown): VaneError {
  const message = err instanceof Error ? err.message : String(err);
  const code = err instanceof VaneError ? err.code : 'InvalidSpec';
  return new VaneError(code, `${file}: ${message}`, { cause: err });
}

/** Throws InvalidSpec when `text` is larger than Vane reads from a repository. */
export function assertReadableSize(text: string): void {
  if (text.length > MAX_YAML_BYTES) {
    throw new VaneError('InvalidSpec', `the file is larger than 1 MiB (${text.length} characters); Vane does not read such files`);
  }
}

/**
 * js-yaml resolves an alias to the very object its anchor made, so a file is a graph: cheap to load, exponential to walk.
 * Counts, without walking anything twice, how many nodes a tree walk would visit; refuses cycles (an anchor used inside
 * itself), more than MAX_COLLECTION_ALIASES shared collections, or an expansion beyond MAX_ALIAS_EXPANSION nodes.
 */
function assertBoundedAliases(docs: unknown[]): void {
  const expanded = new Map<object, number>();
  const open = new Set<object>();
  const counter = { distinct: 0, aliases: 0 };
  let total = 0;
  for (const doc of docs) {
    total += treeSize(doc, expanded, open, counter);
    if (total - counter.distinct > MAX_ALIAS_EXPANSION) throw aliasRefusal(`its aliases expand it by more than ${MAX_ALIAS_EXPANSION} nodes`);
  }
}

interface AliasCounter {
  distinct: number;
  aliases: number;
}

/** Nodes under `node` counted as a tree; each distinct collection is entered once (iteratively: nesting may be deep). */
function treeSize(root: unknown, expanded: Map<object, number>, open: Set<object>, counter: AliasCounter): number {
  if (!isCollection(root)) {
    counter.distinct += 1;
    return 1;
  }
  const known = seen(root, expanded, open, counter);
  if (known !== undefined) return known;
  const stack: Array<{ node: object; children: unknown[]; next: number; size: number }> = [];
  const enter = (node: object): void => {
    open.add(node);
    counter.distinct += 1;
    stack.push({ node, children: Object.values(node), next: 0, size: 1 });
  };
  enter(root);
  let result = 0;
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next < frame.children.length) {
      const child = frame.children[frame.next++];
      if (!isCollection(child)) {
        frame.size += 1;
        counter.distinct += 1;
        continue;
      }
      const size = seen(child, expanded, open, counter);
      if (size === undefined) enter(child);
      else frame.size += size;
      continue;
    }
    stack.pop();
    open.delete(frame.node);
    expanded.set(frame.node, frame.size);
    if (frame.size - counter.distinct > MAX_ALIAS_EXPANSION) throw aliasRefusal(`its aliases expand it by more than ${MAX_ALIAS_EXPANSION} nodes`);
    const parent = stack[stack.length - 1];
    if (parent) parent.size += frame.size;
    else result = frame.size;
  }
  return result;
}

/** The tree size of a collection met before (an alias), undefined for a new one; throws for a cycle or too many aliases. */
function seen(node: object, expanded: Map<object, number>, open: Set<object>, counter: AliasCounter): number | undefined {
  if (open.has(node)) throw aliasRefusal('an alias refers to a collection that contains it');
  const size = expanded.get(node);
  if (size === undefined) return undefined;
  counter.aliases += 1;
  if (counter.aliases > MAX_COLLECTION_ALIASES) throw aliasRefusal(`it has more than ${MAX_COLLECTION_ALIASES} aliases of mappings or lists`);
  return size;
}

function isCollection(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !(value instanceof PlainScalar);
}

function aliasRefusal(why: string): VaneError {
  return new VaneError('InvalidSpec', `refusing to read YAML whose aliases cannot be bounded: ${why}`);
}

const SEPARATOR = /^(?:---|\.\.\.)(?:\s.*)?$/;

/** Each document with the lines it occupies; undefined when any document is not YAML. */
export function documentSpans(text: string): DocumentSpan[] | undefined {
  assertReadableSize(text);
  const lines = text.split('\n');
  const spans: DocumentSpan[] = [];
  let start = 1;
  for (let index = 0; index <= lines.length; index += 1) {
    const atEnd = index === lines.length;
    if (!atEnd && !SEPARATOR.test(lines[index] ?? '')) continue;
    const chunk = lines.slice(start - 1, index).join('\n');
    const span = parseChunk(chunk, start, index);
    if (span === null) return undefined;
    if (span) spans.push(span);
    start = index + 2;
  }
  return spans;
}

function parseChunk(chunk: string, startLine: number, endLine: number): DocumentSpan | undefined | null {
  if (chunk.trim().length === 0) return undefined;
  let value: unknown;
  try {
    value = yaml.load(chunk, { schema: yaml.FAILSAFE_SCHEMA });
  } catch {
    return null;
  }
  assertBoundedAliases([value]);
  return { startLine, endLine, value };
}
