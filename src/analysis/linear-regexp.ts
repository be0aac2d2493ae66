// A regular-expression matcher in RE2 syntax that runs in time linear in the text (Thompson NFA simulation), for CEL's matches().
import { VaneError } from '../errors.js';

/**
 * Limits of a compiled pattern, as RE2 keeps them: a repeat count above 1000 is refused (RE2's own bound), and a
 * pattern whose program (after expanding counted repeats) exceeds MAX_REGEXP_PROGRAM instructions is too large.
 * Matching costs at most (text length + 1) × program size steps, each charged to the caller's budget.
 */
export const MAX_REGEXP_REPEAT = 1000;
export const MAX_REGEXP_PROGRAM = 5000;

/** A pattern that is not valid RE2 syntax, uses what RE2 leaves out (backreferences, lookaround), or is too large. */
export class RegexpSyntaxError extends VaneError {
  /** Offset (0-based, in UTF-16 units) in the pattern where the problem was found. */
  readonly offset: number;

  constructor(message: string, offset: number) {
    super('InvalidSpec', message);
    this.name = 'RegexpSyntaxError';
    this.offset = offset;
  }
}

export interface LinearRegexp {
  readonly source: string;
  /** Instructions in the compiled program: the most steps matching can take per character of text. */
  readonly size: number;
  /**
   * True when the pattern matches somewhere in `text` (RE2's PartialMatch, CEL's matches). `charge` is called with
   * the steps taken as matching goes (at least one per character); it may throw to stop the match.
   */
  test(text: string, charge: (steps: number) => void): boolean;
}

/** Compiles `pattern` (RE2 syntax); throws RegexpSyntaxError. */
export function compileLinearRegexp(pattern: string): LinearRegexp {
  const tree = new Parser(pattern).parseAll();
  return new Matcher(pattern, new Compiler(pattern).compile(tree), startsAnchored(tree));
}

/* ───────────── syntax tree ───────────── */

type Assertion = 'beginText' | 'endText' | 'beginLine' | 'endLine' | 'wordBoundary' | 'notWordBoundary';

interface CharClass {
  /** Sorted, merged [lo, hi] code point ranges, flattened. */
  ranges: number[];
  /** Unicode properties (`\pL`, `\p{Greek}`), tested with a single-character JS RegExp, which cannot backtrack. */
  properties: Array<{ test: RegExp; negated: boolean }>;
  negated: boolean;
  /** Case-insensitive: a character also matches when its simple lower or upper case form does. */
  fold: boolean;
}

type Node =
  | { kind: 'empty' }
  | { kind: 'char'; set: CharClass }
  | { kind: 'assert'; what: Assertion }
  | { kind: 'concat'; items: Node[] }
  | { kind: 'alternate'; items: Node[] }
  | { kind: 'repeat'; item: Node; min: number; max: number; at: number };

interface Flags {
  caseInsensitive: boolean;
  multiLine: boolean;
  dotAll: boolean;
}

const MAX_CODE_POINT = 0x10ffff;
const DIGITS = [0x30, 0x39];
const WORD = [0x30, 0x39, 0x41, 0x5a, 0x5f, 0x5f, 0x61, 0x7a];
/** RE2's \s: [\t\n\f\r ] (no \v). */
const SPACE = [0x09, 0x0a, 0x0c, 0x0d, 0x20, 0x20];

const POSIX_CLASSES: Readonly<Record<string, number[]>> = {
  alnum: [0x30, 0x39, 0x41, 0x5a, 0x61, 0x7a],
  alpha: [0x41, 0x5a, 0x61, 0x7a],
  ascii: [0x00, 0x7f],
  blank: [0x09, 0x09, 0x20, 0x20],
  cntrl: [0x00, 0x1f, 0x7f, 0x7f],
  digit: DIGITS,
  graph: [0x21, 0x7e],
  lower: [0x61, 0x7a],
  print: [0x20, 0x7e],
  punct: [0x21, 0x2f, 0x3a, 0x40, 0x5b, 0x60, 0x7b, 0x7e],
  space: [0x09, 0x0d, 0x20, 0x20],
  upper: [0x41, 0x5a],
  word: WORD,
  xdigit: [0x30, 0x39, 0x41, 0x46, 0x61, 0x66],
};

const SIMPLE_ESCAPES: Readonly<Record<string, number>> = { a: 0x07, f: 0x0c, t: 0x09, n: 0x0a, r: 0x0d, v: 0x0b };

