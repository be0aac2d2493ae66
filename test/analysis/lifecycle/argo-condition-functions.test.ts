// Specification of the Argo Rollouts condition idioms Vane's CEL understands: len, default, isNil, isNaN, isInf,
// asInt, asFloat, with the meanings of Argo's utils/evaluate (docs/analysis/*.md: "len(result) == 0 || result[0] >= 0.95").
// @covers spec.metrics[].successCondition
// @covers spec.metrics[].failureCondition
import { describe, expect, it } from 'vitest';
import { ConditionError, compileCondition } from '../../../src/analysis/cel-condition.js';

function evaluate(source: string, result: unknown): boolean {
  return compileCondition(source).evaluate(result);
}

function evaluationError(source: string, result: unknown): ConditionError {
  try {
    evaluate(source, result);
  } catch (err) {
    if (err instanceof ConditionError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(source)} to fail on ${JSON.stringify(result)}`);
}

describe("Argo's recommended empty-result idiom", () => {
  const idiom = 'len(result) == 0 || result[0] >= 0.95';

  it('given an empty vector (no series), when evaluated, then it passes instead of failing on result[0]', () => {
    expect(evaluate(idiom, [])).toBe(true);
  });

  it('given one series above or below the threshold, when evaluated, then it decides on the value', () => {
    expect(evaluate(idiom, [0.97])).toBe(true);
    expect(evaluate(idiom, [0.9])).toBe(false);
  });

  it('given a string or an object, when len is taken, then it counts characters and keys', () => {
    expect(evaluate('len(result) == 3', 'héé')).toBe(true);
    expect(evaluate('len(result) == 2', { a: 1, b: 2 })).toBe(true);
  });

  it('given a number, when len is taken, then it is an Evaluation error naming what len takes', () => {
    const err = evaluationError('len(result) == 1', 4);
    expect(err.kind).toBe('Evaluation');
    expect(err.message).toContain('len() takes a list, string or map, not a number');
  });
});

describe('default and isNil', () => {
  it('given a null result, when default(result, 0) is compared, then the default is used', () => {
    expect(evaluate('default(result, 0) == 0', null)).toBe(true);
    expect(evaluate('isNil(result)', null)).toBe(true);
  });

  it('given a value, when default(result, 0) is compared, then the value is used', () => {
    expect(evaluate('default(result, 0) >= 0.5', 0.75)).toBe(true);
    expect(evaluate('isNil(result)', 0.75)).toBe(false);
  });
});

describe('isNaN and isInf', () => {
  it('given NaN, when isNaN is asked, then it is true, and a plain comparison stays false', () => {
    expect(evaluate('isNaN(result[0])', [NaN])).toBe(true);
    expect(evaluate('!isNaN(result[0]) && result[0] < 1', [NaN])).toBe(false);
    expect(evaluate('isNaN(result[0])', [0.5])).toBe(false);
  });

  it('given either infinity, when isInf is asked, then it is true (math.IsInf(f, 0))', () => {
    expect(evaluate('isInf(result[0]) && isInf(result[1])', [Infinity, -Infinity])).toBe(true);
    expect(evaluate('isInf(result)', 3)).toBe(false);
  });

  it('given a string, when isNaN is asked, then it is an Evaluation error', () => {
    expect(evaluationError('isNaN(result)', 'x').message).toContain('isNaN() takes a number, not the string "x"');
  });
});

describe('asInt and asFloat', () => {
  it('given a number or a numeric string, when converted, then it compares as that number', () => {
    expect(evaluate('asInt(result) == 3', '3')).toBe(true);
    expect(evaluate('asInt(result) == 3', 3.9)).toBe(true);
    expect(evaluate('asFloat(result) > 2.5', '2.75')).toBe(true);
    expect(evaluate('asFloat(result.value) < 0.01', { value: '0.001' })).toBe(true);
  });

  it('given text that is not a number, when converted, then it is an Evaluation error naming the value', () => {
    expect(evaluationError('asInt(result) == 3', 'three').message).toContain('asInt() cannot convert the string "three"');
    expect(evaluationError('asFloat(result) > 1', '').message).toContain('asFloat() cannot convert the string ""');
  });
});

describe("conditions from Argo Rollouts' published manifests", () => {
  it.each([
    ["result == 'It worked!'", 'It worked!', true],
    ["result.major == '1'", { major: '1' }, true],
    ['result.Status == 999', { Status: 999 }, true],
    ['result.Status == -1', { Status: 200 }, false],
  ])('given %s, when evaluated on its answer, then it decides as Argo does', (source, result, expected) => {
    expect(evaluate(source, result)).toBe(expected);
  });
});
