// What evaluating a condition may cost: the compile-time limits on its shape and the meter that bounds one evaluation.

/**
 * The limits (docs/security.md lists them):
 * - a condition is at most MAX_CONDITION_LENGTH characters, MAX_CONDITION_NODES syntax nodes and MAX_CONDITION_DEPTH
 *   levels deep (cel-js' own parse limits, tightened);
 * - comprehensions (`all`, `exists`, `exists_one`, `map`, `filter`) nest at most MAX_COMPREHENSION_NESTING deep;
 * - one evaluation spends at most CONDITION_COST_BUDGET steps: one per expression evaluated (so one per element a
 *   comprehension visits, and more for its body), one per element of a list copied, compared or iterated, one per 16
 *   characters of a string, four per function call, 500 per error that `||`, `&&`, `all` or `exists` absorbs,
 *   and one per state of a regular-expression match per character. Past the budget, or past CONDITION_CPU_LIMIT_MS of CPU time whatever was counted (a backstop for work
 *   the steps misjudge), the evaluation stops and the measurement is an Error.
 * The budget is about 5–25 ms of CPU on one core; `result.all(x, x < 0.01)` costs 6 steps per element. CPU time,
 * not wall time, so that a busy node does not turn a sound condition into an Error.
 */
export const MAX_CONDITION_LENGTH = 4096;
export const MAX_CONDITION_NODES = 1000;
export const MAX_CONDITION_DEPTH = 32;
export const MAX_COMPREHENSION_NESTING = 3;
export const CONDITION_COST_BUDGET = 200_000;
export const CONDITION_CPU_LIMIT_MS = 50;

/** A function call dispatches on its operands' runtime types: about four times the work of an operator. */
const CALL_STEPS = 4;
/**
 * An error that `||`, `&&`, `all` or `exists` absorbs was built first, with a stack, a message naming runtime types
 * and a source excerpt: 20–40 µs, the time of several hundred steps.
 */
export const ABSORBED_ERROR_STEPS = 500;
/** Steps between two looks at the CPU clock: reading it costs about as much as ten steps. */
const CLOCK_INTERVAL = 1024;
/** Characters of a string that count as one step: copying and comparing them is that much cheaper than a step. */
const CHARS_PER_STEP = 16;

/** The public shape of a cel-js syntax node (`ASTNode` in its typings): an operator and its operands. */
export interface CelNode {
  readonly op: string;
  readonly args: unknown;
}

/** The comprehension macros: `list.all(x, p)` and friends, each a loop over its receiver. */
const COMPREHENSIONS: ReadonlySet<string> = new Set(['all', 'exists', 'exists_one', 'map', 'filter']);

/** Operators that walk their operands whole: equality and membership compare element by element. */
const DEEP_OPERATORS: ReadonlySet<string> = new Set(['==', '!=', 'in']);
/** Operators that read their operands' top level: concatenation copies, ordering compares strings. */
const SHALLOW_OPERATORS: ReadonlySet<string> = new Set(['+', '<', '<=', '>', '>=']);

/** Thrown through cel-js when the meter runs out; one object per evaluation, so catching and rethrowing it is cheap. */
export class CostExceeded extends Error {
  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CostExceeded';
  }
}

/** Counts the steps of one evaluation and stops it past the budget or the deadline. Synchronous use only. */
export class CostMeter {
  spent = 0;
  /** The node whose operands are being evaluated (what consumes the next value); set by the evaluator hook. */
  parent: CelNode | undefined;
  private stopped: CostExceeded | undefined;
  /** Deep sizes already counted in this evaluation: comparing the same large value in a loop is counted once. */
  private readonly deepSizes = new WeakMap<object, number>();
  /** Process CPU time (µs) at which the evaluation stops. */
  private readonly deadline: number;
  /** The next `spent` at which `charge` looks further: at the budget, the next clock check, or at once once stopped. */
  private checkpoint = CLOCK_INTERVAL;

  constructor(
    readonly budget: number = CONDITION_COST_BUDGET,
    readonly cpuLimitMs: number = CONDITION_CPU_LIMIT_MS,
  ) {
    this.deadline = cpuMicros() + cpuLimitMs * 1000;
    this.checkpoint = Math.min(CLOCK_INTERVAL, budget + 1);
  }

