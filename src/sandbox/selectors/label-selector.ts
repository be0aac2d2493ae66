// Kubernetes label selectors: the `?labelSelector=` string syntax and the LabelSelector object form, parsed,
// validated and matched with apimachinery's rules and error texts (k8s.io/apimachinery/pkg/labels).
import { VaneError } from '../../errors.js';
import { isQualifiedName, isValidLabelValue } from '../schema/name-validation.js';

export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  /** Sorted and de-duplicated, as sets.String keeps them. */
  values: string[];
}

/**
 * A parsed selector. `requirements` are sorted by key; all must hold. `matchesNothing` is labels.Nothing(),
 * what a nil LabelSelector object becomes; an empty selector matches everything.
 */
export interface LabelSelectorQuery {
  requirements: readonly LabelRequirement[];
  matchesNothing?: boolean;
}

/** The metav1.LabelSelector object form (structurally the same as the resources layer's type). */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export type Labels = Readonly<Record<string, string>> | undefined;

// ---- lexer ----

type TokenKind =
  | 'identifier'
  | 'in'
  | 'notin'
  | '='
  | '=='
  | '!='
  | '!'
  | '('
  | ')'
  | ','
  | 'gt'
  | 'lt'
  | 'end'
  | 'error';

interface Token {
  kind: TokenKind;
  literal: string;
}

const SYMBOL_TOKENS: Record<string, TokenKind> = {
  ')': ')',
  ',': ',',
  '!': '!',
  '==': '==',
  '=': '=',
  '>': 'gt',
  '<': 'lt',
  '!=': '!=',
  '(': '(',
};

function isSpecialSymbol(ch: string): boolean {
  return '=!(),><'.includes(ch);
}

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

/** Longest run of special symbols that still forms a token, as the apimachinery lexer scans it. */
function scanSymbol(text: string, start: number): { token: Token; end: number } {
  let buffer = '';
  let last: Token | undefined;
  let lastEnd = start;
  for (let i = start; i < text.length && isSpecialSymbol(text[i] ?? ''); i++) {
    buffer += text[i];
    const kind = SYMBOL_TOKENS[buffer];
    if (kind !== undefined) {
      last = { kind, literal: buffer };
      lastEnd = i + 1;
    } else if (last !== undefined) {
      break;
    }
  }
  if (last === undefined) return { token: { kind: 'error', literal: `error expected: keyword found '${buffer}'` }, end: start + buffer.length };
  return { token: last, end: lastEnd };
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && isWhitespace(text[i] ?? '')) i++;
    if (i >= text.length) break;
    if (isSpecialSymbol(text[i] ?? '')) {
      const { token, end } = scanSymbol(text, i);
      tokens.push(token);
      i = end;
      continue;
    }
    let j = i;
    while (j < text.length && !isWhitespace(text[j] ?? '') && !isSpecialSymbol(text[j] ?? '')) j++;
    const word = text.slice(i, j);
    tokens.push({ kind: word === 'in' || word === 'notin' ? word : 'identifier', literal: word });
    i = j;
  }
  tokens.push({ kind: 'end', literal: '' });
  return tokens;
}

// ---- parser ----

const BINARY_OPERATORS = 'in, notin, =, ==, !=, gt, lt';