class Parser {
  private pos = 0;
  private flags: Flags = { caseInsensitive: false, multiLine: false, dotAll: false };

  constructor(private readonly pattern: string) {}

  parseAll(): Node {
    const node = this.parseAlternation();
    if (this.pos < this.pattern.length) throw this.error(`unexpected ${JSON.stringify(this.pattern[this.pos])}`);
    return node;
  }

  private parseAlternation(): Node {
    const saved = { ...this.flags };
    const items = [this.parseConcatenation()];
    while (this.peek() === '|') {
      this.pos += 1;
      items.push(this.parseConcatenation());
    }
    this.flags = saved;
    return items.length === 1 ? (items[0] as Node) : { kind: 'alternate', items };
  }

  private parseConcatenation(): Node {
    const items: Node[] = [];
    while (this.pos < this.pattern.length && this.peek() !== '|' && this.peek() !== ')') {
      const at = this.pos;
      const atom = this.parseAtom();
      if (atom === undefined) continue;
      items.push(this.parseRepeats(atom, at));
    }
    if (items.length === 0) return { kind: 'empty' };
    return items.length === 1 ? (items[0] as Node) : { kind: 'concat', items };
  }

  private parseRepeats(atom: Node, at: number): Node {
    let node = atom;
    let repeated = false;
    for (;;) {
      const bounds = this.parseRepeatOperator();
      if (bounds === undefined) return node;
      if (repeated) throw this.error('bad repetition operator: a repeat of a repeat', this.pos - 1);
      if (this.peek() === '?') this.pos += 1; // non-greedy: the same language, and matches() only asks whether there is a match.
      node = { kind: 'repeat', item: node, min: bounds.min, max: bounds.max, at };
      repeated = true;
    }
  }

  private parseRepeatOperator(): { min: number; max: number } | undefined {
    const c = this.peek();
    if (c === '*' || c === '+' || c === '?') {
      this.pos += 1;
      return { min: c === '+' ? 1 : 0, max: c === '?' ? 1 : Number.POSITIVE_INFINITY };
    }
    if (c !== '{') return undefined;
    const match = /^\{(\d+)(,(\d*))?\}/.exec(this.pattern.slice(this.pos));
    if (match === null) return undefined; // RE2 reads a `{` that starts no repeat as a literal.
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === '' ? Number.POSITIVE_INFINITY : Number(match[3]);
    if (min > MAX_REGEXP_REPEAT || (Number.isFinite(max) && max > MAX_REGEXP_REPEAT) || max < min) {
      throw this.error(`bad repetition count ${match[0]} (at most ${MAX_REGEXP_REPEAT}, minimum before maximum)`);
    }
    this.pos += match[0].length;
    return { min, max };
  }

  /** One atom; undefined for a flag group such as `(?i)`, which only changes the flags. */
  private parseAtom(): Node | undefined {
    const c = this.pattern[this.pos] as string;
    switch (c) {
      case '(':
        return this.parseGroup();
      case '[':
        return { kind: 'char', set: this.parseClass() };
      case '.':
        this.pos += 1;
        return { kind: 'char', set: this.charClass(this.flags.dotAll ? [0, MAX_CODE_POINT] : [0, 0x09, 0x0b, MAX_CODE_POINT]) };
      case '^':
        this.pos += 1;
        return { kind: 'assert', what: this.flags.multiLine ? 'beginLine' : 'beginText' };
      case '$':
        this.pos += 1;
        return { kind: 'assert', what: this.flags.multiLine ? 'endLine' : 'endText' };
      case '\\':
        return this.parseEscapeAtom();
      case '*':
      case '+':
      case '?':
        throw this.error(`missing argument to repetition operator ${c}`);
      default: {
        const code = this.pattern.codePointAt(this.pos) as number;
        this.pos += code > 0xffff ? 2 : 1;
        return this.literal(code);
      }
    }
  }

