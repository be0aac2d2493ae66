// Awaits a measurement that must fail and hands back its MetricError, so tests can check code and message.
import { expect } from 'vitest';
import { MetricError } from '../../../src/analysis/metric-provider.js';

/** The MetricError a measurement rejected with; fails the test when it resolved or threw something else. */
export async function metricFailure(measuring: Promise<unknown>): Promise<MetricError> {
  const outcome = await measuring.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if (!('error' in outcome)) throw new Error(`expected a MetricError, got the value ${JSON.stringify(outcome.value)}`);
  expect(outcome.error).toBeInstanceOf(MetricError);
  return outcome.error as MetricError;
}
