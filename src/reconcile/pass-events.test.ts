import { describe, expect, it } from 'vitest';
import type { Effect } from '../machine/effects.js';
import { foldStepEvents } from './pass-events.js';

const event = (reason: string, message: string, eventType: 'Normal' | 'Warning' = 'Normal'): Effect => ({ type: 'emitEvent', key: `${reason}/h2/1/${message}`, eventType, reason, message });
const step = (index: number): Effect => event('RolloutStepStarted', `step ${index}/4 started`);
const scale: Effect = { type: 'scaleReplicaSet', hash: 'h2', replicas: 1 };

describe('foldStepEvents: one progress Event per pass', () => {
  it('given one step started and nothing else to say, then its Event stays as it is', () => {
    const effects = [scale, step(2)];
    expect(foldStepEvents(effects)).toEqual(effects);
  });

  it('given a pass that crossed steps 3 and 4, then one Event, the last step\'s, names both', () => {
    expect(foldStepEvents([step(3), scale, step(4)])).toEqual([scale, { ...step(4), message: 'step 3/4 started; step 4/4 started' }]);
  });

  it('given a release started with its first step, then the RolloutStarted Event carries the step, in its place', () => {
    const started = event('RolloutStarted', 'rolling out h2 over 4 step(s), attempt 1; stable is h1');
    expect(foldStepEvents([started, scale, step(1)])).toEqual([{ ...started, message: 'rolling out h2 over 4 step(s), attempt 1; stable is h1; step 1/4 started' }, scale]);
  });

  it('given a Warning in the same pass, then it stays its own Event and the steps fold into each other, not into it', () => {
    const aborted = event('RolloutAborted', 'analysis failed', 'Warning');
    expect(foldStepEvents([step(1), aborted, step(2)])).toEqual([aborted, { ...step(2), message: 'step 1/4 started; step 2/4 started' }]);
  });

  it('given a pause Event that already names the step it stops at, then only the steps it does not name are added', () => {
    const paused = event('RolloutPaused', 'paused at step 4/4: waiting for promote or resume');
    expect(foldStepEvents([step(3), step(4), paused])).toEqual([{ ...paused, message: 'paused at step 4/4: waiting for promote or resume; step 3/4 started' }]);
  });
});
