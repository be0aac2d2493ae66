// A small JSONPath subset for the web provider: `$`, `$.a.b`, `$.a[0]`, `$['a-b']` — enough to pick one value —
// also written in braces as Argo Rollouts' (kubectl's) JSONPath templates are: `{$.a.b}`, `{.a.b}`.
import { MetricError } from '../metric-provider.js';

export type JsonPathSegment = { kind: 'key'; name: string } | { kind: 'index'; index: number };

export type JsonPathSelection = { found: true; value: unknown } | { found: false; reason: string };

const IDENTIFIER = /[A-Za-z_$][A-Za-z0-9_$]*/y;
const INDEX = /\[(\d+)\]/y;

/** `{$.a}` and `{.a}` (a kubectl JSONPath template holding one expression) as the plain path `$.a`. */
export function unbracedJsonPath(written: string): string {
  const braced = /^\{(.*)\}$/s.exec(written.trim());
  if (braced === null) return written;
  const inner = (braced[1] ?? '').trim();
  return inner.startsWith('.') || inner.startsWith('[') ? `$${inner}` : inner;
}

/** Parses a path (plain or braced); a path outside the subset is a BadQuery naming the path and the position. */
export function parseJsonPath(written: string): JsonPathSegment[] {
  const path = unbracedJsonPath(written);
  if (!path.startsWith('$')) throw invalid(path, 0, 'a path starts with "$"');
  const segments: JsonPathSegment[] = [];
  let position = 1;
  while (position < path.length) {
    const [segment, next] = segmentAt(path, position);
    segments.push(segment);
    position = next;
  }
  return segments;
}

/** Selects the value at `path` in `document`, or says at which step the path left the document. */
export function selectJsonPath(document: unknown, path: string): JsonPathSelection {
  let value = document;
  let walked = '$';
  for (const segment of parseJsonPath(path)) {
    const step = stepInto(value, segment);
    if (!step.found) return { found: false, reason: `${walked} ${step.reason}` };
    value = step.value;
    walked += formatSegment(segment);
  }
  return { found: true, value };
}

function segmentAt(path: string, position: number): [JsonPathSegment, number] {
  if (path[position] === '.') {
    IDENTIFIER.lastIndex = position + 1;
    const match = IDENTIFIER.exec(path);
    if (!match) throw invalid(path, position + 1, 'expected a name after "." (use [\'name\'] for other characters)');
    return [{ kind: 'key', name: match[0] }, IDENTIFIER.lastIndex];
  }
  if (path[position] === '[') {
    INDEX.lastIndex = position;
    const match = INDEX.exec(path);
    if (match) return [{ kind: 'index', index: Number(match[1]) }, INDEX.lastIndex];
    return quotedKeyAt(path, position);
  }
  throw invalid(path, position, 'expected "." or "["');
}

/** `['name']` or `["name"]`; a backslash escapes the next character. */
function quotedKeyAt(path: string, position: number): [JsonPathSegment, number] {
  const quote = path[position + 1];
  if (quote !== "'" && quote !== '"') throw invalid(path, position + 1, 'expected an index or a quoted name after "["');
  let name = '';
  let index = position + 2;
  while (index < path.length && path[index] !== quote) {
    if (path[index] === '\\') index += 1;
    name += path[index] ?? '';
    index += 1;
  }
  if (index >= path.length) throw invalid(path, position + 1, 'unterminated quoted name');
  if (path[index + 1] !== ']') throw invalid(path, index + 1, 'expected "]" after the quoted name');
  return [{ kind: 'key', name }, index + 2];
}

function stepInto(value: unknown, segment: JsonPathSegment): JsonPathSelection {
  if (segment.kind === 'index') {
    if (!Array.isArray(value)) return { found: false, reason: `is ${describe(value)}, not a list` };
    if (segment.index >= value.length) return { found: false, reason: `has ${value.length} items, no index ${segment.index}` };
    return { found: true, value: value[segment.index] as unknown };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { found: false, reason: `is ${describe(value)}, not an object` };
  }
  if (!Object.hasOwn(value, segment.name)) return { found: false, reason: `has no key ${JSON.stringify(segment.name)}` };
  return { found: true, value: (value as Record<string, unknown>)[segment.name] };
}

function formatSegment(segment: JsonPathSegment): string {
  if (segment.kind === 'index') return `[${segment.index}]`;
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(segment.name) ? `.${segment.name}` : `[${JSON.stringify(segment.name)}]`;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function invalid(path: string, position: number, reason: string): MetricError {
  return new MetricError('BadQuery', `invalid JSON path ${JSON.stringify(path)} at position ${position}: ${reason}`);
}
