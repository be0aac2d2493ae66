// Specification of the baseline-vs-canary judgement: each classification rule and its edges, then the score.
import { describe, expect, it } from 'vitest';
import type { JudgeMetric, JudgeMetricQuery } from '../../resources/analysis.js';
import { mannWhitneyU } from '../statistics/mann-whitney.js';
import {
  JUDGE_DEFAULTS,
  classifyMetric,
  judgeSamples,
  judgementRules,
  metricRules,
  scoreJudgement,
  type Classification,
  type MetricJudgement,
  type MetricRules,
} from './canary-judgement.js';
import { judgeInSlices } from './sliced-judgement.js';

const ALPHA = 0.05;
/** 30 distinct values, 100..129: a baseline with a median of 114.5. */
const BASELINE = Array.from({ length: 30 }, (_, i) => 100 + i);
const scaled = (xs: readonly number[], factor: number): number[] => xs.map((x) => x * factor);
const repeat = (value: number, n: number): number[] => Array.from({ length: n }, () => value);

function rules(overrides: Partial<JudgeMetricQuery> = {}): MetricRules {
  return metricRules({ name: 'latency', baseline: 'b', canary: 'c', ...overrides });
}

describe('judge defaults', () => {
  it('given a judge metric with only its name and queries, then the documented defaults apply', () => {
    expect(rules()).toEqual({
      name: 'latency',
      group: 'default',
      direction: 'either',
      tolerance: { increase: 0.1, decrease: 0.1 },
      effectSize: 'ratio',
      critical: false,
      minSamples: 10,
      outliers: 'keep',
      nanStrategy: 'remove',
    });
  });

  it('given a judge without thresholds, confidence or groups, then 75/95, alpha 0.05 and weight 1 per group apply', () => {
    const spec: JudgeMetric = { prometheus: { address: 'http://p:9090' }, metrics: [{ name: 'a', baseline: 'x', canary: 'y' }, { name: 'b', group: 'errors', baseline: 'x', canary: 'y' }] };
    const judged = judgementRules(spec);
    expect(judged).toMatchObject({ marginal: 75, pass: 95, weights: { default: 1, errors: 1 } });
    expect(judged.alpha).toBeCloseTo(0.05, 12);
    expect([JUDGE_DEFAULTS.lookback, JUDGE_DEFAULTS.step]).toEqual(['10m', '15s']);
  });

  it('given declared group weights, then each metric group takes its weight and "default" may be weighted too', () => {
    const spec: JudgeMetric = {
      prometheus: { address: 'http://p:9090' },
      confidence: 0.99,
      groups: { latency: 2, default: 3 },
      metrics: [{ name: 'a', group: 'latency', baseline: 'x', canary: 'y' }, { name: 'b', baseline: 'x', canary: 'y' }],
    };
    const judged = judgementRules(spec);
    expect(judged.weights).toEqual({ latency: 2, default: 3 });
    expect(judged.alpha).toBeCloseTo(0.01, 12);
  });
});

