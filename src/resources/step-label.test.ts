import { describe, expect, it } from 'vitest';
import { gateLabel, isStepGate, stepColumn, stepLabel } from './step-label.js';

describe('counting steps for people', () => {
  it('given the zero-based index 3 of 5 steps, then people read step 4/5', () => {
    expect(stepLabel(3, 5)).toBe('step 4/5');
    expect(stepColumn(3, 5)).toBe('4/5');
  });

  it('given the first and the last index, then they read 1/N and N/N', () => {
    expect(stepLabel(0, 5)).toBe('step 1/5');
    expect(stepLabel(4, 5)).toBe('step 5/5');
  });

  it('given an index past the last step, then every step is done rather than a step N+1', () => {
    expect(stepLabel(5, 5)).toBe('all 5 steps done');
    expect(stepColumn(5, 5)).toBe('done');
  });

  it('given no index or no steps, then the column shows a dash', () => {
    expect(stepColumn(undefined, 5)).toBe('-');
    expect(stepColumn(0, 0)).toBe('-');
  });

  it('given the gate of the step at index 2, then people read step 3; named gates keep their names', () => {
    expect(isStepGate('2')).toBe(true);
    expect(gateLabel('2')).toBe('step 3');
    expect(isStepGate('background')).toBe(false);
    expect(gateLabel('background')).toBe('background');
    expect(gateLabel('prePromotion')).toBe('pre-promotion');
    expect(gateLabel('postPromotion')).toBe('post-promotion');
  });
});
