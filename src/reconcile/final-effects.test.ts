import { describe, expect, it } from 'vitest';
import type { Effect } from '../machine/effects.js';
import { finalEffects } from './final-effects.js';

const weight = (w: number): Effect => ({ type: 'setCanaryWeight', weight: w, canaryHash: 'new', stableHash: 'old' });
const scale = (hash: string, replicas: number): Effect => ({ type: 'scaleReplicaSet', hash, replicas });

describe('a pass\'s final effects', () => {
  it('given a pass that crossed steps scaling the canary to 1 then 2, then only the scale to 2 is made', () => {
    expect(finalEffects([scale('new', 1), weight(10), scale('new', 2), weight(20)])).toEqual([scale('new', 2), weight(20)]);
  });

  it('given dynamic stable scale, then stable shrinks after the last weight, not before it', () => {
    const effects = [weight(10), scale('old', 9), scale('new', 2), weight(20), scale('old', 8)];
    expect(finalEffects(effects)).toEqual([scale('new', 2), weight(20), scale('old', 8)]);
  });

  it('given a weight set before the traffic is reset, then both are made, in order', () => {
    const reset: Effect = { type: 'resetTraffic', canaryHash: 'new', stableHash: 'new' };
    expect(finalEffects([weight(100), reset, weight(0)])).toEqual([weight(100), reset, weight(0)]);
  });
});