  /** Why the evaluation was stopped; undefined while it is within its limits. */
  get exceeded(): CostExceeded | undefined {
    return this.stopped;
  }

  /** Adds `steps`; throws CostExceeded past the budget or the deadline, and on every call after that. */
  charge(steps: number): void {
    this.spent += steps;
    if (this.spent >= this.checkpoint) this.check();
  }

  /** Charges what `parent` does with the `value` its operand `operand` yielded, and what a call or `+` produced. */
  chargeValue(parent: CelNode | undefined, operand: CelNode, value: unknown): void {
    // Numbers, booleans and null cost their one step; only strings, lists and maps cost by size.
    if (typeof value !== 'string' && (typeof value !== 'object' || value === null)) return;
    let steps = producedSize(operand, value);
    if (parent !== undefined) steps += DEEP_OPERATORS.has(parent.op) ? this.deepSizeOf(value) : consumedSize(parent, operand, value);
    if (steps > 0) this.charge(steps);
  }

  /** The deep size of `value` (what `==`, `!=` and `in` may walk), remembered for containers counted to the end. */
  private deepSizeOf(value: unknown): number {
    if (typeof value !== 'object' || value === null) return deepSize(value, Number.POSITIVE_INFINITY);
    const known = this.deepSizes.get(value);
    if (known !== undefined) return known;
    const cap = this.budget - this.spent + 1;
    const size = deepSize(value, cap);
    if (size <= cap) this.deepSizes.set(value, size);
    return size;
  }

  private check(): void {
    if (this.stopped !== undefined) throw this.stopped;
    if (this.spent > this.budget) this.stop(`exceeded its cost budget of ${this.budget} steps`);
    if (cpuMicros() > this.deadline) this.stop(`was still running after ${this.cpuLimitMs} ms of CPU time (${this.spent} steps)`);
    this.checkpoint = Math.min(this.spent + CLOCK_INTERVAL, this.budget + 1);
  }

  private stop(reason: string): never {
    this.stopped = new CostExceeded(reason);
    this.checkpoint = Number.NEGATIVE_INFINITY;
    throw this.stopped;
  }
}

function cpuMicros(): number {
  const usage = process.cpuUsage();
  return usage.user + usage.system;
}

/** The steps of evaluating `node` itself: one, or CALL_STEPS for a function call (comprehensions count per element). */
export function stepsOf(node: CelNode): number {
  if (node.op !== 'call' && node.op !== 'rcall') return 1;
  return COMPREHENSIONS.has(callName(node)) ? 1 : CALL_STEPS;
}

/** A call or `+` builds its value (a split list, a joined string, a concatenation): as many steps as it is large. */
function producedSize(node: CelNode, value: unknown): number {
  if (node.op === '+') return shallowSize(value);
  if (node.op !== 'rcall' && node.op !== 'call') return 0;
  return COMPREHENSIONS.has(callName(node)) ? 0 : shallowSize(value);
}

/** What `parent` (other than `==`, `!=` and `in`, which walk it whole) spends on one operand's `value`. */
function consumedSize(parent: CelNode, operand: CelNode, value: unknown): number {
  if (SHALLOW_OPERATORS.has(parent.op)) return shallowSize(value);
  if (parent.op !== 'rcall' && parent.op !== 'call') return 0;
  const name = callName(parent);
  // A comprehension's receiver is iterated (a map's keys are copied first); its body's values cost their own steps.
  if (COMPREHENSIONS.has(name)) return operand === receiverOf(parent) ? shallowSize(value) : 0;
  if (name === 'size') return typeof value === 'string' ? shallowSize(value) : 0;
  // split() may make one string per character: charged before it runs, so a huge text cannot be split at all.
  if (name === 'split' && typeof value === 'string') return value.length;
  if (name === 'bind' || name === 'has') return 0;
  return shallowSize(value);
}

/** Elements of a list or map, or characters of a string in steps; 0 for scalars. */
export function shallowSize(value: unknown): number {
  if (typeof value === 'string') return Math.ceil(value.length / CHARS_PER_STEP);
  if (typeof value !== 'object' || value === null) return 0;
  if (Array.isArray(value)) return value.length;
  if (value instanceof Uint8Array) return Math.ceil(value.length / CHARS_PER_STEP);
  if (value instanceof Map || value instanceof Set) return value.size;
  return Object.keys(value).length;
}

