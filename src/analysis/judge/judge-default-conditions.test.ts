// Specification of a judge metric's conditions: without any, its verdict decides; with its own, those decide.
import { describe, expect, it } from 'vitest';
import type { Metric } from '../../resources/analysis.js';
import { JUDGE_DEFAULT_CONDITIONS, compileMetricConditions, judgeMeasurement } from '../measurement-verdict.js';

const judge = { prometheus: { address: 'http://p:9090' }, metrics: [{ name: 'latency', baseline: 'a', canary: 'b' }] };
const judgeMetric = (extra: Partial<Metric> = {}): Metric => ({ name: 'canary-judgement', provider: { judge }, ...extra });
const result = (verdict: string, score: number): object => ({ verdict, score, message: '', metrics: [] });

describe('judge metric conditions', () => {
  it('given a judge metric without conditions, then the defaults are on result.verdict', () => {
    const conditions = compileMetricConditions(judgeMetric());
    expect([conditions.success?.source, conditions.failure?.source]).toEqual([JUDGE_DEFAULT_CONDITIONS.successCondition, JUDGE_DEFAULT_CONDITIONS.failureCondition]);
  });

  it.each([
    ['Successful', 'Successful'],
    ['Failed', 'Failed'],
    ['Inconclusive', 'Inconclusive'],
  ])('given the judgement %s and no conditions, then the measurement is %s', (verdict, phase) => {
    expect(judgeMeasurement(compileMetricConditions(judgeMetric()), result(verdict, 80)).phase).toBe(phase);
  });

  it('given a judge metric with its own successCondition on the score, then it replaces both defaults', () => {
    const conditions = compileMetricConditions(judgeMetric({ successCondition: 'result.score >= 60' }));
    expect(conditions.failure).toBeUndefined();
    expect(judgeMeasurement(conditions, result('Failed', 66.7)).phase).toBe('Successful');
    expect(judgeMeasurement(conditions, result('Failed', 50)).phase).toBe('Failed');
  });

  it('given a prometheus metric without conditions, then it gets no judge defaults', () => {
    const conditions = compileMetricConditions({ name: 'errors', provider: { prometheus: { address: 'http://p:9090', query: 'up' } } });
    expect([conditions.success, conditions.failure]).toEqual([undefined, undefined]);
  });
});
