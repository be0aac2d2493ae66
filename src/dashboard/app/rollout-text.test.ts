import { describe, expect, it } from 'vitest';
import { imagesText, stepText, verdictText, waitText, weightText } from './rollout-text.js';
import { commandRequest } from './rollout-commands.js';

describe('a rollout in short texts', () => {
  it('counts the current step from one, and shows a dash without steps or before the first', () => {
    expect(stepText({ currentStepIndex: 1, stepCount: 4 })).toBe('2/4');
    expect(stepText({ currentStepIndex: 4, stepCount: 4 })).toBe('4/4');
    expect(stepText({ stepCount: 4 })).toBe('—');
    expect(stepText({ currentStepIndex: 0, stepCount: 0 })).toBe('—');
  });

  it('shows the canary weight in percent', () => {
    expect(weightText({ weights: { canary: 20, stable: 80 } })).toBe('20%');
    expect(weightText({})).toBe('—');
  });

  it('shows "stable → canary" while the images differ, and the one image when they do not', () => {
    expect(imagesText({ images: ['shop:2'], stableImages: ['shop:1'] })).toBe('shop:1 → shop:2');
    expect(imagesText({ images: ['shop:2'], stableImages: ['shop:2'] })).toBe('shop:2');
    expect(imagesText({ images: ['shop:2', 'proxy:1'] })).toBe('shop:2, proxy:1');
  });

  it('counts down a timed pause and shows other waits as the API words them', () => {
    const now = Date.parse('2026-12-07T12:00:00Z');
    expect(waitText({ kind: 'pause', description: 'pause 2m', until: '2026-12-07T12:01:30Z' }, now)).toBe('pause 2m — 1m30s left');
    expect(waitText({ kind: 'promotion', description: 'waiting for a promote' }, now)).toBe('waiting for a promote');
  });

  it('names the verdict of a release with the metric that failed it', () => {
    expect(verdictText({ verdict: { at: 'x', by: 'controller', reason: 'AnalysisFailed', metric: { name: 'error-rate', value: '[0.2]', analysisRun: 'r' } } })).toBe('AnalysisFailed by controller: error-rate = [0.2]');
    expect(verdictText({ verdict: { at: 'x', by: 'alice', reason: 'UserPromote' } })).toBe('UserPromote by alice');
    expect(verdictText({})).toBe('—');
  });
});

describe('a command as a request', () => {
  it('is promote with {"full": true} for promote-full, and abort carries a trimmed reason when one is given', () => {
    expect(commandRequest('shop', 'cart', 'promote-full')).toEqual({ path: '/api/v1/namespaces/shop/rollouts/cart/promote', body: { full: true } });
    expect(commandRequest('shop', 'cart', 'abort', '  bad latency ')).toEqual({ path: '/api/v1/namespaces/shop/rollouts/cart/abort', body: { reason: 'bad latency' } });
    expect(commandRequest('shop', 'cart', 'abort', '   ')).toEqual({ path: '/api/v1/namespaces/shop/rollouts/cart/abort', body: undefined });
    expect(commandRequest('a b', 'c/d', 'resume').path).toBe('/api/v1/namespaces/a%20b/rollouts/c%2Fd/resume');
  });
});
