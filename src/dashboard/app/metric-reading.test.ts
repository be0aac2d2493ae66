import { describe, expect, it } from 'vitest';
import type { Measurement } from './api-types.js';
import { conditionField, latestValueText, measurementNumber, measurementSeries, thresholdLabel, thresholdMeaning } from './metric-reading.js';

function measurement(finishedAt: string, value?: string): Measurement {
  return { phase: 'Successful', startedAt: finishedAt, finishedAt, ...(value !== undefined ? { value } : {}) };
}

describe('a measurement value', () => {
  it('reads the number of a scalar or the first number of a JSON vector', () => {
    expect(measurementNumber('0.2')).toBe(0.2);
    expect(measurementNumber('[0.2]')).toBe(0.2);
    expect(measurementNumber('[0.05, 0.9]')).toBe(0.05);
    expect(measurementNumber('["0.3"]')).toBe(0.3);
    expect(measurementNumber(' 7 ')).toBe(7);
  });

  it('reads the field a condition names from an object result, as a web provider returns it', () => {
    expect(conditionField('result.errorRate < 0.05')).toBe('errorRate');
    expect(conditionField('result[0]["p99"] <= 300')).toBe('p99');
    expect(conditionField('result[0] < 0.01')).toBeUndefined();
    expect(measurementNumber('{"errorRate":0.2,"requests":500}', 'errorRate')).toBe(0.2);
    expect(measurementNumber('[{"errorRate":0.2}]', 'errorRate')).toBe(0.2);
    expect(measurementNumber('{"errorRate":0.2,"requests":500}')).toBeUndefined();
    expect(measurementNumber('0.4', 'errorRate')).toBe(0.4);
    expect(latestValueText(measurement('2026-12-07T12:00:00Z', '{"errorRate":0.2,"requests":500}'), 'errorRate')).toBe('0.2');
  });

  it('has no number when the text holds none', () => {
    expect(measurementNumber(undefined)).toBeUndefined();
    expect(measurementNumber('')).toBeUndefined();
    expect(measurementNumber('[]')).toBeUndefined();
    expect(measurementNumber('timeout')).toBeUndefined();
    expect(measurementNumber('[null, "x"]')).toBeUndefined();
  });

  it('shows the latest number rounded to four significant digits, or the raw text, or the phase', () => {
    expect(latestValueText(measurement('2026-12-07T12:00:00Z', '[0.123456]'))).toBe('0.1235');
    expect(latestValueText(measurement('2026-12-07T12:00:00Z', 'n/a'))).toBe('n/a');
    expect(latestValueText({ phase: 'Running', startedAt: '2026-12-07T12:00:00Z' })).toBe('Running');
    expect(latestValueText(undefined)).toBe('—');
  });
});

describe('a metric threshold', () => {
  it('reads as the comparison its condition makes, and says whether it passes or fails the metric', () => {
    expect(thresholdLabel({ condition: 'success', operator: '<', value: 0.01 })).toBe('< 0.01');
    expect(thresholdMeaning({ condition: 'success', operator: '<', value: 0.01 })).toBe('passes when');
    expect(thresholdMeaning({ condition: 'failure', operator: '>=', value: 5 })).toBe('fails when');
  });
});

describe('the measurement chart series', () => {
  it('puts measurements in time order in seconds, with a gap for one without a number and the threshold beside each', () => {
    const series = measurementSeries(
      [measurement('2026-12-07T12:00:20Z', '[0.3]'), measurement('2026-12-07T12:00:00Z', '0.1'), measurement('2026-12-07T12:00:10Z', 'error')],
      { condition: 'success', operator: '<', value: 0.25 },
    );
    const t0 = Date.parse('2026-12-07T12:00:00Z') / 1000;
    expect(series).toEqual([
      [t0, t0 + 10, t0 + 20],
      [0.1, null, 0.3],
      [0.25, 0.25, 0.25],
    ]);
  });

  it('has an empty threshold line when the condition compares with no number', () => {
    const series = measurementSeries([measurement('2026-12-07T12:00:00Z', '1')], undefined);
    expect(series[2]).toEqual([null]);
  });
});
