// Deterministic AnalysisRun names: the same gate, revision, attempt and round always give the same name.
import { describe, expect, it } from 'vitest';
import { analysisRunName, gateLabel, stepGate } from './analysis-gate.js';

describe('analysis run names', () => {
  it('given a step gate, then the name carries the step as people count it (from 1) and the attempt', () => {
    expect(analysisRunName('6d4f9c', stepGate(2), 1)).toBe('6d4f9c-step-3-1');
    expect(analysisRunName('6d4f9c', stepGate(2), 2)).toBe('6d4f9c-step-3-2');
  });

  it('given named gates, then they become lower-case name segments and later rounds are numbered', () => {
    expect(analysisRunName('abc', 'prePromotion', 1)).toBe('abc-pre-promotion-1');
    expect(analysisRunName('abc', 'postPromotion', 3)).toBe('abc-post-promotion-3');
    expect(analysisRunName('abc', 'background', 1, 1)).toBe('abc-background-1');
    expect(analysisRunName('abc', 'background', 1, 2)).toBe('abc-background-1-2');
  });

  it('given a step gate, then people read it counted from 1', () => {
    expect(gateLabel(stepGate(0))).toBe('step 1');
    expect(gateLabel('prePromotion')).toBe('pre-promotion');
  });
});
