// Success and failure conditions: CEL expressions over `result`, compiled once per source and evaluated per measurement.
import { Environment, EvaluationError, ParseError, TypeError as CelTypeError } from '@marcbachmann/cel-js';
import { VaneError } from '../errors.js';

/**
 * Why a condition could not be compiled or evaluated:
 * - `Syntax`: the source does not parse;
 * - `Type`: it parses but cannot type-check (an identifier other than `result`, `1 < "a"`, ...);
 * - `NotBoolean`: it yields something other than a bool (known at compile time, or found when evaluated);
 * - `Evaluation`: evaluating it on a value failed (index out of range, comparing a string with a number, ...).
 */
export type ConditionErrorKind = 'Syntax' | 'Type' | 'NotBoolean' | 'Evaluation';

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

/** `result` is dyn: a number, a list of numbers (one per Prometheus series) or any JSON value from the web provider. */
const ENVIRONMENT = new Environment().registerVariable('result', 'dyn');

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
  let program: CelProgram;
  try {
    program = ENVIRONMENT.parse(source);
  } catch (err) {
    return fromCelError('Syntax', source, err);
  }
  const checked = program.check();
  if (!checked.valid) return fromCelError('Type', source, checked.error);
  if (checked.type !== 'bool' && checked.type !== 'dyn') {
    return new ConditionError('NotBoolean', source, `must yield a bool, but yields ${checked.type ?? 'an unknown type'}`);
  }
  return new CelCondition(source, program);
}

class CelCondition implements CompiledCondition {
  constructor(
    readonly source: string,
    private readonly program: CelProgram,
  ) {}

  evaluate(result: unknown): boolean {
    let value: unknown;
    try {
      value = this.program({ result });
    } catch (err) {
      throw fromCelError('Evaluation', this.source, err);
    }
    if (typeof value !== 'boolean') {
      throw new ConditionError('NotBoolean', this.source, `yielded ${describeValue(value)} instead of a bool`);
    }
    return value;
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
