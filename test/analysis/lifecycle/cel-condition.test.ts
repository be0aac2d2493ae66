// Specification of CEL conditions: compile-time checks, evaluation over Prometheus and web results, typed errors.
import { describe, expect, it } from 'vitest';
import { ConditionError, compileCondition } from '../../../src/analysis/cel-condition.js';
import { CONDITION_COST_BUDGET, CONDITION_CPU_LIMIT_MS, MAX_CONDITION_LENGTH } from '../../../src/analysis/condition-cost.js';
import { VaneError } from '../../../src/errors.js';

function compileError(source: string): ConditionError {
  try {
    compileCondition(source);
  } catch (err) {
    if (err instanceof ConditionError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(source)} not to compile`);
}

function evaluationError(source: string, result: unknown): ConditionError {
  const condition = compileCondition(source);
  try {
    condition.evaluate(result);
  } catch (err) {
    if (err instanceof ConditionError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(source)} to fail on ${JSON.stringify(result)}`);
}

describe('compileCondition: what is rejected before any measurement', () => {
  it('given a truncated expression, when compiled, then it is a Syntax error pointing at the column', () => {
    const err = compileError('result[0] <');
    expect(err).toBeInstanceOf(VaneError);
    expect(err.code).toBe('InvalidSpec');
    expect(err.kind).toBe('Syntax');
    expect(err.message).toBe('Unexpected token: EOF at column 12');
    expect(err.source).toBe('result[0] <');
  });

  it('given an identifier other than result, when compiled, then it is a Type error naming the identifier', () => {
    const err = compileError('errors[0] < 0.01');
    expect(err.kind).toBe('Type');
    expect(err.message).toContain('Unknown variable: errors');
  });

  it('given an expression that yields a string, when compiled, then it is rejected as NotBoolean', () => {
    const err = compileError('result[0] > 1.0 ? "bad" : "good"');
    expect(err.kind).toBe('NotBoolean');
    expect(err.message).toBe('must yield a bool, but yields string');
  });

  it('given a comparison of an int with a string, when compiled, then it is a Type error', () => {
    expect(compileError('1 < "a"').kind).toBe('Type');
  });

  it('given an empty or blank source, when compiled, then it is rejected as empty', () => {
    expect(compileError('  ').message).toBe('the condition is empty');
  });

  it('given the same source twice, when compiled, then the cached condition is returned', () => {
    expect(compileCondition('result[0] < 0.05')).toBe(compileCondition('result[0] < 0.05'));
  });

  it('given the same bad source twice, when compiled, then the same error is thrown each time', () => {
    expect(compileError('result[0] <<')).toBe(compileError('result[0] <<'));
  });
});

describe('CompiledCondition.evaluate: over Prometheus vectors', () => {
  const underOnePercent = compileCondition('result[0] < 0.01');

  it('given a vector under the threshold, when evaluated, then it is true', () => {
    expect(underOnePercent.evaluate([0.004])).toBe(true);
  });

  it('given a vector over the threshold, when evaluated, then it is false', () => {
    expect(underOnePercent.evaluate([0.2])).toBe(false);
  });

  it('given integer-valued samples and an int literal, when evaluated, then numbers compare across int and double', () => {
    expect(compileCondition('result[0] < 1').evaluate([0])).toBe(true);
    expect(compileCondition('result == 5').evaluate(5)).toBe(true);
  });

  it('given NaN, when compared, then every comparison is false (so NaN alone never passes a plain comparison)', () => {
    expect(underOnePercent.evaluate([Number.NaN])).toBe(false);
    expect(compileCondition('result[0] >= 0.01').evaluate([Number.NaN])).toBe(false);
    expect(compileCondition('result[0] != result[0]').evaluate([Number.NaN])).toBe(true);
  });

  it('given +Infinity, when compared, then it orders above every number', () => {
    expect(underOnePercent.evaluate([Number.POSITIVE_INFINITY])).toBe(false);
    expect(compileCondition('result[0] > 1000000.0').evaluate([Number.POSITIVE_INFINITY])).toBe(true);
  });

  it('given an empty vector, when indexed, then it throws an Evaluation error, not false', () => {
    const err = evaluationError('result[0] < 0.01', []);
    expect(err.kind).toBe('Evaluation');
    expect(err.celCode).toBe('index_out_of_bounds');
  });

  it('given a string sample, when compared with a number, then it throws an Evaluation error naming the overload', () => {
    const err = evaluationError('result[0] < 0.01', ['abc']);
    expect(err.kind).toBe('Evaluation');
    expect(err.message).toContain('no such overload');
  });

  it('given macros over every series, when evaluated, then they see each sample', () => {
    const all = compileCondition('result.all(x, x < 0.5)');
    expect(all.evaluate([0.1, 0.2])).toBe(true);
    expect(all.evaluate([0.1, 0.7])).toBe(false);
  });
});

