import { describe, expect, it } from 'vitest';
import { JUDGEMENT_COLUMNS, judgementCells } from './judgement-cells.js';

describe("a row of the judge's reasoning", () => {
  it('shows the classification, the test and the effect with four significant digits, one cell per column', () => {
    const cells = judgementCells({
      name: 'latency',
      group: 'latency',
      classification: 'High',
      critical: true,
      statistic: 12_000.5,
      pValue: 8.123456e-27,
      method: 'asymptotic',
      effectSize: 1.18512,
      baselineMedian: 0.20451,
      canaryMedian: 0.24249,
      baselineCount: 121,
      canaryCount: 121,
    });
    expect(cells).toEqual(['latency', 'latency', 'High (critical)', '8.123e-27', '1.185', '0.2045 → 0.2425', '121 / 121']);
    expect(cells).toHaveLength(JUDGEMENT_COLUMNS.length);
  });

  it('says what could not be computed, and why', () => {
    const cells = judgementCells({ name: 'errors', group: 'default', classification: 'NoData', critical: false, statistic: null, pValue: null, method: null, effectSize: null, baselineMedian: null, canaryMedian: 0.01, baselineCount: 4, canaryCount: 30, message: 'baseline has 4 samples, fewer than 10' });
    expect(cells.slice(2)).toEqual(['NoData', '-', '-', '- → 0.01', '4 / 30 — baseline has 4 samples, fewer than 10']);
  });
});
