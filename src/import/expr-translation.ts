// Translates an Argo Rollouts condition, written in expr-lang (Argo docs analysis.md), into the CEL Vane compiles.
import { VaneError } from '../errors.js';

/** A condition this translator cannot express in CEL; `message` names the construct. */
export class ExprTranslationError extends VaneError {
  constructor(message: string) {
    super('InvalidSpec', message);
    this.name = 'ExprTranslationError';
  }
}

export interface Translation {
  cel: string;
  /** What the CEL spelling does differently from the expr-lang original; empty when the meaning is the same. */
  changes: string[];
}

type Token =
  | { kind: 'number'; text: string }
  | { kind: 'string'; value: string }
  | { kind: 'name'; text: string }
  | { kind: 'op'; text: string }
  | { kind: 'placeholder'; text: string }
  | { kind: 'end' };

type Node =
  | { kind: 'literal'; text: string }
  | { kind: 'name'; text: string }
  | { kind: 'unary'; op: string; operand: Node }
  | { kind: 'binary'; op: string; left: Node; right: Node }
  | { kind: 'ternary'; test: Node; then: Node; otherwise: Node }
  | { kind: 'member'; target: Node; name: string }
  | { kind: 'index'; target: Node; index: Node }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'method'; target: Node; name: string; args: Node[] }
  | { kind: 'list'; items: Node[] }
  | { kind: 'map'; entries: Array<[Node, Node]> }
  | { kind: 'predicate'; body: Node };

/** Operators longest first, so `<=` is not read as `<` then `=`. */
const OPERATORS = ['**', '??', '?.', '==', '!=', '<=', '>=', '&&', '||', '..', '<', '>', '+', '-', '*', '/', '%', '!', '?', ':', '.', ',', '(', ')', '[', ']', '{', '}', '#', '^'];
/** expr-lang's binary precedences (expr-lang docs language-definition.md, operator table). */
const BINARY: Record<string, number> = {
  '??': 5, or: 10, '||': 10, and: 15, '&&': 15,
  '==': 20, '!=': 20, '<': 20, '>': 20, '<=': 20, '>=': 20, in: 20, 'not in': 20, matches: 20, contains: 20, startsWith: 20, endsWith: 20,
  '..': 25, '+': 30, '-': 30, '*': 60, '/': 60, '%': 60, '**': 100, '^': 100,
};
/** CEL's precedence of what the printer emits: higher binds tighter. */
const CEL_PRECEDENCE: Record<string, number> = { '?:': 1, '||': 2, '&&': 3, '==': 4, '!=': 4, '<': 4, '>': 4, '<=': 4, '>=': 4, in: 4, '+': 5, '-': 5, '*': 6, '/': 6, '%': 6 };
const UNARY_PRECEDENCE = 7;
const PRIMARY_PRECEDENCE = 8;
/** Functions spelled the same in Vane's CEL (len, default, isNaN and isInf are defined there with Argo's meaning). */
const SAME_FUNCTIONS = new Set(['len', 'default', 'isNaN', 'isInf', 'string', 'int', 'size', 'has']);
/** expr-lang builtins taking a list and a `{ ... # ... }` predicate, and the CEL macro each becomes. */
const PREDICATE_MACROS: Record<string, string> = { all: 'all', any: 'exists', one: 'exists_one', filter: 'filter', map: 'map' };
const STRING_OPERATORS = new Set(['matches', 'contains', 'startsWith', 'endsWith']);

/** Translates one condition; throws ExprTranslationError for what CEL has no spelling of. */
export function translateCondition(source: string): Translation {
  const parser = new Parser(tokenize(source));
  const tree = parser.expression(0);
  parser.expectEnd();
  const changes: string[] = [];
  return { cel: print(tree, changes), changes };
}

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const c = source[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (source.startsWith('{{', i)) {
      // An Argo argument placeholder is substituted before the condition is compiled: keep it as written.
      const end = source.indexOf('}}', i);
      if (end < 0) throw new ExprTranslationError(`unclosed "{{" at column ${i + 1}`);
      tokens.push({ kind: 'placeholder', text: source.slice(i, end + 2) });
      i = end + 2;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(source[i + 1] ?? ''))) {
      const match = /^(0x[0-9a-fA-F_]+|[0-9_]*\.?[0-9_]+([eE][+-]?[0-9]+)?)/.exec(source.slice(i)) as RegExpExecArray;
      tokens.push({ kind: 'number', text: match[0].replaceAll('_', '') });
      i += match[0].length;
    } else if (c === '"' || c === "'" || c === '`') {
      const { value, next } = readString(source, i);
      tokens.push({ kind: 'string', value });
      i = next;
    } else if (/[A-Za-z_$]/.test(c)) {
      const word = (/^[A-Za-z_$][A-Za-z0-9_$]*/.exec(source.slice(i)) as RegExpExecArray)[0];
      tokens.push({ kind: 'name', text: word });
      i += word.length;
    } else {
      const op = OPERATORS.find((o) => source.startsWith(o, i));
      if (op === undefined) throw new ExprTranslationError(`unexpected character ${JSON.stringify(c)} at column ${i + 1}`);
      tokens.push({ kind: 'op', text: op });
      i += op.length;
    }
  }
  tokens.push({ kind: 'end' });
  return tokens;
}

