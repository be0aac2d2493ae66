// Specification of one measurement's phase: success / failure conditions, NaN, empty results and evaluation errors.
import { describe, expect, it } from 'vitest';
import { ConditionError } from '../../../src/analysis/cel-condition.js';
import { compileMetricConditions, containsNaN, judgeMeasurement } from '../../../src/analysis/measurement-verdict.js';
import { metric } from './fixtures/scripted-analysis.js';

function judge(conditions: { successCondition?: string; failureCondition?: string }, result: unknown) {
  const m = metric('errors', { successCondition: undefined, ...conditions });
  return judgeMeasurement(compileMetricConditions(m), result);
}

const SUCCESS = 'result[0] < 0.01';
const FAILURE = 'result[0] >= 0.05';

describe('judgeMeasurement: the condition table', () => {
  it.each([
    { name: 'failureCondition true', conditions: { successCondition: SUCCESS, failureCondition: FAILURE }, result: [0.09], phase: 'Failed' },
    { name: 'both true (failure wins)', conditions: { successCondition: 'true', failureCondition: FAILURE }, result: [0.09], phase: 'Failed' },
    { name: 'successCondition true', conditions: { successCondition: SUCCESS, failureCondition: FAILURE }, result: [0.001], phase: 'Successful' },
    { name: 'only successCondition, false', conditions: { successCondition: SUCCESS }, result: [0.02], phase: 'Failed' },
    { name: 'only failureCondition, false', conditions: { failureCondition: FAILURE }, result: [0.02], phase: 'Successful' },
    { name: 'both present, neither true', conditions: { successCondition: SUCCESS, failureCondition: FAILURE }, result: [0.02], phase: 'Inconclusive' },
    { name: 'no condition at all', conditions: {}, result: [0.7], phase: 'Successful' },
  ])('given $name, when judged, then the measurement is $phase', ({ conditions, result, phase }) => {
    expect(judge(conditions, result).phase).toBe(phase);
  });
});

describe('judgeMeasurement: NaN never meets a successCondition', () => {
  it('given result[0] < 0.01 and a NaN sample, when judged, then it is Failed, not Successful', () => {
    expect(judge({ successCondition: SUCCESS }, [Number.NaN])).toEqual({ phase: 'Failed' });
  });

  it('given a negated condition that NaN makes true, when judged, then it is Failed with a message about NaN', () => {
    expect(judge({ successCondition: '!(result[0] >= 0.01)' }, [Number.NaN])).toEqual({
      phase: 'Failed',
      message: 'the result holds NaN, which never meets a successCondition',
    });
  });

  it('given both conditions and NaN, when judged, then it is Inconclusive', () => {
    expect(judge({ successCondition: '!(result[0] >= 0.01)', failureCondition: FAILURE }, [Number.NaN]).phase).toBe('Inconclusive');
  });

  it('given a failureCondition that tests for NaN, when judged, then it can fail the measurement', () => {
    expect(judge({ failureCondition: 'result[0] != result[0]' }, [Number.NaN]).phase).toBe('Failed');
  });

  it('given a NaN in a second series or inside an object, when searched, then it is found', () => {
    expect(containsNaN([0.001, Number.NaN], 8)).toBe(true);
    expect(containsNaN({ data: { ratio: Number.NaN } }, 8)).toBe(true);
    expect(containsNaN([0.001, Number.POSITIVE_INFINITY], 8)).toBe(false);
  });
});

describe('judgeMeasurement: results the conditions cannot be applied to', () => {
  it('given an empty vector and result[0] < 0.01, when judged, then it is an Error saying the query returned no data', () => {
    expect(judge({ successCondition: SUCCESS }, [])).toEqual({
      phase: 'Error',
      message: 'the query returned no data (an empty result), so successCondition cannot be evaluated',
    });
  });

  it('given an empty vector and a failureCondition, when judged, then the message names the failureCondition', () => {
    expect(judge({ successCondition: SUCCESS, failureCondition: FAILURE }, []).message).toContain('so failureCondition cannot');
  });

  it('given a condition that handles an empty vector itself, when judged, then its answer is used', () => {
    expect(judge({ successCondition: 'size(result) > 0 && result[0] < 0.01' }, []).phase).toBe('Failed');
  });

  it('given a string sample, when judged, then it is an Error quoting the condition and the cause', () => {
    const verdict = judge({ successCondition: SUCCESS }, ['abc']);
    expect(verdict.phase).toBe('Error');
    expect(verdict.message).toMatch(/^successCondition "result\[0\] < 0\.01" could not be evaluated: no such overload/);
  });

  it('given a condition that does not compile, when the conditions are compiled, then the error names the field', () => {
    expect(() => compileMetricConditions(metric('errors', { failureCondition: 'result >' }))).toThrow(ConditionError);
    expect(() => compileMetricConditions(metric('errors', { failureCondition: 'result >' }))).toThrow(/^failureCondition does not compile: /);
  });
});
