import { describe, expect, it } from 'vitest';
import { withAnalysisDefaults, withMetricDefaults } from './analysis-defaults.js';
import type { Metric } from './analysis.js';

describe('withMetricDefaults', () => {
  const metric: Metric = { name: 'error-rate', provider: { web: { url: 'http://127.0.0.1/x' } } };

  it('given a metric without limits, then consecutiveErrorLimit 4, failureLimit 0, inconclusiveLimit 0 apply', () => {
    expect(withMetricDefaults(metric)).toEqual({
      ...metric,
      consecutiveErrorLimit: 4,
      failureLimit: 0,
      inconclusiveLimit: 0,
      dryRun: false,
    });
  });

  it('given explicit limits, then they are kept, and a whole spec defaults every metric', () => {
    const strict = { ...metric, name: 'strict', failureLimit: 2, consecutiveErrorLimit: 0 };
    const spec = withAnalysisDefaults({ metrics: [metric, strict] });
    expect(spec.metrics.map((m) => [m.failureLimit, m.consecutiveErrorLimit])).toEqual([
      [0, 4],
      [2, 0],
    ]);
  });
});
