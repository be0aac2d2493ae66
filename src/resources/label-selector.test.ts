import { describe, expect, it } from 'vitest';
import { isEmptySelector, selectorMatches, selectorToString } from './label-selector.js';
import type { LabelSelector } from './meta.js';

const mixed: LabelSelector = {
  matchLabels: { tier: 'web', app: 'shop' },
  matchExpressions: [
    { key: 'track', operator: 'In', values: ['stable', 'canary'] },
    { key: 'legacy', operator: 'DoesNotExist' },
    { key: 'env', operator: 'NotIn', values: ['prod', 'dev'] },
    { key: 'owner', operator: 'Exists' },
  ],
};

describe('selectorToString', () => {
  it('given matchLabels and every operator, then it renders the Kubernetes form sorted by key', () => {
    expect(selectorToString(mixed)).toBe('app=shop,env notin (dev,prod),!legacy,owner,tier=web,track in (canary,stable)');
  });

  it('given only matchLabels, then it renders key=value pairs', () => {
    expect(selectorToString({ matchLabels: { app: 'demo' } })).toBe('app=demo');
  });

  it('given an empty selector, then it renders the empty string (selects everything)', () => {
    expect(selectorToString({})).toBe('');
    expect(isEmptySelector({ matchLabels: {}, matchExpressions: [] })).toBe(true);
  });
});

describe('selectorMatches', () => {
  const labels = { app: 'shop', tier: 'web', track: 'canary', owner: 'team-a' };

  it('given labels meeting every requirement, then it matches', () => {
    expect(selectorMatches(mixed, labels)).toBe(true);
  });

  it.each([
    ['a matchLabels value differs', { ...labels, tier: 'db' }],
    ['an In value is absent', { ...labels, track: 'blue' }],
    ['a NotIn value is present', { ...labels, env: 'prod' }],
    ['an Exists key is missing', { app: 'shop', tier: 'web', track: 'canary' }],
    ['a DoesNotExist key is present', { ...labels, legacy: 'yes' }],
  ])('given %s, then it does not match', (_case, candidate) => {
    expect(selectorMatches(mixed, candidate)).toBe(false);
  });
});
