// Success and failure conditions: CEL expressions over `result`, compiled once per source and evaluated per measurement.
import { Environment, EvaluationError, ParseError, TypeError as CelTypeError } from '@marcbachmann/cel-js';
import { VaneError } from '../errors.js';
import { registerArgoConditionFunctions } from './argo-condition-functions.js';
import { installMetering, linearPattern, metered, replaceMatches } from './cel-metering.js';
import {
  CONDITION_COST_BUDGET,
  MAX_COMPREHENSION_NESTING,
  MAX_CONDITION_DEPTH,
  MAX_CONDITION_LENGTH,
  MAX_CONDITION_NODES,
  CostMeter,
  callArguments,
  callName,
  certainCost,
  childNodes,
  comprehensionNesting,
  type CelNode,
} from './condition-cost.js';
import { RegexpSyntaxError } from './linear-regexp.js';

/**
 * Why a condition could not be compiled or evaluated:
 * - `Syntax`: the source does not parse;
 * - `Type`: it parses but cannot type-check (an identifier other than `result`, `1 < "a"`, ...);
 * - `NotBoolean`: it yields something other than a bool (known at compile time, or found when evaluated);
 * - `Evaluation`: evaluating it on a value failed (index out of range, comparing a string with a number, ...);
 * - `Limit`: it is over a limit that keeps evaluation cheap (condition-cost.ts): too long, nested too deep, or its
 *   evaluation on a value ran past the cost budget.
 */
export type ConditionErrorKind = 'Syntax' | 'Type' | 'NotBoolean' | 'Evaluation' | 'Limit';

/** A condition that did not compile or could not be evaluated. `message` is one line, fit for a status message. */
export class ConditionError extends VaneError {
  readonly kind: ConditionErrorKind;
  readonly source: string;
  /** The CEL library's code (`unexpected_token`, `index_out_of_bounds`, ...) when it gave one. */
  readonly celCode: string | undefined;

  constructor(kind: ConditionErrorKind, source: string, message: string, options?: { cause?: unknown; celCode?: string }) {
    super('InvalidSpec', message, options);
    this.name = 'ConditionError';
    this.kind = kind;
    this.source = source;
    this.celCode = options?.celCode;
  }
}

export interface CompiledCondition {
  readonly source: string;
  /** True or false for `result`; throws ConditionError('Evaluation' | 'NotBoolean') when it cannot say. */
  evaluate(result: unknown): boolean;
}

type CelProgram = ReturnType<Environment['parse']>;
type CelError = ParseError | CelTypeError | EvaluationError;

/**
 * `result` is dyn: a number, a list of numbers (one per Prometheus series) or any JSON value from the web provider.
 * Argo Rollouts' condition functions (`len`, `default`, `isNaN`, ...) are there too, so its idioms compile unchanged.
 */
const ENVIRONMENT = registerArgoConditionFunctions(
  new Environment({ limits: { maxAstNodes: MAX_CONDITION_NODES, maxDepth: MAX_CONDITION_DEPTH } }).registerVariable('result', 'dyn'),
);
const METERING_INSTALLED = installMetering(ENVIRONMENT);

/** Conditions come from a handful of templates; the bound only guards against a spec that changes without end. */
const CACHE_LIMIT = 1000;
const cache = new Map<string, CompiledCondition | ConditionError>();

/**
 * Compiles `source` (cached by source text). Throws ConditionError when it does not parse, does not type-check,
 * or is known at compile time to yield something other than a bool. A `dyn` type (e.g. plain `result`) is
 * accepted here and checked when evaluated.
 */
export function compileCondition(source: string): CompiledCondition {
  let outcome = cache.get(source);
  if (outcome === undefined) {
    outcome = compileUncached(source);
    remember(source, outcome);
  }
  if (outcome instanceof ConditionError) throw outcome;
  return outcome;
}

function remember(source: string, outcome: CompiledCondition | ConditionError): void {
  if (cache.size >= CACHE_LIMIT) {
    const oldest = cache.keys().next();
    if (oldest.done !== true) cache.delete(oldest.value);
  }
  cache.set(source, outcome);
}

function compileUncached(source: string): CompiledCondition | ConditionError {
  if (source.trim() === '') return new ConditionError('Syntax', source, 'the condition is empty');
  if (source.length > MAX_CONDITION_LENGTH) {
    return new ConditionError('Limit', source, `the condition is ${source.length} characters long; at most ${MAX_CONDITION_LENGTH}`);
  }
  let program: CelProgram;
  try {
    program = ENVIRONMENT.parse(source);
  } catch (err) {
    return fromCelError(err instanceof ParseError && err.code === 'limit_exceeded' ? 'Limit' : 'Syntax', source, err);
  }
  const checked = program.check();
  if (!checked.valid) return fromCelError('Type', source, checked.error);
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return new ConditionError('NotBoolean', source, `must yield a bool, but yields ${checked.type ?? 'an unknown type'}`);
  }
  const root = program.ast as CelNode;
  return costProblem(source, root) ?? patternProblem(source, root) ?? new CelCondition(source, program);
}

