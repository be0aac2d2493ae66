// Specification of reading a judge measurement's value back: a judgement, or nothing for any other value.
import { describe, expect, it } from 'vitest';
import { readJudgement } from './judgement-text.js';

const judgement = { verdict: 'Successful', score: 100, message: 'score 100 reaches pass 95', metrics: [{ name: 'latency', classification: 'Pass' }] };

describe('readJudgement', () => {
  it('given the JSON the judge stores, then it reads back as the judgement', () => {
    expect(readJudgement(JSON.stringify(judgement))).toEqual(judgement);
  });

  it.each([
    ['a Prometheus vector', '[0.002]'],
    ['a web answer that is an object', '{"errorRate":0.01}'],
    ['an unknown verdict', JSON.stringify({ ...judgement, verdict: 'Maybe' })],
    ['an unknown classification', JSON.stringify({ ...judgement, metrics: [{ name: 'latency', classification: 'Meh' }] })],
    ['JSON cut short', JSON.stringify(judgement).slice(0, 40)],
    ['no value', undefined],
  ])('given %s, then it is not a judgement', (_name, text) => {
    expect(readJudgement(text)).toBeUndefined();
  });
});
