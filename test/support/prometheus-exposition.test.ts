// Specification of the exposition reader the delivery end-to-end test and the notifications benchmark rely on.
import { describe, expect, it } from 'vitest';
import { bucketsBetween, histogramBuckets, histogramQuantile, seriesOf, seriesSum } from './prometheus-exposition.js';

const TEXT = `# HELP vane_deployments_total Releases finished.
# TYPE vane_deployments_total counter
vane_deployments_total{namespace="shop",rollout="web",outcome="promoted"} 1
vane_deployments_total{namespace="shop",rollout="web",outcome="aborted"} 1
vane_deployments_total{namespace="shop",rollout="api",outcome="promoted"} 4
vane_deployments_total{namespace="other",rollout="a \\"quoted\\" name",outcome="aborted"} 2
# TYPE d histogram
d_bucket{le="0.01",outcome="ok"} 10
d_bucket{le="0.1",outcome="ok"} 90
d_bucket{le="1",outcome="ok"} 100
d_bucket{le="+Inf",outcome="ok"} 100
d_bucket{le="0.01",outcome="error"} 0
d_bucket{le="0.1",outcome="error"} 0
d_bucket{le="1",outcome="error"} 0
d_bucket{le="+Inf",outcome="error"} 4
d_sum{outcome="ok"} 7.5
d_count{outcome="ok"} 100
`;

describe('reading /metrics', () => {
  it('given labels, then only the series carrying all of them are picked, quoted label values unescaped', () => {
    expect(seriesSum(TEXT, 'vane_deployments_total', { namespace: 'shop', rollout: 'web', outcome: 'aborted' })).toBe(1);
    expect(seriesSum(TEXT, 'vane_deployments_total', { namespace: 'shop' })).toBe(6);
    expect(seriesSum(TEXT, 'vane_deployments_total', { namespace: 'nowhere' })).toBe(0);
    expect(seriesOf(TEXT, 'vane_deployments_total', { namespace: 'other' })[0]?.labels['rollout']).toBe('a "quoted" name');
    expect(seriesSum(TEXT, 'd_sum')).toBe(7.5);
  });

  it('given a histogram, then quantiles interpolate inside the bucket as histogram_quantile does, and +Inf answers the highest finite bound', () => {
    const ok = histogramBuckets(TEXT, 'd', { outcome: 'ok' });
    expect(ok).toEqual([{ le: 0.01, count: 10 }, { le: 0.1, count: 90 }, { le: 1, count: 100 }, { le: Number.POSITIVE_INFINITY, count: 100 }]);
    expect(histogramQuantile(0.5, ok)).toBeCloseTo(0.01 + 0.09 * (40 / 80), 10);
    expect(histogramQuantile(0.05, ok)).toBeCloseTo(0.005, 10);
    expect(histogramQuantile(0.99, ok)).toBeCloseTo(0.1 + 0.9 * (9 / 10), 10);
    expect(histogramQuantile(0.5, histogramBuckets(TEXT, 'd', { outcome: 'error' }))).toBe(1);
    expect(histogramQuantile(0.5, [])).toBeNaN();
  });

  it('given two scrapes, then the buckets between them hold only the observations made in between', () => {
    const before = [{ le: 0.01, count: 5 }, { le: 0.1, count: 10 }, { le: Number.POSITIVE_INFINITY, count: 10 }];
    const after = [{ le: 0.01, count: 5 }, { le: 0.1, count: 30 }, { le: Number.POSITIVE_INFINITY, count: 31 }];
    expect(bucketsBetween(before, after)).toEqual([{ le: 0.01, count: 0 }, { le: 0.1, count: 20 }, { le: Number.POSITIVE_INFINITY, count: 21 }]);
  });
});
