import { describe, expect, it } from 'vitest';
import { appendWeight, mergeWeights, weightSeries } from './weight-series.js';

describe('the weight chart data', () => {
  it('extends the recorded history with newer live weights that change it, and reaches the present', () => {
    const history = [{ at: '2026-12-07T12:00:00Z', canary: 0 }, { at: '2026-12-07T12:01:00Z', canary: 20 }];
    let live = appendWeight([], '2026-12-07T12:00:30Z', 10);
    live = appendWeight(live, '2026-12-07T12:02:00Z', 20);
    live = appendWeight(live, '2026-12-07T12:03:00Z', 50);
    live = appendWeight(live, '2026-12-07T12:03:30Z', 50);
    const merged = mergeWeights(history, live);
    expect(merged.map((p) => p.canary)).toEqual([0, 20, 50]);
    const [xs, ys] = weightSeries(merged, Date.parse('2026-12-07T12:05:00Z'));
    expect(ys).toEqual([0, 20, 50, 50]);
    expect(xs.at(-1)).toBe(Date.parse('2026-12-07T12:05:00Z') / 1000);
  });
});