describe('classifying one metric', () => {
  it('given both sides drawn alike, then it passes with an effect size of 1 and the medians and counts reported', () => {
    const judged = classifyMetric(rules(), { baseline: BASELINE, canary: [...BASELINE].reverse() }, ALPHA);
    expect(judged).toMatchObject({ classification: 'Pass', effectSize: 1, baselineMedian: 114.5, canaryMedian: 114.5, baselineCount: 30, canaryCount: 30 });
    expect(judged.pValue).toBeGreaterThan(0.5);
    expect(judged.statistic).toBe(450);
  });

  it('given a canary 20% higher and increase is bad, then it is High with the canary\'s U, a small p and a ratio of 1.2', () => {
    const canary = scaled(BASELINE, 1.2);
    const judged = classifyMetric(rules({ direction: 'increase' }), { baseline: BASELINE, canary }, ALPHA);
    const reference = mannWhitneyU(canary, BASELINE, { alternative: 'greater' });
    expect(judged).toMatchObject({ classification: 'High', statistic: reference.statistic, pValue: reference.pValue, method: reference.method });
    expect(judged.pValue).toBeLessThan(ALPHA);
    expect(judged.effectSize).toBeCloseTo(1.2, 12);
    expect(judged.canaryMedian).toBeCloseTo(137.4, 12);
  });

  it('given a canary 20% higher and only a decrease is bad, then it passes (the one-sided test looks the other way)', () => {
    const judged = classifyMetric(rules({ direction: 'decrease' }), { baseline: BASELINE, canary: scaled(BASELINE, 1.2) }, ALPHA);
    expect(judged.classification).toBe('Pass');
    expect(judged.pValue).toBeGreaterThan(0.5);
  });

  it.each<['decrease' | 'either', Classification]>([
    ['decrease', 'Low'],
    ['either', 'Low'],
  ])('given a canary 20%% lower and direction %s, then it is %s', (direction, expected) => {
    const judged = classifyMetric(rules({ direction }), { baseline: BASELINE, canary: scaled(BASELINE, 0.8) }, ALPHA);
    expect(judged.classification).toBe(expected);
    expect(judged.effectSize).toBeCloseTo(0.8, 12);
  });

  it('given a canary 20% lower and only an increase is bad, then it passes', () => {
    expect(classifyMetric(rules({ direction: 'increase' }), { baseline: BASELINE, canary: scaled(BASELINE, 0.8) }, ALPHA).classification).toBe('Pass');
  });

  it('given a significant change within the tolerance, then it passes', () => {
    // Every canary value 8% up: the test sees it (p < alpha), but 8% is within the 10% allowed.
    const judged = classifyMetric(rules({ direction: 'increase' }), { baseline: BASELINE, canary: scaled(BASELINE, 1.08) }, ALPHA);
    expect(judged.pValue).toBeLessThan(ALPHA);
    expect(judged.classification).toBe('Pass');
    const strict = classifyMetric(rules({ direction: 'increase', tolerance: { increase: 0.05 } }), { baseline: BASELINE, canary: scaled(BASELINE, 1.08) }, ALPHA);
    expect(strict.classification).toBe('High');
  });

  it('given a large change the test cannot tell from chance, then it passes', () => {
    // Three samples a side: the smallest two-sided p-value is 0.1, so even a doubling is not significant at 0.05.
    const judged = classifyMetric(rules({ minSamples: 3 }), { baseline: [10, 20, 30], canary: [30, 40, 50] }, ALPHA);
    expect(judged.effectSize).toBeCloseTo(2, 12);
    expect(judged.pValue).toBeGreaterThanOrEqual(ALPHA);
    expect(judged.classification).toBe('Pass');
  });

  it('given alpha just above the p-value, then High; just below it, then Pass (p < alpha is the rule)', () => {
    const canary = scaled(BASELINE, 1.2);
    const { pValue } = mannWhitneyU(canary, BASELINE, { alternative: 'two-sided' });
    expect(classifyMetric(rules(), { baseline: BASELINE, canary }, pValue * 1.01).classification).toBe('High');
    expect(classifyMetric(rules(), { baseline: BASELINE, canary }, pValue).classification).toBe('Pass');
  });

  describe('samples', () => {
    it('given only NaN on the baseline, then it is NoData with no medians of that side, no test, and the reason', () => {
      const judged = classifyMetric(rules(), { baseline: repeat(Number.NaN, 30), canary: BASELINE }, ALPHA);
      expect(judged).toEqual({
        name: 'latency',
        group: 'default',
        critical: false,
        classification: 'NoData',
        statistic: null,
        pValue: null,
        method: null,
        effectSize: null,
        baselineMedian: null,
        canaryMedian: 114.5,
        baselineCount: 0,
        canaryCount: 30,
        message: 'baseline has 0 samples, fewer than minSamples 10',
      });
    });

    it('given NaN and infinities among the samples and nanStrategy remove, then they are dropped before counting', () => {
      const baseline = [...BASELINE, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
      const judged = classifyMetric(rules(), { baseline, canary: BASELINE }, ALPHA);
      expect(judged).toMatchObject({ classification: 'Pass', baselineCount: 30, baselineMedian: 114.5 });
    });

    it('given NaN samples and nanStrategy replaceWithZero, then they count as zeros', () => {
      const baseline = [...repeat(Number.NaN, 20), ...repeat(1, 10)];
      const judged = classifyMetric(rules({ nanStrategy: 'replaceWithZero' }), { baseline, canary: repeat(0, 30) }, ALPHA);
      expect(judged).toMatchObject({ baselineCount: 30, baselineMedian: 0, canaryMedian: 0, effectSize: 1, classification: 'Pass' });
    });

    it('given NaN removal leaves fewer than minSamples on both sides, then the message names both', () => {
      const side = [...repeat(Number.NaN, 20), 1, 2, 3];
      expect(classifyMetric(rules(), { baseline: side, canary: side }, ALPHA).message).toBe('baseline has 3 and canary has 3 samples, fewer than minSamples 10');
    });

    it('given exactly minSamples a side, then it is classified; one fewer on the canary, then NoData', () => {
      const baseline = BASELINE.slice(0, 10);
      expect(classifyMetric(rules(), { baseline, canary: baseline }, ALPHA).classification).toBe('Pass');
      const short = classifyMetric(rules(), { baseline, canary: baseline.slice(0, 9) }, ALPHA);
      expect(short).toMatchObject({ classification: 'NoData', canaryCount: 9, message: 'canary has 9 samples, fewer than minSamples 10' });
    });

    it('given an outlier and outliers remove, then it is left out of the counts and the test; with keep it stays', () => {
      const baseline = [...BASELINE, 100_000];
      const kept = classifyMetric(rules(), { baseline, canary: BASELINE }, ALPHA);
      const removed = classifyMetric(rules({ outliers: 'remove' }), { baseline, canary: BASELINE }, ALPHA);
      expect([kept.baselineCount, removed.baselineCount]).toEqual([31, 30]);
      expect(removed.baselineMedian).toBe(114.5);
    });

    it('given outlier removal takes a side below minSamples, then it is NoData', () => {
      const baseline = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 500];
      const judged = classifyMetric(rules({ outliers: 'remove', minSamples: 11 }), { baseline, canary: repeat(1, 11) }, ALPHA);
      expect(judged).toMatchObject({ classification: 'NoData', baselineCount: 10 });
    });
  });

  describe('ties and zero medians', () => {
    it('given every sample on both sides equal, then it passes (no evidence of a change)', () => {
      const judged = classifyMetric(rules(), { baseline: repeat(5, 20), canary: repeat(5, 20) }, ALPHA);
      expect(judged).toMatchObject({ classification: 'Pass', effectSize: 1, statistic: 200 });
      expect(judged.pValue === null || judged.pValue >= ALPHA).toBe(true);
    });

    it('given each side constant but the canary higher, then it is High (ties within sides, none across)', () => {
      const judged = classifyMetric(rules(), { baseline: repeat(5, 20), canary: repeat(6, 20) }, ALPHA);
      expect(judged).toMatchObject({ classification: 'High', statistic: 400, effectSize: 1.2 });
    });

    it('given heavily tied samples shifted by one step, then the test still finds it', () => {
      const baseline = [...repeat(1, 10), ...repeat(2, 10), ...repeat(3, 10)];
      const canary = baseline.map((x) => x + 1);
      expect(classifyMetric(rules(), { baseline, canary }, ALPHA)).toMatchObject({ classification: 'High', effectSize: 1.5 });
    });

    it('given a zero baseline median and a zero canary median, then the ratio is 1 and it passes', () => {
      const baseline = [...repeat(0, 20), 1];
      expect(classifyMetric(rules(), { baseline, canary: repeat(0, 21) }, ALPHA)).toMatchObject({ classification: 'Pass', effectSize: 1 });
    });

    it('given a zero baseline median and a canary above it, then the change is unbounded: High, effect size null, and said', () => {
      const judged = classifyMetric(rules(), { baseline: repeat(0, 20), canary: repeat(0.5, 20) }, ALPHA);
      expect(judged).toMatchObject({
        classification: 'High',
        effectSize: null,
        baselineMedian: 0,
        canaryMedian: 0.5,
        message: 'the baseline median is 0, so the relative change is unbounded',
      });
    });

    it('given a zero baseline median and a canary below it, then it is Low when a decrease is bad', () => {
      expect(classifyMetric(rules({ direction: 'decrease' }), { baseline: repeat(0, 20), canary: repeat(-1, 20) }, ALPHA).classification).toBe('Low');
    });

    it('given a negative baseline median, then the ratio still reads the canary\'s increase as above 1', () => {
      const baseline = repeat(-10, 20);
      const judged = classifyMetric(rules({ direction: 'increase' }), { baseline, canary: repeat(-5, 20) }, ALPHA);
      expect(judged).toMatchObject({ classification: 'High', effectSize: 1.5 });
    });
  });

  describe('effect size hodgesLehmann', () => {
    it('given a canary shifted up by 20, then the effect is the shift over the baseline median, and it is High', () => {
      const canary = BASELINE.map((x) => x + 20);
      const judged = classifyMetric(rules({ effectSize: 'hodgesLehmann' }), { baseline: BASELINE, canary }, ALPHA);
      expect(judged.classification).toBe('High');
      expect(judged.effectSize).toBeCloseTo(20 / 114.5, 12);
    });

    it('given a shift of 5 (4%), then it is significant but tolerated', () => {
      const canary = BASELINE.map((x) => x + 5);
      const judged = classifyMetric(rules({ effectSize: 'hodgesLehmann', minSamples: 3 }), { baseline: BASELINE, canary }, 0.5);
      expect(judged.pValue).toBeLessThan(0.5);
      expect(judged.effectSize).toBeCloseTo(5 / 114.5, 12);
      expect(judged.classification).toBe('Pass');
    });

    it('given a zero baseline median and a positive shift, then it is unbounded and High', () => {
      const judged = classifyMetric(rules({ effectSize: 'hodgesLehmann' }), { baseline: repeat(0, 15), canary: repeat(2, 15) }, ALPHA);
      expect(judged).toMatchObject({ classification: 'High', effectSize: null });
    });
  });
});

