// Hooks into cel-js' evaluator so every expression a condition evaluates is charged to a CostMeter, and matches() runs in linear time.
import type { Environment } from '@marcbachmann/cel-js';
import { ABSORBED_ERROR_STEPS, CostExceeded, callArguments, receiverOf, stepsOf, type CelNode, type CostMeter } from './condition-cost.js';
import { compileLinearRegexp, RegexpSyntaxError, type LinearRegexp } from './linear-regexp.js';

/*
 * cel-js (8.x) offers neither a cost limit nor a way to replace a built-in function, so this file leans on two
 * details of its evaluator, both checked when the module loads (see `meteringWorks` in cel-condition.ts):
 * - every operand is evaluated through `evaluator.run(node, ctx)`, which calls `node.evaluate(evaluator, node, ctx)`;
 *   an own `run` on the (one, private) evaluator of our Environment sees every step;
 * - errors that CEL's `||`, `&&`, `all` and `exists` may absorb are caught in `evaluator.tryEval`; an own `tryEval`
 *   lets CostExceeded through, so a loop stops at once instead of failing each remaining step;
 * - a node's `evaluate` is looked up on the node, so an own `evaluate` on a `matches` call replaces cel-js'
 *   backtracking `new RegExp(pattern).test(text)` with the linear-time matcher, for that node only.
 */

/** The evaluator cel-js hands to `node.evaluate`. */
interface CelEvaluator {
  run(node: EvaluableNode, ctx: unknown): unknown;
  /** Evaluates and hands back an error instead of throwing it: how `||`, `&&`, `all` and `exists` absorb errors. */
  tryEval(node: EvaluableNode, ctx: unknown): unknown;
}

interface EvaluableNode extends CelNode {
  evaluate(evaluator: CelEvaluator, node: EvaluableNode, ctx: unknown): unknown;
}

/** The meter of the evaluation in progress; evaluation is synchronous, so there is at most one. */
let active: CostMeter | undefined;

/** Runs `evaluate` with `meter` charged for every step cel-js takes. */
export function metered<T>(meter: CostMeter, evaluate: () => T): T {
  const previous = active;
  active = meter;
  try {
    return evaluate();
  } finally {
    active = previous;
  }
}

/** Makes `environment`'s evaluator charge the active meter. Returns false when cel-js did not let it. */
export function installMetering(environment: Environment): boolean {
  let evaluator: CelEvaluator | undefined;
  const probe = environment.parse('true');
  (probe.ast as unknown as EvaluableNode).evaluate = (captured) => {
    evaluator = captured;
    return true;
  };
  probe({});
  if (evaluator === undefined || typeof evaluator.run !== 'function' || typeof evaluator.tryEval !== 'function') return false;
  evaluator.run = meteredRun;
  evaluator.tryEval = meteredTryEval;
  return true;
}

function meteredTryEval(this: CelEvaluator, node: EvaluableNode, ctx: unknown): unknown {
  try {
    const value = this.run(node, ctx);
    return value instanceof Promise ? value.catch((err: unknown) => err) : value;
  } catch (err) {
    if (err instanceof CostExceeded) throw err;
    active?.charge(ABSORBED_ERROR_STEPS);
    return err;
  }
}

function meteredRun(this: CelEvaluator, node: EvaluableNode, ctx: unknown): unknown {
  const meter = active;
  if (meter === undefined) return node.evaluate(this, node, ctx);
  meter.charge(stepsOf(node));
  const parent = meter.parent;
  meter.parent = node;
  let value: unknown;
  try {
    value = node.evaluate(this, node, ctx);
  } finally {
    meter.parent = parent;
  }
  meter.chargeValue(parent, node, value);
  return value;
}

/* ───────────── matches() ───────────── */


/** Patterns compiled at run time (those not written as a literal); the bound only guards against endless variety. */
const PATTERN_CACHE_LIMIT = 256;
const patterns = new Map<string, LinearRegexp | RegexpSyntaxError>();

/** Compiles `pattern` with the linear-time engine (cached); throws RegexpSyntaxError. */
export function linearPattern(pattern: string): LinearRegexp {
  let compiled = patterns.get(pattern);
  if (compiled === undefined) {
    try {
      compiled = compileLinearRegexp(pattern);
    } catch (err) {
      if (!(err instanceof RegexpSyntaxError)) throw err;
      compiled = err;
    }
    if (patterns.size >= PATTERN_CACHE_LIMIT) patterns.delete(patterns.keys().next().value as string);
    patterns.set(pattern, compiled);
  }
  if (compiled instanceof RegexpSyntaxError) throw compiled;
  return compiled;
}

/** Makes the `text.matches(pattern)` call `node` match with the linear-time engine, charging the active meter. */
export function replaceMatches(node: CelNode): void {
  (node as EvaluableNode).evaluate = evaluateMatches;
}

function evaluateMatches(evaluator: CelEvaluator, node: EvaluableNode, ctx: unknown): boolean {
  const receiver = receiverOf(node) as EvaluableNode;
  const [patternNode] = callArguments(node) as EvaluableNode[];
  const text = evaluator.run(receiver, ctx);
  const pattern = evaluator.run(patternNode as EvaluableNode, ctx);
  if (typeof text !== 'string' || typeof pattern !== 'string') {
    throw new TypeError(`found no matching overload for '${celTypeName(text)}.matches(${celTypeName(pattern)})'`);
  }
  const meter = active;
  const regexp = linearPattern(pattern);
  return regexp.test(text, meter === undefined ? () => undefined : (steps) => meter.charge(steps));
}

function celTypeName(value: unknown): string {
  if (typeof value === 'number') return 'double';
  if (typeof value === 'bigint') return 'int';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'string';
  if (value === null || value === undefined) return 'null_type';
  if (Array.isArray(value)) return 'list';
  return value instanceof Uint8Array ? 'bytes' : 'map';
}