function parseError(message: string): never {
  throw new VaneError('BadRequest', message);
}

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  /** In value position the keywords `in` and `notin` are plain identifiers. */
  lookahead(asValue = true): Token {
    const token = this.tokens[this.position] ?? { kind: 'end', literal: '' };
    if (asValue && (token.kind === 'in' || token.kind === 'notin')) return { kind: 'identifier', literal: token.literal };
    return token;
  }

  consume(asValue = true): Token {
    const token = this.lookahead(asValue);
    if (this.position < this.tokens.length - 1) this.position++;
    return token;
  }

  parse(): LabelRequirement[] {
    const requirements: LabelRequirement[] = [];
    for (;;) {
      const next = this.lookahead();
      if (next.kind === 'end') return requirements;
      if (next.kind !== 'identifier' && next.kind !== '!') {
        parseError(`found '${next.literal}', expected: !, identifier, or 'end of string'`);
      }
      requirements.push(this.requirementOrFail());
      const sep = this.consume();
      if (sep.kind === 'end') return requirements;
      if (sep.kind !== ',') parseError(`found '${sep.literal}', expected: ',' or 'end of string'`);
      const after = this.lookahead();
      if (after.kind !== 'identifier' && after.kind !== '!') {
        parseError(`found '${after.literal}', expected: identifier after ','`);
      }
    }
  }

  private requirementOrFail(): LabelRequirement {
    try {
      return this.requirement();
    } catch (err) {
      if (err instanceof VaneError) parseError(`unable to parse requirement: ${err.message}`);
      throw err;
    }
  }

  private requirement(): LabelRequirement {
    let token = this.consume();
    let negated = false;
    if (token.kind === '!') {
      negated = true;
      token = this.consume();
    }
    if (token.kind !== 'identifier') parseError(`found '${token.literal}', expected: identifier`);
    const key = token.literal;
    const keyErrors = isQualifiedName(key);
    if (keyErrors.length > 0) parseError(`<nil>: Invalid value: ${JSON.stringify(key)}: ${keyErrors.join('; ')}`);
    const after = this.lookahead();
    if (negated) return newRequirement(key, '!', []);
    if (after.kind === 'end' || after.kind === ',') return newRequirement(key, 'exists', []);
    const operator = this.operator();
    const values = operator === 'in' || operator === 'notin' ? this.setValues() : this.exactValue();
    return newRequirement(key, operator, values);
  }

  private operator(): LabelOperator {
    const token = this.consume(false);
    switch (token.kind) {
      case 'in':
      case 'notin':
      case '=':
      case '==':
      case '!=':
      case 'gt':
      case 'lt':
        return token.kind;
      default:
        return parseError(`found '${token.literal}', expected: ${BINARY_OPERATORS}`);
    }
  }

  private setValues(): string[] {
    const open = this.consume();
    if (open.kind !== '(') parseError(`found '${open.literal}' expected: '('`);
    const next = this.lookahead();
    if (next.kind === ')') {
      this.consume();
      return [''];
    }
    if (next.kind !== 'identifier' && next.kind !== ',') parseError(`found '${next.literal}', expected: ',', ')' or identifier`);
    const values = this.identifierList();
    const close = this.consume();
    if (close.kind !== ')') parseError(`found '${next.literal}', expected: ')'`);
    return values;
  }

  /** Mirrors parseIdentifiersList, including its treatment of empty values in `(,a)` and `(a,,b)`. */
  private identifierList(): string[] {
    const values = new Set<string>();
    for (;;) {
      const token = this.consume();
      if (token.kind === 'identifier') {
        values.add(token.literal);
        const next = this.lookahead();
        if (next.kind === ',') continue;
        if (next.kind === ')') return [...values];
        parseError(`found '${next.literal}', expected: ',' or ')'`);
      } else if (token.kind === ',') {
        if (values.size === 0) values.add('');
        const next = this.lookahead();
        if (next.kind === ')') {
          values.add('');
          return [...values];
        }
        if (next.kind === ',') {
          this.consume();
          values.add('');
        }
      } else {
        parseError(`found '${token.literal}', expected: ',', or identifier`);
      }
    }
  }

  private exactValue(): string[] {
    const next = this.lookahead();
    if (next.kind === 'end' || next.kind === ',') return [''];
    const token = this.consume();
    if (token.kind === 'identifier') return [token.literal];
    return parseError(`found '${token.literal}', expected: identifier`);
  }
}

/** A field error line as NewRequirement words it (its paths are relative: `values[0][key]`). */
function fieldLine(path: string, value: string | readonly string[], detail: string): string {
  // field.Error prints a []string bad value with %#v.
  const shown = typeof value === 'string' ? JSON.stringify(value) : `[]string{${value.map((v) => JSON.stringify(v)).join(', ')}}`;
  return `${path}: Invalid value: ${shown}: ${detail}`;
}

function isInt64(value: string): boolean {
  return /^[+-]?\d+$/.test(value) && BigInt(value) <= 9223372036854775807n && BigInt(value) >= -9223372036854775808n;
}