/** A classified metric for the scoring rules; only the fields scoring reads matter. */
function judged(name: string, classification: Classification, extra: Partial<MetricJudgement> = {}): MetricJudgement {
  return {
    name,
    group: 'default',
    classification,
    critical: false,
    statistic: null,
    pValue: null,
    method: null,
    effectSize: null,
    baselineMedian: null,
    canaryMedian: null,
    baselineCount: 0,
    canaryCount: 0,
    ...extra,
  };
}

const scoring = (weights: Record<string, number> = {}): ReturnType<typeof judgementRules> => ({ alpha: ALPHA, marginal: 75, pass: 95, weights, metrics: [] });

describe('scoring the judgement', () => {
  it('given every metric passing, then the score is 100 and the verdict Successful', () => {
    const result = scoreJudgement(scoring(), [judged('a', 'Pass'), judged('b', 'Pass')]);
    expect(result).toMatchObject({ verdict: 'Successful', score: 100, message: 'score 100 reaches pass 95' });
  });

  it('given weighted groups, then the score is the weighted mean of each group\'s pass share', () => {
    const metrics = [judged('p95', 'Pass', { group: 'latency' }), judged('p99', 'High', { group: 'latency' }), judged('5xx', 'Pass', { group: 'errors' })];
    const result = scoreJudgement(scoring({ latency: 2, errors: 1 }), metrics);
    // (2 × 1/2 + 1 × 1/1) / 3 × 100
    expect(result.score).toBeCloseTo(200 / 3, 12);
    expect(result).toMatchObject({ verdict: 'Failed', message: 'score 66.67 is below marginal 75' });
  });

  it('given a score exactly at marginal, then it is Inconclusive; exactly at pass, then Successful', () => {
    const atMarginal = scoreJudgement(scoring(), [judged('a', 'Pass'), judged('b', 'Pass'), judged('c', 'Pass'), judged('d', 'Low')]);
    expect(atMarginal).toMatchObject({ verdict: 'Inconclusive', score: 75, message: 'score 75 is between marginal 75 and pass 95' });
    const atPass = scoreJudgement({ ...scoring(), pass: 75 }, atMarginal.metrics);
    expect(atPass.verdict).toBe('Successful');
  });

  it('given a critical metric High while the score passes, then the judgement fails and names it, keeping the score', () => {
    const metrics = [...Array.from({ length: 19 }, (_, i) => judged(`m${i}`, 'Pass')), judged('latency', 'High', { critical: true })];
    const result = scoreJudgement(scoring(), metrics);
    expect(result).toMatchObject({ verdict: 'Failed', score: 95, message: 'critical "latency" is High' });
  });

  it('given a critical metric that passes, then it counts like any other', () => {
    expect(scoreJudgement(scoring(), [judged('latency', 'Pass', { critical: true })]).verdict).toBe('Successful');
  });

  it('given a metric without data, then the judgement is Inconclusive naming it, scored over the others', () => {
    const result = scoreJudgement(scoring(), [judged('a', 'Pass'), judged('b', 'NoData'), judged('c', 'NoData')]);
    expect(result).toMatchObject({ verdict: 'Inconclusive', score: 100, message: 'no data for "b", "c"' });
  });

  it('given a critical failure and a metric without data, then the critical failure decides: Failed', () => {
    const result = scoreJudgement(scoring(), [judged('a', 'Low', { critical: true }), judged('b', 'NoData')]);
    expect(result.verdict).toBe('Failed');
  });

  it('given no metric with data, then the score is 0 and the verdict Inconclusive', () => {
    expect(scoreJudgement(scoring(), [judged('a', 'NoData')])).toMatchObject({ verdict: 'Inconclusive', score: 0 });
  });

  it('given a group whose metrics all lack data, then its weight leaves the score', () => {
    const metrics = [judged('p95', 'NoData', { group: 'latency' }), judged('5xx', 'High', { group: 'errors' })];
    expect(scoreJudgement(scoring({ latency: 5, errors: 1 }), metrics).score).toBe(0);
  });
});