  private parseGroup(): Node | undefined {
    const start = this.pos;
    this.pos += 1;
    if (this.peek() === '?') {
      const rest = this.pattern.slice(this.pos + 1);
      if (/^(=|!|<=|<!)/.test(rest)) throw this.error('lookaround assertions are not supported (RE2 syntax)', start);
      const named = /^(P?<)([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
      if (named !== null) {
        this.pos += 1 + named[0].length;
        return this.parseGroupBody(start);
      }
      return this.parseFlagGroup(start);
    }
    return this.parseGroupBody(start);
  }

  private parseGroupBody(start: number): Node {
    const saved = { ...this.flags };
    const node = this.parseAlternation();
    this.flags = saved;
    if (this.peek() !== ')') throw this.error('missing closing )', start);
    this.pos += 1;
    return node;
  }

  /** `(?i)`, `(?s-m)`, `(?i:re)`: flags i, m, s and U (ungreedy, which matches() need not know). */
  private parseFlagGroup(start: number): Node | undefined {
    const match = /^\?([imsU]*)(?:-([imsU]*))?([:)])/.exec(this.pattern.slice(this.pos));
    if (match === null) throw this.error('invalid or unsupported group flags', start);
    this.pos += match[0].length;
    const flags = { ...this.flags };
    for (const [letters, on] of [
      [match[1] ?? '', true],
      [match[2] ?? '', false],
    ] as const) {
      if (letters.includes('i')) flags.caseInsensitive = on;
      if (letters.includes('m')) flags.multiLine = on;
      if (letters.includes('s')) flags.dotAll = on;
    }
    if (match[3] === ')') {
      this.flags = flags;
      return undefined;
    }
    const saved = this.flags;
    this.flags = flags;
    const node = this.parseAlternation();
    this.flags = saved;
    if (this.peek() !== ')') throw this.error('missing closing )', start);
    this.pos += 1;
    return node;
  }

  private parseEscapeAtom(): Node {
    const start = this.pos;
    const next = this.pattern[this.pos + 1];
    if (next === undefined) throw this.error('trailing backslash at end of expression', start);
    const assertions: Record<string, Assertion> = { A: 'beginText', z: 'endText', b: 'wordBoundary', B: 'notWordBoundary' };
    const assertion = assertions[next];
    if (assertion !== undefined) {
      this.pos += 2;
      return { kind: 'assert', what: assertion };
    }
    if (next === 'Q') return this.parseQuoted();
    const set = this.parseClassEscape();
    if (set !== undefined) return { kind: 'char', set };
    return this.literal(this.parseEscapedCodePoint());
  }

  /** `\Q...\E`: literal text. */
  private parseQuoted(): Node {
    this.pos += 2;
    const end = this.pattern.indexOf('\\E', this.pos);
    const text = this.pattern.slice(this.pos, end === -1 ? undefined : end);
    this.pos = end === -1 ? this.pattern.length : end + 2;
    const items = Array.from(text, (char) => this.literal(char.codePointAt(0) as number));
    if (items.length === 0) return { kind: 'empty' };
    return items.length === 1 ? (items[0] as Node) : { kind: 'concat', items };
  }

  /** `\d \D \s \S \w \W \pX \p{Name} \PX \P{Name}`; undefined (nothing consumed) for any other escape. */
  private parseClassEscape(): CharClass | undefined {
    const next = this.pattern[this.pos + 1] as string;
    const perl: Record<string, number[]> = { d: DIGITS, s: SPACE, w: WORD };
    const lower = next.toLowerCase();
    const ranges = perl[lower];
    if (ranges !== undefined) {
      this.pos += 2;
      return this.charClass(next === lower ? ranges : complement(ranges));
    }
    if (next !== 'p' && next !== 'P') return undefined;
    const start = this.pos;
    this.pos += 2;
    let name: string;
    if (this.peek() === '{') {
      const end = this.pattern.indexOf('}', this.pos);
      if (end === -1) throw this.error('missing } in \\p{...}', start);
      name = this.pattern.slice(this.pos + 1, end);
      this.pos = end + 1;
    } else {
      name = this.pattern[this.pos] ?? '';
      this.pos += 1;
    }
    let negated = next === 'P';
    if (name.startsWith('^')) {
      negated = !negated;
      name = name.slice(1);
    }
    return { ranges: [], properties: [{ test: unicodeProperty(name, () => this.error(`unknown Unicode class \\p{${name}}`, start)), negated }], negated: false, fold: false };
  }

  private parseEscapedCodePoint(): number {
    const start = this.pos;
    const next = this.pattern[this.pos + 1] as string;
    this.pos += 2;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) return simple;
    if (next === 'x') return this.parseHexEscape(start);
    if (next >= '0' && next <= '7') {
      if (next !== '0' && !/^[0-7]/.test(this.pattern.slice(this.pos))) {
        throw this.error(`backreferences are not supported (RE2 syntax): \\${next}`, start);
      }
      const digits = /^[0-7]{0,2}/.exec(this.pattern.slice(this.pos))?.[0] ?? '';
      this.pos += digits.length;
      return Number.parseInt(next + digits, 8);
    }
    if (next === '8' || next === '9') throw this.error(`backreferences are not supported (RE2 syntax): \\${next}`, start);
    // RE2 lets any punctuation be escaped, and nothing else.
    if (/^[!-/:-@[-`{-~]$/.test(next)) return next.codePointAt(0) as number;
    throw this.error(`invalid escape sequence \\${next}`, start);
  }

  private parseHexEscape(start: number): number {
    const braced = /^\{([0-9A-Fa-f]{1,6})\}/.exec(this.pattern.slice(this.pos));
    const plain = /^[0-9A-Fa-f]{2}/.exec(this.pattern.slice(this.pos));
    const digits = braced?.[1] ?? plain?.[0];
    if (digits === undefined) throw this.error('invalid \\x escape', start);
    this.pos += (braced ?? plain)?.[0].length ?? 0;
    const code = Number.parseInt(digits, 16);
    if (code > MAX_CODE_POINT) throw this.error('\\x escape beyond the last Unicode code point', start);
    return code;
  }

  private parseClass(): CharClass {
    const start = this.pos;
    this.pos += 1;
    const negated = this.peek() === '^';
    if (negated) this.pos += 1;
    const ranges: number[] = [];
    const properties: CharClass['properties'] = [];
    let first = true;
    while (this.peek() !== ']' || first) {
      if (this.pos >= this.pattern.length) throw this.error('missing closing ]', start);
      first = false;
      const posix = /^\[:(\^?)([a-z]+):\]/.exec(this.pattern.slice(this.pos));
      if (posix !== null) {
        const named = POSIX_CLASSES[posix[2] as string];
        if (named === undefined) throw this.error(`invalid character class range ${posix[0]}`);
        ranges.push(...(posix[1] === '^' ? complement(named) : named));
        this.pos += posix[0].length;
        continue;
      }
      if (this.peek() === '\\') {
        const set = this.parseClassEscape();
        if (set !== undefined) {
          ranges.push(...set.ranges);
          properties.push(...set.properties);
          continue;
        }
      }
      const lo = this.parseClassChar();
      if (this.peek() === '-' && this.pattern[this.pos + 1] !== ']' && this.pos + 1 < this.pattern.length) {
        this.pos += 1;
        const hi = this.parseClassChar();
        if (hi < lo) throw this.error('invalid character class range', start);
        ranges.push(lo, hi);
      } else {
        ranges.push(lo, lo);
      }
    }
    this.pos += 1;
    return { ranges: normalize(ranges), properties, negated, fold: this.flags.caseInsensitive };
  }

  private parseClassChar(): number {
    if (this.peek() === '\\') return this.parseEscapedCodePoint();
    const code = this.pattern.codePointAt(this.pos) as number;
    this.pos += code > 0xffff ? 2 : 1;
    return code;
  }

  private literal(code: number): Node {
    return { kind: 'char', set: this.charClass([code, code]) };
  }

  private charClass(ranges: number[]): CharClass {
    return { ranges: normalize(ranges), properties: [], negated: false, fold: this.flags.caseInsensitive };
  }

  private peek(): string | undefined {
    return this.pattern[this.pos];
  }

  private error(message: string, at = this.pos): RegexpSyntaxError {
    return new RegexpSyntaxError(`invalid regular expression ${JSON.stringify(this.pattern)}: ${message} at offset ${at}`, at);
  }
}

/** Sorts and merges [lo, hi] pairs. */
function normalize(ranges: readonly number[]): number[] {
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < ranges.length; i += 2) pairs.push([ranges[i] as number, ranges[i + 1] as number]);
  pairs.sort((a, b) => a[0] - b[0]);
  const merged: number[] = [];
  for (const [lo, hi] of pairs) {
    const last = merged.length - 1;
    if (last > 0 && lo <= (merged[last] as number) + 1) merged[last] = Math.max(merged[last] as number, hi);
    else merged.push(lo, hi);
  }
  return merged;
}

function complement(ranges: readonly number[]): number[] {
  const sorted = normalize(ranges);
  const result: number[] = [];
  let next = 0;
  for (let i = 0; i < sorted.length; i += 2) {
    if ((sorted[i] as number) > next) result.push(next, (sorted[i] as number) - 1);
    next = (sorted[i + 1] as number) + 1;
  }
  if (next <= MAX_CODE_POINT) result.push(next, MAX_CODE_POINT);
  return result;
}

const propertyCache = new Map<string, RegExp>();

/** A JS RegExp testing one code point for a Unicode general category or script (RE2 names both the same way). */
function unicodeProperty(name: string, invalid: () => RegexpSyntaxError): RegExp {
  const cached = propertyCache.get(name);
  if (cached !== undefined) return cached;
  if (!/^[A-Za-z_]+$/.test(name)) throw invalid();
  for (const source of [`^\\p{${name}}$`, `^\\p{Script=${name}}$`]) {
    try {
      const test = new RegExp(source, 'u');
      propertyCache.set(name, test);
      return test;
    } catch {
      // not a general category: try it as a script
    }
  }
  throw invalid();
}

/** True when every match must start at the beginning of the text, so the search need not restart at each position. */
function startsAnchored(node: Node): boolean {
  if (node.kind === 'assert') return node.what === 'beginText';
  if (node.kind === 'concat') return node.items[0] !== undefined && startsAnchored(node.items[0]);
  if (node.kind === 'alternate') return node.items.every(startsAnchored);
  return false;
}

/* ───────────── program ───────────── */

const enum Op {
  Char,
  Split,
  Jump,
  Assert,
  Match,
}

interface Instruction {
  op: Op;
  /** Char, Assert: the next instruction; Split: the first branch; Jump: the target. */
  next: number;
  /** Split: the second branch. */
  alt: number;
  set?: CharClass;
  what?: Assertion;
}

/** The compiled program: instruction MATCH is always at index 0. */
interface Program {
  instructions: Instruction[];
  start: number;
}

const MATCH = 0;

class Compiler {
  private readonly program: Instruction[] = [];

  constructor(private readonly pattern: string) {}

  compile(tree: Node): Program {
    this.emit({ op: Op.Match, next: -1, alt: -1 });
    const start = this.node(tree, MATCH);
    return { instructions: this.program, start };
  }

  /** Compiles `node` so that it continues at `next`; returns its first instruction. */
  private node(node: Node, next: number): number {
    switch (node.kind) {
      case 'empty':
        return next;
      case 'char':
        return this.emit({ op: Op.Char, next, alt: -1, set: node.set });
      case 'assert':
        return this.emit({ op: Op.Assert, next, alt: -1, what: node.what });
      case 'concat':
        return node.items.reduceRight((following, item) => this.node(item, following), next);
      case 'alternate':
        return node.items
          .map((item) => this.node(item, next))
          .reduceRight((rest, first) => this.emit({ op: Op.Split, next: first, alt: rest }));
      case 'repeat':
        return this.repeat(node, next);
    }
  }

  private repeat(node: Extract<Node, { kind: 'repeat' }>, next: number): number {
    let entry = next;
    if (Number.isFinite(node.max)) {
      // (x(x(x)?)?)? for the optional copies, built from the end.
      for (let copy = node.min; copy < node.max; copy += 1) {
        const split = this.emit({ op: Op.Split, next: -1, alt: next });
        this.program[split] = { op: Op.Split, next: this.node(node.item, entry), alt: next };
        entry = split;
      }
    } else {
      // x*: a split that either enters x (which jumps back to the split) or leaves.
      const split = this.emit({ op: Op.Split, next: -1, alt: next });
      this.program[split] = { op: Op.Split, next: this.node(node.item, split), alt: next };
      entry = split;
    }
    for (let copy = 0; copy < node.min; copy += 1) entry = this.node(node.item, entry);
    return entry;
  }

  private emit(instruction: Instruction): number {
    if (this.program.length >= MAX_REGEXP_PROGRAM) {
      throw new RegexpSyntaxError(
        `invalid regular expression ${JSON.stringify(this.pattern)}: pattern too large (more than ${MAX_REGEXP_PROGRAM} instructions once repeats are expanded)`,
        0,
      );
    }
    this.program.push(instruction);
    return this.program.length - 1;
  }
}

/* ───────────── matching ───────────── */

class Matcher implements LinearRegexp {
  readonly size: number;
  private readonly program: readonly Instruction[];
  private readonly start: number;
  private readonly stack: Int32Array;

  constructor(
    readonly source: string,
    compiled: Program,
    private readonly anchored: boolean,
  ) {
    this.program = compiled.instructions;
    this.start = compiled.start;
    this.size = compiled.instructions.length;
    // Each state is inserted at most once per step, and pushes at most two more: the stack never holds more.
    this.stack = new Int32Array(2 * this.size + 2);
  }

  test(text: string, charge: (steps: number) => void): boolean {
    const size = this.program.length;
    let current = new StateList(size);
    let following = new StateList(size);
    let previous = -1;
    let pos = 0;
    for (;;) {
      const code = pos < text.length ? (text.codePointAt(pos) as number) : -1;
      if (pos === 0 || !this.anchored) this.add(current, this.start, previous, code);
      charge(current.length + 1);
      if (current.includes(MATCH)) return true;
      if (code === -1 || current.length === 0) return false;
      following.clear();
      const after = pos + (code > 0xffff ? 2 : 1);
      const next = after < text.length ? (text.codePointAt(after) as number) : -1;
      for (let i = 0; i < current.length; i += 1) {
        const instruction = this.program[current.states[i] as number] as Instruction;
        if (instruction.op === Op.Char && inClass(instruction.set as CharClass, code)) this.add(following, instruction.next, code, next);
      }
      [current, following] = [following, current];
      previous = code;
      pos = after;
    }
  }

  /** Adds `start` and every state reachable from it without reading a character, between `before` and `after`. */
  private add(list: StateList, start: number, before: number, after: number): void {
    const stack = this.stack;
    let top = 0;
    stack[top++] = start;
    while (top > 0) {
      const index = stack[--top] as number;
      if (!list.insert(index)) continue;
      const instruction = this.program[index] as Instruction;
      if (instruction.op === Op.Jump) stack[top++] = instruction.next;
      else if (instruction.op === Op.Split) {
        stack[top++] = instruction.alt;
        stack[top++] = instruction.next;
      } else if (instruction.op === Op.Assert && holds(instruction.what as Assertion, before, after)) stack[top++] = instruction.next;
    }
  }
}

/** A set of program states in insertion order, cleared in constant time. */
class StateList {
  readonly states: Int32Array;
  private readonly seen: Uint32Array;
  private generation = 1;
  length = 0;

  constructor(size: number) {
    this.states = new Int32Array(size);
    this.seen = new Uint32Array(size);
  }

  insert(index: number): boolean {
    if (this.seen[index] === this.generation) return false;
    this.seen[index] = this.generation;
    this.states[this.length] = index;
    this.length += 1;
    return true;
  }

  includes(index: number): boolean {
    return this.seen[index] === this.generation;
  }

  clear(): void {
    this.generation += 1;
    this.length = 0;
  }
}

function holds(what: Assertion, before: number, after: number): boolean {
  switch (what) {
    case 'beginText':
      return before === -1;
    case 'endText':
      return after === -1;
    case 'beginLine':
      return before === -1 || before === 0x0a;
    case 'endLine':
      return after === -1 || after === 0x0a;
    case 'wordBoundary':
      return isWordChar(before) !== isWordChar(after);
    case 'notWordBoundary':
      return isWordChar(before) === isWordChar(after);
  }
}

function isWordChar(code: number): boolean {
  return (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || code === 0x5f || (code >= 0x61 && code <= 0x7a);
}

function inClass(set: CharClass, code: number): boolean {
  if (contains(set, code) !== set.negated) return true;
  if (!set.fold) return false;
  for (const other of caseVariants(code)) {
    if (contains(set, other) !== set.negated) return true;
  }
  return false;
}

function contains(set: CharClass, code: number): boolean {
  const { ranges } = set;
  let lo = 0;
  let hi = ranges.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (code < (ranges[2 * mid] as number)) hi = mid - 1;
    else if (code > (ranges[2 * mid + 1] as number)) lo = mid + 1;
    else return true;
  }
  if (set.properties.length === 0) return false;
  const char = String.fromCodePoint(code);
  return set.properties.some((property) => property.test.test(char) !== property.negated);
}

const caseCache = new Map<number, number[]>();

/** The simple (one code point) lower and upper case forms of `code` that differ from it. */
function caseVariants(code: number): number[] {
  const cached = caseCache.get(code);
  if (cached !== undefined) return cached;
  const char = String.fromCodePoint(code);
  const variants = [char.toLowerCase(), char.toUpperCase()]
    .filter((form) => form !== char && [...form].length === 1)
    .map((form) => form.codePointAt(0) as number);
  if (caseCache.size < 4096) caseCache.set(code, variants);
  return variants;
}