function operatorErrors(operator: LabelOperator, values: string[]): string[] {
  switch (operator) {
    case 'in':
    case 'notin':
      return values.length === 0 ? [fieldLine('values', values, "for 'in', 'notin' operators, values set can't be empty")] : [];
    case '=':
    case '==':
    case '!=':
      return values.length !== 1 ? [fieldLine('values', values, 'exact-match compatibility requires one single value')] : [];
    case 'exists':
    case '!':
      return values.length !== 0 ? [fieldLine('values', values, 'values set must be empty for exists and does not exist')] : [];
    case 'gt':
    case 'lt': {
      const errs = values.length !== 1 ? [fieldLine('values', values, "for 'Gt', 'Lt' operators, exactly one value is required")] : [];
      values.forEach((v, i) => {
        if (!isInt64(v)) errs.push(fieldLine(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
      });
      return errs;
    }
  }
}

/** labels.NewRequirement: validates key, operator arity and values; throws with the aggregate message. */
function newRequirement(key: string, operator: LabelOperator, rawValues: readonly string[]): LabelRequirement {
  const values = [...new Set(rawValues)].sort(compareBytes);
  const errors: string[] = [];
  const keyErrors = isQualifiedName(key);
  if (keyErrors.length > 0) errors.push(fieldLine('key', key, keyErrors.join('; ')));
  errors.push(...operatorErrors(operator, values));
  values.forEach((v, i) => {
    const valueErrors = isValidLabelValue(v);
    if (valueErrors.length > 0) errors.push(fieldLine(`values[${i}][${key}]`, v, valueErrors.join('; ')));
  });
  if (errors.length === 1) parseError(errors[0] ?? '');
  if (errors.length > 1) parseError(`[${errors.join(', ')}]`);
  return { key, operator, values };
}

function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}

function sortByKey(requirements: LabelRequirement[]): LabelRequirement[] {
  // A stable sort by key, as sort.Sort(ByKey) orders them (ties keep their written order here).
  return [...requirements].sort((a, b) => compareBytes(a.key, b.key));
}

/**
 * Parses the string syntax (`app=web,tier in (a,b),!canary,version!=2`). Throws VaneError 'BadRequest' with
 * the apiserver's message for bad syntax or invalid keys and values. An empty string selects everything.
 */
export function parseLabelSelector(text: string): LabelSelectorQuery {
  return { requirements: sortByKey(new Parser(tokenize(text)).parse()) };
}

const OBJECT_OPERATORS: Record<string, LabelOperator> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: '!' };

/**
 * metav1.LabelSelectorAsSelector: matchLabels become `=` requirements, matchExpressions keep their operator.
 * A null/undefined selector matches nothing; an empty one matches everything. Throws VaneError 'BadRequest'.
 */
export function fromLabelSelector(selector: LabelSelectorObject | null | undefined): LabelSelectorQuery {
  if (selector === null || selector === undefined) return { requirements: [], matchesNothing: true };
  const requirements: LabelRequirement[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) requirements.push(newRequirement(key, '=', [value]));
  for (const expr of selector.matchExpressions ?? []) {
    const operator = OBJECT_OPERATORS[expr.operator];
    if (operator === undefined) parseError(`${JSON.stringify(expr.operator)} is not a valid label selector operator`);
    requirements.push(newRequirement(expr.key, operator, expr.values ?? []));
  }
  return { requirements: sortByKey(requirements) };
}

function requirementMatches(req: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const present = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = present ? labels[req.key] : undefined;
  switch (req.operator) {
    case 'in':
    case '=':
    case '==':
      return value !== undefined && req.values.includes(value);
    case 'notin':
    case '!=':
      return value === undefined || !req.values.includes(value);
    case 'exists':
      return present;
    case '!':
      return !present;
    case 'gt':
    case 'lt':
      return compareInteger(req, value);
  }
}

function compareInteger(req: LabelRequirement, value: string | undefined): boolean {
  if (value === undefined || !isInt64(value)) return false;
  const bound = req.values[0];
  if (bound === undefined || !isInt64(bound)) return false;
  return req.operator === 'gt' ? BigInt(value) > BigInt(bound) : BigInt(value) < BigInt(bound);
}

/** Whether `labels` satisfy the selector (a string is parsed first, and may throw like parseLabelSelector). */
export function matchesLabels(selector: LabelSelectorQuery | string, labels: Labels): boolean {
  const query = typeof selector === 'string' ? parseLabelSelector(selector) : selector;
  if (query.matchesNothing === true) return false;
  const set = labels ?? {};
  return query.requirements.every((req) => requirementMatches(req, set));
}

function requirementText(req: LabelRequirement): string {
  switch (req.operator) {
    case 'exists':
      return req.key;
    case '!':
      return `!${req.key}`;
    case 'in':
    case 'notin':
      return `${req.key} ${req.operator} (${req.values.join(',')})`;
    case 'gt':
      return `${req.key}>${req.values.join(',')}`;
    case 'lt':
      return `${req.key}<${req.values.join(',')}`;
    default:
      return `${req.key}${req.operator}${req.values.join(',')}`;
  }
}

/** The canonical string form (Selector.String()): requirements by key, set values sorted. */
export function labelSelectorString(selector: LabelSelectorQuery): string {
  return selector.requirements.map(requirementText).join(',');
}

/** True when the selector selects everything (no requirements and not Nothing). */
export function isEverything(selector: LabelSelectorQuery): boolean {
  return selector.requirements.length === 0 && selector.matchesNothing !== true;
}