describe('CompiledCondition.evaluate: over web JSON values', () => {
  it('given an object, when a field is compared, then it is read', () => {
    expect(compileCondition('result.ok == true && result.latency < 200').evaluate({ ok: true, latency: 120 })).toBe(true);
  });

  it('given an object without the field, when evaluated, then it throws an Evaluation error naming the key', () => {
    expect(evaluationError('result.missing == true', { ok: true }).message).toContain('missing');
  });

  it('given a dyn condition that turns out not to be a bool, when evaluated, then it throws NotBoolean', () => {
    const err = evaluationError('result', 5);
    expect(err.kind).toBe('NotBoolean');
    expect(err.message).toBe('yielded the number 5 instead of a bool');
  });

  it('given a dyn condition that is a bool, when evaluated, then it is that bool', () => {
    expect(compileCondition('result').evaluate(true)).toBe(true);
  });
});

describe('CompiledCondition.evaluate: matches() with RE2 semantics', () => {
  it('given RE2 syntax JS RegExp lacks, when evaluated, then it is understood', () => {
    expect(compileCondition('result.matches("(?i)^degraded$")').evaluate('DEGRADED')).toBe(true);
    expect(compileCondition('result.matches("\\\\Aok\\\\z")').evaluate('ok')).toBe(true);
  });

  it('given matches() inside a comprehension, when evaluated, then each element is matched', () => {
    const allHealthy = compileCondition('result.all(pod, pod.status.matches("^(Running|Succeeded)$"))');
    expect(allHealthy.evaluate([{ status: 'Running' }, { status: 'Succeeded' }])).toBe(true);
    expect(allHealthy.evaluate([{ status: 'Running' }, { status: 'CrashLoopBackOff' }])).toBe(false);
  });

  it('given a pattern read from the result that RE2 refuses, when evaluated, then it is an Evaluation error naming the pattern', () => {
    const err = evaluationError('result.text.matches(result.pattern)', { text: 'aa', pattern: '(a)\\1' });
    expect(err.kind).toBe('Evaluation');
    expect(err.message).toContain('backreferences are not supported');
  });

  it('given matches() on a number, when evaluated, then it is an Evaluation error naming the overload', () => {
    expect(evaluationError('result.matches("1")', 1.5).message).toContain("no matching overload for 'double.matches(string)'");
  });
});

describe('CompiledCondition.evaluate: the cost budget', () => {
  const cubic = 'result.all(x, result.all(y, result.all(z, x + y + z >= 0.0)))';
  const series = Array.from({ length: 100 }, (_, index) => index / 100);

  it('given a condition over budget on a large result, when evaluated, then it is a Limit error, and the same condition passes on a small one', () => {
    expect(evaluationError(cubic, series).kind).toBe('Limit');
    // The step budget stops it; on a loaded machine the CPU-time backstop (CONDITION_CPU_LIMIT_MS of process CPU, which
    // counts the garbage collector's threads too) may stop it first, with its own words — either is the same verdict.
    expect(evaluationError(cubic, series).message).toMatch(
      new RegExp(`^(exceeded its cost budget of ${CONDITION_COST_BUDGET} steps|was still running after ${CONDITION_CPU_LIMIT_MS} ms of CPU time \\(\\d+ steps\\)); evaluation stopped$`),
    );
    expect(compileCondition(cubic).evaluate(series.slice(0, 10))).toBe(true);
  });

  it('given an over-budget operand of || or exists (which absorb errors), when evaluated, then the budget error is not absorbed', () => {
    expect(evaluationError(`${cubic} || true`, series).kind).toBe('Limit');
    expect(evaluationError('result.exists(x, x > 1.0 || result.exists(y, result.exists(z, y + z > 5.0)))', series).kind).toBe('Limit');
  });

  it('given a condition longer than the limit, when compiled, then it is a Limit error', () => {
    const err = compileError(`result < ${'1 + '.repeat(MAX_CONDITION_LENGTH)}1`);
    expect(err.kind).toBe('Limit');
    expect(err.message).toContain(`at most ${MAX_CONDITION_LENGTH}`);
  });

  it('given comprehensions nested as deep as allowed, when compiled, then it is accepted; one deeper is a Limit error', () => {
    expect(() => compileCondition('result.all(a, result.all(b, result.exists(c, a + b == c)))')).not.toThrow();
    expect(compileError('result.all(a, result.all(b, result.exists(c, result.map(d, d).size() > 0)))').kind).toBe('Limit');
  });

  it('given comprehensions one after another, when compiled, then they do not count as nested', () => {
    expect(() => compileCondition('result.map(a, a).filter(b, b > 0.0).map(c, c).all(d, d < 1.0)')).not.toThrow();
  });
});
