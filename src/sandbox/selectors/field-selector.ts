// Kubernetes field selectors (`?fieldSelector=metadata.name=web,status.phase!=Running`): parsing with
// apimachinery's escaping rules, per-kind field sets (the hook the server extends), and matching.
import { VaneError } from '../../errors.js';

export type FieldOperator = '=' | '==' | '!=';

export interface FieldRequirement {
  field: string;
  operator: FieldOperator;
  value: string;
}

export interface FieldSelectorQuery {
  /** Sorted by their written text, as fields.ParseSelector sorts the terms. */
  requirements: readonly FieldRequirement[];
}

/** Reads one selectable field from an object, rendered as the apiserver renders it (numbers in decimal). */
export type FieldGetter = (obj: unknown) => string;

/**
 * The fields a kind can be selected by. `unsupportedMessage` words the error for any other field: kinds with a
 * registered field-label conversion say "field label not supported", the rest the metadata-only message.
 */
export interface SelectableFields {
  getters: Readonly<Record<string, FieldGetter>>;
  unsupportedMessage: (field: string) => string;
}

function badRequest(message: string): never {
  throw new VaneError('BadRequest', message);
}

/** Splits on commas that are not escaped by a backslash (fields.splitTerms). */
function splitTerms(text: string): string[] {
  if (text === '') return [];
  const terms: string[] = [];
  let start = 0;
  let escaped = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (escaped) escaped = false;
    else if (ch === '\\') escaped = true;
    else if (ch === ',') {
      terms.push(text.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(text.slice(start));
  return terms;
}

const TERM_OPERATORS: FieldOperator[] = ['!=', '==', '='];

/** The first unescaped operator splits a term (fields.splitTerm). */
function splitTerm(term: string): { field: string; operator: FieldOperator; value: string } | undefined {
  let escaped = false;
  for (let i = 0; i < term.length; i++) {
    if (escaped) {
      escaped = false;
      continue;
    }
    if (term[i] === '\\') {
      escaped = true;
      continue;
    }
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return { field: term.slice(0, i), operator: op, value: term.slice(i + op.length) };
    }
  }
  return undefined;
}

const VALID_ESCAPES: ReadonlySet<string> = new Set(['\\', ',', '=']);

/** fields.UnescapeValue: `\\`, `\,` and `\=` are the only escapes; bare `,` or `=` are errors. */
function unescapeValue(value: string): string {
  if (!/[\\,=]/.test(value)) return value;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const ch = value[i] ?? '';
    if (ch === '\\') {
      const next = value[i + 1];
      if (next === undefined || !VALID_ESCAPES.has(next)) {
        badRequest(`invalid field selector: invalid escape sequence: ${value.slice(i, i + 2)}`);
      }
      out += next;
      i++;
    } else if (ch === ',' || ch === '=') {
      badRequest(`invalid field selector: unescaped character in value: ${ch}`);
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * Parses the syntax alone (any field name). Throws VaneError 'BadRequest' with the apiserver's message
 * (`invalid selector: 'x'; can't understand 'x'`). An empty string selects everything.
 */
export function parseFieldSelector(text: string): FieldSelectorQuery {
  const terms = splitTerms(text).sort();
  const requirements: FieldRequirement[] = [];
  for (const term of terms) {
    if (term === '') continue;
    const parts = splitTerm(term);
    if (parts === undefined) badRequest(`invalid selector: '${text}'; can't understand '${term}'`);
    requirements.push({ field: parts.field, operator: parts.operator, value: unescapeValue(parts.value) });
  }
  return { requirements };
}

function readPath(obj: unknown, path: string): unknown {
  let current: unknown = obj;
  for (const step of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined;
    current = (current as Record<string, unknown>)[step];
  }
  return current;
}

/** A getter for a dotted path (`spec.nodeName`); missing reads as "", numbers and booleans as text. */
export function fieldPathGetter(path: string): FieldGetter {
  return (obj) => {
    const value = readPath(obj, path);
    if (typeof value === 'string') return value;
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    return '';
  };
}

const METADATA_GETTERS: Readonly<Record<string, FieldGetter>> = {
  'metadata.name': fieldPathGetter('metadata.name'),
  'metadata.namespace': fieldPathGetter('metadata.namespace'),
};

/** DefaultMetaV1FieldSelectorConversion's refusal, what custom resources and most kinds answer. */
function metadataOnlyMessage(field: string): string {
  return `${JSON.stringify(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`;
}

function notSupportedMessage(field: string): string {
  return `field label not supported: ${field}`;
}

/** What every kind supports: metadata.name and metadata.namespace. */
export const METADATA_FIELDS: SelectableFields = { getters: METADATA_GETTERS, unsupportedMessage: metadataOnlyMessage };

/**
 * The extension hook: a field set with more fields. `extra` maps a field to a getter, or to `true` for a plain
 * dotted path. Adding fields switches the refusal to "field label not supported", as kinds with their own
 * field-label conversion (Pods, Events, ...) word it.
 */
export function withFields(base: SelectableFields, extra: Readonly<Record<string, FieldGetter | true>>): SelectableFields {
  const getters: Record<string, FieldGetter> = { ...base.getters };
  for (const [field, getter] of Object.entries(extra)) getters[field] = getter === true ? fieldPathGetter(field) : getter;
  return { getters, unsupportedMessage: notSupportedMessage };
}

function eventSource(obj: unknown): string {
  return fieldPathGetter('source.component')(obj);
}

/** The fields kube-apiserver lets each built-in kind the sandbox serves be selected by. */
const BUILTIN_FIELDS: Readonly<Record<string, SelectableFields>> = {
  Pod: withFields(METADATA_FIELDS, {
    'spec.nodeName': true,
    'spec.restartPolicy': true,
    'spec.schedulerName': true,
    'spec.serviceAccountName': true,
    'spec.hostNetwork': (obj) => (readPath(obj, 'spec.hostNetwork') === true ? 'true' : 'false'),
    'status.phase': true,
    'status.podIP': true,
    'status.nominatedNodeName': true,
  }),
  Event: withFields(METADATA_FIELDS, {
    'involvedObject.kind': true,
    'involvedObject.namespace': true,
    'involvedObject.name': true,
    'involvedObject.uid': true,
    'involvedObject.apiVersion': true,
    'involvedObject.resourceVersion': true,
    'involvedObject.fieldPath': true,
    reason: true,
    reportingComponent: true,
    source: eventSource,
    type: true,
  }),
  Secret: withFields(METADATA_FIELDS, { type: true }),
  Namespace: withFields(METADATA_FIELDS, { 'status.phase': true }),
  Service: withFields(METADATA_FIELDS, { 'spec.clusterIP': true, 'spec.type': true }),
  ReplicaSet: withFields(METADATA_FIELDS, { 'status.replicas': (obj) => String(readPath(obj, 'status.replicas') ?? 0) }),
};

/** The selectable fields of a built-in kind; any other kind (custom resources included) has metadata only. */
export function fieldsForKind(kind: string): SelectableFields {
  return BUILTIN_FIELDS[kind] ?? METADATA_FIELDS;
}

/** Rejects a selector naming a field the kind does not support (the apiserver answers 400 BadRequest). */
export function assertSupportedFields(selector: FieldSelectorQuery, fields: SelectableFields): void {
  for (const req of selector.requirements) {
    if (!(req.field in fields.getters)) badRequest(fields.unsupportedMessage(req.field));
  }
}

/** Parses and checks against the kind's fields in one step, as a list or watch request does. */
export function compileFieldSelector(text: string, fields: SelectableFields = METADATA_FIELDS): FieldSelectorQuery {
  const selector = parseFieldSelector(text);
  assertSupportedFields(selector, fields);
  return selector;
}

/** Whether `obj` satisfies every requirement; fields outside `fields` never match. */
export function matchesFields(selector: FieldSelectorQuery, obj: unknown, fields: SelectableFields = METADATA_FIELDS): boolean {
  return selector.requirements.every((req) => {
    const getter = fields.getters[req.field];
    if (getter === undefined) return false;
    const actual = getter(obj);
    return req.operator === '!=' ? actual !== req.value : actual === req.value;
  });
}

/** The canonical text of a selector (`a=b,c!=d`, values escaped). */
export function fieldSelectorString(selector: FieldSelectorQuery): string {
  const escape = (v: string): string => v.replace(/\\/g, '\\\\').replace(/,/g, '\\,').replace(/=/g, '\\=');
  return selector.requirements.map((r) => `${r.field}${r.operator}${escape(r.value)}`).join(',');
}