describe('judging samples end to end (pure)', () => {
  const spec: JudgeMetric = {
    prometheus: { address: 'http://p:9090' },
    groups: { latency: 2, errors: 1 },
    metrics: [
      { name: 'latency-p95', group: 'latency', baseline: 'x', canary: 'y', direction: 'increase' },
      { name: 'error-rate', group: 'errors', baseline: 'x', canary: 'y', direction: 'increase', critical: true },
    ],
  };

  it('given a canary 20% slower with the same errors, then the latency group fails it: score 33.3, Failed', () => {
    const result = judgeSamples(judgementRules(spec), [
      { baseline: BASELINE, canary: scaled(BASELINE, 1.2) },
      { baseline: BASELINE, canary: BASELINE },
    ]);
    expect(result.metrics.map((m) => m.classification)).toEqual(['High', 'Pass']);
    expect(result.score).toBeCloseTo(100 / 3, 12);
    expect(result.verdict).toBe('Failed');
  });

  it('given the sliced judgement, then it equals the one-pass judgement and yields once a slice runs over its budget', async () => {
    const rules_ = judgementRules({ ...spec, metrics: Array.from({ length: 6 }, (_, i) => ({ name: `m${i}`, baseline: 'x', canary: 'y' })) });
    const samples = rules_.metrics.map(() => ({ baseline: BASELINE, canary: scaled(BASELINE, 1.01) }));
    let now = 0;
    let turns = 0;
    // Each clock reading advances 11 ms: every metric runs over the 10 ms budget, so the loop yields after each but the last.
    const sliced = await judgeInSlices(rules_, samples, { clock: () => (now += 11), yieldTurn: async () => void (turns += 1) });
    expect(sliced).toEqual(judgeSamples(rules_, samples));
    expect(turns).toBe(5);
  });

  it('given a fast clock, then the sliced judgement never yields', async () => {
    const rules_ = judgementRules(spec);
    let turns = 0;
    await judgeInSlices(rules_, [{ baseline: BASELINE, canary: BASELINE }, { baseline: BASELINE, canary: BASELINE }], { clock: () => 0, yieldTurn: async () => void (turns += 1) });
    expect(turns).toBe(0);
  });
});