/** Every element and character of `value` in steps, counted without recursion and only until it passes `cap`. */
export function deepSize(value: unknown, cap: number): number {
  let size = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0 && size <= cap) {
    const item = pending.pop();
    size += 1;
    if (typeof item === 'string') size += Math.ceil(item.length / CHARS_PER_STEP);
    if (typeof item !== 'object' || item === null) continue;
    if (item instanceof Uint8Array) size += Math.ceil(item.length / CHARS_PER_STEP);
    else if (Array.isArray(item)) size += countElements(item, pending);
    else if (item instanceof Map) size += countElements([...item.keys(), ...item.values()], pending);
    else if (item instanceof Set) size += countElements([...item], pending);
    else size += countElements(Object.values(item), pending);
  }
  return size;
}

/** Counts scalar elements at once and leaves containers in `pending`: most answers are long lists of numbers. */
function countElements(items: readonly unknown[], pending: unknown[]): number {
  let size = 0;
  for (const item of items) {
    if (typeof item === 'object' && item !== null) pending.push(item);
    else size += typeof item === 'string' ? 1 + Math.ceil(item.length / CHARS_PER_STEP) : 1;
  }
  return size;
}

/* ───────────── the shape of a condition, known at compile time ───────────── */

/** The syntax nodes under `node`, whatever its operator (the operands of each are laid out in cel-js' typings). */
export function childNodes(node: CelNode): CelNode[] {
  const children: CelNode[] = [];
  const pending: unknown[] = [node.args];
  while (pending.length > 0) {
    const item = pending.pop();
    if (Array.isArray(item)) pending.push(...item);
    else if (isCelNode(item)) children.push(item);
  }
  return children;
}

function isCelNode(value: unknown): value is CelNode {
  return typeof value === 'object' && value !== null && typeof (value as { op?: unknown }).op === 'string' && 'args' in value;
}

/** `name` of a `call` (`[name, args]`) or `rcall` (`[name, receiver, args]`) node. */
export function callName(node: CelNode): string {
  const args = node.args as readonly unknown[];
  return typeof args[0] === 'string' ? args[0] : '';
}

export function receiverOf(node: CelNode): CelNode | undefined {
  if (node.op !== 'rcall') return undefined;
  const receiver = (node.args as readonly unknown[])[1];
  return isCelNode(receiver) ? receiver : undefined;
}

export function callArguments(node: CelNode): CelNode[] {
  const args = node.args as readonly unknown[];
  const list = args[node.op === 'rcall' ? 2 : 1];
  return Array.isArray(list) ? list.filter(isCelNode) : [];
}

/** A comprehension macro: `receiver.all(x, predicate)`, `receiver.map(x, filter, transform)`, ... */
export function isComprehension(node: CelNode): boolean {
  if (node.op !== 'rcall' || !COMPREHENSIONS.has(callName(node))) return false;
  const [variable] = callArguments(node);
  return variable?.op === 'id';
}

/** How deep comprehensions nest in their bodies: `a.all(x, b.exists(y, ...))` is 2; `a.map(...).all(...)` is 1. */
export function comprehensionNesting(node: CelNode): number {
  if (!isComprehension(node)) return Math.max(0, ...childNodes(node).map(comprehensionNesting));
  const receiver = receiverOf(node);
  const body = callArguments(node).slice(1);
  return Math.max(receiver === undefined ? 0 : comprehensionNesting(receiver), 1 + Math.max(0, ...body.map(comprehensionNesting)));
}

/**
 * The steps an evaluation takes whatever `result` holds: comprehensions over list literals multiply their bodies
 * by the literal's length; those over anything else count as empty. A condition whose certain cost is already over
 * the budget is refused when it is compiled.
 */
export function certainCost(node: CelNode): number {
  if (!isComprehension(node)) return 1 + childNodes(node).reduce((sum, child) => sum + certainCost(child), 0);
  const receiver = receiverOf(node);
  const iterations = receiver?.op === 'list' && Array.isArray(receiver.args) ? receiver.args.length : 0;
  const body = callArguments(node)
    .slice(1)
    .reduce((sum, part) => sum + certainCost(part), 1);
  return 1 + (receiver === undefined ? 0 : certainCost(receiver)) + iterations * body;
}
