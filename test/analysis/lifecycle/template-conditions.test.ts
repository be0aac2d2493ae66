// Specification of the template condition check the controller runs when templates are created and before runs start.
import { describe, expect, it } from 'vitest';
import { checkTemplateConditions } from '../../../src/analysis/template-conditions.js';
import { metric } from './fixtures/scripted-analysis.js';

const OWNER = 'AnalysisTemplate default/error-rate';

describe('checkTemplateConditions', () => {
  it('given conditions that all compile, when checked, then there is no problem', () => {
    const spec = { metrics: [metric('errors', { failureCondition: 'result[0] >= 0.05' }), metric('latency')] };
    expect(checkTemplateConditions(OWNER, spec)).toEqual([]);
  });

  it('given a successCondition with a syntax error, when checked, then the message names template, metric, field and cause', () => {
    const spec = { metrics: [metric('errors', { successCondition: 'result[0] <' })] };
    expect(checkTemplateConditions(OWNER, spec)).toEqual([
      'AnalysisTemplate default/error-rate metric "errors": successCondition does not compile: ' +
        'Unexpected token: EOF at column 12 (in "result[0] <")',
    ]);
  });

  it('given bad conditions in two metrics, when checked, then each is reported', () => {
    const spec = {
      metrics: [
        metric('errors', { failureCondition: 'rate > 1' }),
        metric('ok'),
        metric('latency', { successCondition: '"fast"' }),
      ],
    };
    const problems = checkTemplateConditions(OWNER, spec);
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^AnalysisTemplate default\/error-rate metric "errors": failureCondition does not compile: Unknown variable: rate/);
    expect(problems[1]).toContain('metric "latency": successCondition does not compile: must yield a bool, but yields string');
  });

  it('given a metric without conditions, when checked, then it is fine', () => {
    expect(checkTemplateConditions(OWNER, { metrics: [metric('raw', { successCondition: undefined })] })).toEqual([]);
  });
});