/** A condition whose shape alone makes it too costly: comprehensions nested too deep, or over the budget whatever `result` is. */
function costProblem(source: string, root: CelNode): ConditionError | undefined {
  const nesting = comprehensionNesting(root);
  if (nesting > MAX_COMPREHENSION_NESTING) {
    return new ConditionError(
      'Limit',
      source,
      `comprehensions (all, exists, exists_one, map, filter) nest ${nesting} deep; at most ${MAX_COMPREHENSION_NESTING}`,
    );
  }
  const cost = certainCost(root);
  if (cost > CONDITION_COST_BUDGET) {
    return new ConditionError('Limit', source, `costs at least ${cost} steps whatever the result; the budget is ${CONDITION_COST_BUDGET}`);
  }
  return undefined;
}

/**
 * Gives every `matches` call the linear-time engine, and compiles the patterns written as literals now, so that one
 * RE2 does not accept (a backreference, a lookahead) is a Syntax error before any measurement.
 */
function patternProblem(source: string, root: CelNode): ConditionError | undefined {
  const pending = [root];
  while (pending.length > 0) {
    const node = pending.pop() as CelNode;
    pending.push(...childNodes(node));
    if (!isMatchesCall(node)) continue;
    replaceMatches(node);
    const [pattern] = callArguments(node);
    if (pattern?.op !== 'value' || typeof pattern.args !== 'string') continue;
    try {
      linearPattern(pattern.args);
    } catch (err) {
      if (!(err instanceof RegexpSyntaxError)) throw err;
      return new ConditionError('Syntax', source, err.message, { cause: err });
    }
  }
  return undefined;
}

function isMatchesCall(node: CelNode): boolean {
  return node.op === 'rcall' && callName(node) === 'matches' && callArguments(node).length === 1;
}

class CelCondition implements CompiledCondition {
  constructor(
    readonly source: string,
    private readonly program: CelProgram,
  ) {}

  evaluate(result: unknown): boolean {
    if (!METERING_WORKS) {
      throw new ConditionError('Limit', this.source, 'not evaluated: this build of @marcbachmann/cel-js cannot be held to a cost budget');
    }
    return this.evaluateWith(new CostMeter(), result);
  }

  /** Evaluates with `meter` charged for every step; past its budget the evaluation stops as a Limit error. */
  evaluateWith(meter: CostMeter, result: unknown): boolean {
    let value: unknown;
    meter.parent = this.program.ast as CelNode;
    try {
      value = metered(meter, () => this.program({ result }));
    } catch (err) {
      throw meter.exceeded ? overBudget(this.source, meter) : fromCelError('Evaluation', this.source, err);
    }
    if (meter.exceeded) throw overBudget(this.source, meter);
    if (typeof value !== 'boolean') {
      throw new ConditionError('NotBoolean', this.source, `yielded ${describeValue(value)} instead of a bool`);
    }
    return value;
  }
}

function overBudget(source: string, meter: CostMeter): ConditionError {
  return new ConditionError('Limit', source, `${meter.exceeded?.reason ?? 'ran out of budget'}; evaluation stopped`, { cause: meter.exceeded });
}

/** Checks that a comprehension and a matches() call are charged, and that matches() uses RE2 syntax (JS rejects `(?i)`). */
function probeMetering(): boolean {
  const probe = compileUncached('[1, 2, 3].exists(x, x == 3) && "Probe".matches("(?i)^probe$")');
  if (!(probe instanceof CelCondition)) return false;
  const meter = new CostMeter();
  try {
    return probe.evaluateWith(meter, null) && meter.spent >= 10;
  } catch {
    return false;
  }
}

/** One line from a CEL error: its summary and the column it points at (the library's message spans several lines). */
function fromCelError(kind: ConditionErrorKind, source: string, err: unknown): ConditionError {
  if (!isCelError(err)) {
    const text = err instanceof Error ? err.message : String(err);
    return new ConditionError(kind, source, text, { cause: err });
  }
  const summary = err.summary || err.message.split('\n')[0] || err.name;
  const where = err.range === undefined ? '' : ` at column ${err.range.start + 1}`;
  return new ConditionError(kind, source, `${summary}${where}`, { cause: err, celCode: err.code });
}

function isCelError(err: unknown): err is CelError {
  return err instanceof ParseError || err instanceof CelTypeError || err instanceof EvaluationError;
}

function describeValue(value: unknown): string {
  if (typeof value === 'bigint') return `the int ${value}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (value === null || value === undefined) return 'null';
  if (Array.isArray(value)) return 'a list';
  return `a ${typeof value}`;
}

/** A probe run once: false when cel-js does not let its evaluation be metered (a version this module does not know). */
const METERING_WORKS = METERING_INSTALLED && probeMetering();