/** A quoted string: the value it stands for (escapes decoded), and where the source goes on after it. */
function readString(source: string, start: number): { value: string; next: number } {
  const quote = source[start] as string;
  let value = '';
  let i = start + 1;
  while (i < source.length && source[i] !== quote) {
    if (source[i] === '\\' && quote !== '`') {
      const escaped = source[i + 1] ?? '';
      value += ({ n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' } as Record<string, string>)[escaped] ?? `\\${escaped}`;
      i += 2;
    } else {
      value += source[i];
      i++;
    }
  }
  if (i >= source.length) throw new ExprTranslationError(`unclosed string starting at column ${start + 1}`);
  return { value, next: i + 1 };
}

class Parser {
  private at = 0;

  constructor(private readonly tokens: Token[]) {}

  expectEnd(): void {
    const token = this.peek();
    if (token.kind !== 'end') throw new ExprTranslationError(`unexpected ${describe(token)} after the end of the expression`);
  }

  /** Pratt loop: a prefix, then binary operators binding tighter than `minimum`, then `? :`. */
  expression(minimum: number): Node {
    let left = this.unary();
    for (;;) {
      const op = this.binaryOperator();
      if (op === undefined || (BINARY[op] as number) <= minimum) break;
      this.at += op === 'not in' ? 2 : 1;
      left = { kind: 'binary', op, left, right: this.expression(BINARY[op] as number) };
    }
    if (minimum === 0 && this.isOp('?')) {
      this.at++;
      const then = this.expression(0);
      this.expect(':');
      return { kind: 'ternary', test: left, then, otherwise: this.expression(0) };
    }
    return left;
  }

  private binaryOperator(): string | undefined {
    const token = this.peek();
    if (token.kind === 'op' && token.text in BINARY) return token.text;
    if (token.kind !== 'name') return undefined;
    if (token.text === 'not') {
      const next = this.tokens[this.at + 1];
      return next?.kind === 'name' && next.text === 'in' ? 'not in' : undefined;
    }
    return token.text in BINARY ? token.text : undefined;
  }

  private unary(): Node {
    const token = this.peek();
    if ((token.kind === 'op' && (token.text === '!' || token.text === '-' || token.text === '+')) || (token.kind === 'name' && token.text === 'not')) {
      this.at++;
      // expr-lang: `not`/`!` bind at 50 (tighter than comparisons), unary minus at 90.
      const operand = token.text === '-' || token.text === '+' ? this.postfix(this.primary()) : this.expression(50);
      if (token.text === '+') return operand;
      return { kind: 'unary', op: token.text === '-' ? '-' : '!', operand };
    }
    return this.postfix(this.primary());
  }

  private primary(): Node {
    const token = this.next();
    switch (token.kind) {
      case 'number':
        return { kind: 'literal', text: token.text };
      case 'string':
        return { kind: 'literal', text: JSON.stringify(token.value) };
      case 'placeholder':
        return { kind: 'literal', text: token.text };
      case 'name':
        return this.named(token.text);
      case 'op':
        return this.bracketed(token.text);
      default:
        throw new ExprTranslationError('the expression ends too early');
    }
  }

  private named(name: string): Node {
    if (name === 'nil') return { kind: 'literal', text: 'null' };
    if (name === 'true' || name === 'false') return { kind: 'literal', text: name };
    if (!this.isOp('(')) return { kind: 'name', text: name };
    this.at++;
    return { kind: 'call', name, args: this.list(')') };
  }

  private bracketed(op: string): Node {
    if (op === '(') {
      const inner = this.expression(0);
      this.expect(')');
      return inner;
    }
    if (op === '[') return { kind: 'list', items: this.list(']') };
    if (op === '{') return this.mapOrPredicate();
    if (op === '#') return { kind: 'name', text: '#' };
    throw new ExprTranslationError(`unexpected "${op}"`);
  }

  /** `{ key: value, ... }` is a map; `{ # > 1 }` (a predicate of all, any, filter ...) is not. */
  private mapOrPredicate(): Node {
    const start = this.at;
    if (this.isOp('}')) {
      this.at++;
      return { kind: 'map', entries: [] };
    }
    const first = this.expression(0);
    if (!this.isOp(':')) {
      this.expect('}');
      return { kind: 'predicate', body: first };
    }
    this.at = start;
    const entries: Array<[Node, Node]> = [];
    while (!this.isOp('}')) {
      const key = this.expression(0);
      this.expect(':');
      entries.push([key.kind === 'name' ? { kind: 'literal', text: JSON.stringify(key.text) } : key, this.expression(0)]);
      if (!this.isOp('}')) this.expect(',');
    }
    this.at++;
    return { kind: 'map', entries };
  }

  private list(close: string): Node[] {
    const items: Node[] = [];
    while (!this.isOp(close)) {
      items.push(this.expression(0));
      if (!this.isOp(close)) this.expect(',');
    }
    this.at++;
    return items;
  }

  private postfix(node: Node): Node {
    for (;;) {
      if (this.isOp('.') || this.isOp('?.')) {
        if (this.isOp('?.')) throw new ExprTranslationError('optional chaining "?." has no CEL spelling here; test the field with has() first');
        this.at++;
        const name = this.next();
        if (name.kind !== 'name') throw new ExprTranslationError(`expected a field name after ".", found ${describe(name)}`);
        if (this.isOp('(')) {
          this.at++;
          node = { kind: 'method', target: node, name: name.text, args: this.list(')') };
        } else {
          node = { kind: 'member', target: node, name: name.text };
        }
      } else if (this.isOp('[')) {
        this.at++;
        const index = this.expression(0);
        if (this.isOp(':')) throw new ExprTranslationError('slices (a[i:j]) have no CEL spelling');
        this.expect(']');
        node = { kind: 'index', target: node, index };
      } else {
        return node;
      }
    }
  }

  private peek(): Token {
    return this.tokens[this.at] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (token.kind !== 'end') this.at++;
    return token;
  }

  private isOp(text: string): boolean {
    const token = this.peek();
    return token.kind === 'op' && token.text === text;
  }

  private expect(text: string): void {
    const token = this.next();
    if (token.kind !== 'op' || token.text !== text) throw new ExprTranslationError(`expected "${text}", found ${describe(token)}`);
  }
}

function describe(token: Token): string {
  if (token.kind === 'end') return 'the end of the expression';
  if (token.kind === 'string') return `the string ${JSON.stringify(token.value)}`;
  return `"${token.text}"`;
}

/** CEL source for `node`, parenthesised only where CEL's precedence needs it. */
function print(node: Node, changes: string[]): string {
  return printed(node, changes).text;
}

function printed(node: Node, changes: string[]): { text: string; precedence: number } {
  switch (node.kind) {
    case 'literal':
      return { text: node.text, precedence: PRIMARY_PRECEDENCE };
    case 'name':
      if (node.text === '#') throw new ExprTranslationError('"#" outside a predicate of all, any, one, none, filter or map');
      return { text: node.text, precedence: PRIMARY_PRECEDENCE };
    case 'unary':
      return { text: `${node.op}${operand(node.operand, UNARY_PRECEDENCE, changes)}`, precedence: UNARY_PRECEDENCE };
    case 'binary':
      return printBinary(node, changes);
    case 'ternary':
      return {
        text: `${operand(node.test, 2, changes)} ? ${operand(node.then, 1, changes)} : ${operand(node.otherwise, 1, changes)}`,
        precedence: 1,
      };
    case 'member':
      return { text: `${operand(node.target, PRIMARY_PRECEDENCE, changes)}.${node.name}`, precedence: PRIMARY_PRECEDENCE };
    case 'index':
      return { text: `${operand(node.target, PRIMARY_PRECEDENCE, changes)}[${print(node.index, changes)}]`, precedence: PRIMARY_PRECEDENCE };
    case 'call':
      return { text: printCall(node.name, node.args, changes), precedence: PRIMARY_PRECEDENCE };
    case 'method':
      throw new ExprTranslationError(`the method call .${node.name}() has no CEL spelling here`);
    case 'list':
      return { text: `[${node.items.map((item) => print(item, changes)).join(', ')}]`, precedence: PRIMARY_PRECEDENCE };
    case 'map':
      return { text: `{${node.entries.map(([k, v]) => `${print(k, changes)}: ${print(v, changes)}`).join(', ')}}`, precedence: PRIMARY_PRECEDENCE };
    case 'predicate':
      throw new ExprTranslationError('a { ... } predicate outside all, any, one, none, filter or map');
  }
}

/** `node` printed as an operand needing at least `minimum` precedence, in parentheses when it binds looser. */
function operand(node: Node, minimum: number, changes: string[]): string {
  const { text, precedence } = printed(node, changes);
  return precedence < minimum ? `(${text})` : text;
}

function printBinary(node: Extract<Node, { kind: 'binary' }>, changes: string[]): { text: string; precedence: number } {
  const op = node.op === 'and' ? '&&' : node.op === 'or' ? '||' : node.op;
  if (STRING_OPERATORS.has(op)) {
    const text = `${operand(node.left, PRIMARY_PRECEDENCE, changes)}.${op}(${print(node.right, changes)})`;
    return { text, precedence: PRIMARY_PRECEDENCE };
  }
  if (op === 'not in') {
    return { text: `!(${operand(node.left, 5, changes)} in ${operand(node.right, 5, changes)})`, precedence: UNARY_PRECEDENCE };
  }
  if (op === '??') {
    // expr-lang's nil coalescing is what Argo's default() does for a missing value.
    return { text: `default(${print(node.left, changes)}, ${print(node.right, changes)})`, precedence: PRIMARY_PRECEDENCE };
  }
  const precedence = CEL_PRECEDENCE[op];
  if (precedence === undefined) throw new ExprTranslationError(`the operator "${op}" has no CEL spelling`);
  // Left-associative: only the right operand needs strictly tighter binding to keep its grouping.
  return { text: `${operand(node.left, precedence, changes)} ${op} ${operand(node.right, precedence + 1, changes)}`, precedence };
}

function printCall(name: string, args: Node[], changes: string[]): string {
  const printedArgs = (): string => args.map((arg) => print(arg, changes)).join(', ');
  if (SAME_FUNCTIONS.has(name)) return `${name}(${printedArgs()})`;
  if (name === 'asInt') return `int(${printedArgs()})`;
  if (name === 'float' || name === 'asFloat') return `double(${printedArgs()})`;
  if (name === 'none' && args.length === 2) return `!${predicateMacro('exists', args, changes)}`;
  if (name === 'count' && args.length === 2) return `size(${predicateMacro('filter', args, changes)})`;
  const macro = PREDICATE_MACROS[name];
  if (macro !== undefined && args.length === 2) return predicateMacro(macro, args, changes);
  throw new ExprTranslationError(`the function ${name}() has no CEL spelling in Vane`);
}

/** `all(list, {# > 1})` as CEL's `list.all(x, x > 1)`, with a variable name the predicate does not use. */
function predicateMacro(macro: string, args: Node[], changes: string[]): string {
  const [list, predicate] = args as [Node, Node];
  if (predicate.kind !== 'predicate') throw new ExprTranslationError(`the second argument of ${macro} must be a { ... } predicate`);
  const names = JSON.stringify(predicate.body);
  let variable = 'x';
  while (names.includes(`"text":"${variable}"`)) variable += 'x';
  const bound = print(replaceHash(predicate.body, variable), changes);
  return `${operand(list, PRIMARY_PRECEDENCE, changes)}.${macro}(${variable}, ${bound})`;
}

function replaceHash(node: Node, variable: string): Node {
  if (node.kind === 'name' && node.text === '#') return { kind: 'name', text: variable };
  const copy: Record<string, unknown> = { ...node };
  for (const [key, value] of Object.entries(copy)) {
    if (Array.isArray(value)) {
      copy[key] = value.map((item: unknown) =>
        Array.isArray(item) ? item.map((n: Node) => replaceHash(n, variable)) : replaceHash(item as Node, variable),
      );
    } else if (typeof value === 'object' && value !== null) {
      copy[key] = replaceHash(value as Node, variable);
    }
  }
  return copy as Node;
}
