// The moments a release's record collects on the way (steps, pauses for a person, traffic back on stable, the
// progress deadline), as recordMoment effects beside the Events people read.
import { describe, expect, it } from 'vitest';
import { dynamicStableCanary, manualBlueGreen, routedCanary, T0 } from './fixtures/plans.js';
import { RolloutScenario } from './fixtures/rollout-scenario.js';

const iso = (seconds: number): string => new Date(T0 + seconds * 1000).toISOString();

function momentsOf(s: RolloutScenario): unknown[] {
  return s.effectsOf('recordMoment').map((e) => ({ at: e.at, ...e.moment }));
}

describe('the moments of a canary release', () => {
  it('given a new revision, when its steps are entered, then each step is recorded, with no Event of its own, and a pause step as a pause', () => {
    const s = RolloutScenario.of(routedCanary);
    s.at(10).revision('h2');
    expect(momentsOf(s)).toEqual([{ at: iso(10), kind: 'step', index: 0 }]);
    expect(s.effectsOf('emitEvent')).toEqual([]);
    s.at(20).ready('h2');
    expect(momentsOf(s)).toEqual([
      { at: iso(20), kind: 'step', index: 1 },
      { at: iso(20), kind: 'pause', reason: 'CanaryPauseStep', step: 1 },
    ]);
  });

  it('given a person pauses, then a UserPause at the current step is recorded', () => {
    const s = RolloutScenario.of(routedCanary);
    s.at(10).revision('h2');
    s.at(15).command('pause');
    expect(momentsOf(s)).toEqual([{ at: iso(15), kind: 'pause', reason: 'UserPause', step: 0 }]);
  });

  it('given an inconclusive step analysis, then an InconclusiveAnalysis pause is recorded', () => {
    const s = RolloutScenario.of({ ...routedCanary, steps: [routedCanary.steps[3] as (typeof routedCanary.steps)[number]] });
    s.at(10).revision('h2');
    s.at(30).analysis('0', 'Inconclusive');
    expect(momentsOf(s)).toEqual([{ at: iso(30), kind: 'pause', reason: 'InconclusiveAnalysis', step: 0 }]);
  });

  it('given an abort, then traffic back on stable is recorded after the reset, with a TrafficBackOnStable Event', () => {
    const s = RolloutScenario.of(routedCanary);
    s.at(10).revision('h2');
    s.at(40).command('abort');
    const types = s.effects.map((e) => e.type);
    expect(types.indexOf('recordMoment')).toBeGreaterThan(types.indexOf('resetTraffic'));
    expect(momentsOf(s)).toEqual([{ at: iso(40), kind: 'trafficReset' }]);
    expect(s.effectsOf('emitEvent').find((e) => e.reason === 'TrafficBackOnStable')).toMatchObject({ eventType: 'Normal', message: `all traffic is back on stable h1 at ${iso(40)}` });
  });

  it('given dynamicStableScale, when aborted, then traffic back on stable is recorded only in the decision that resets it', () => {
    const s = RolloutScenario.of(dynamicStableCanary);
    s.at(10).revision('h2');
    s.ready('h2');
    s.at(20).command('abort');
    expect(s.effectsOf('recordMoment')).toEqual([]);
    s.at(25).ready('h1');
    expect(momentsOf(s)).toEqual([{ at: iso(25), kind: 'trafficReset' }]);
    expect(s.effectsOf('resetTraffic')).toHaveLength(1);
  });

  it('given no progress, when the deadline passes, then the release is recorded stuck as well as aborted', () => {
    const s = RolloutScenario.of(routedCanary);
    s.at(10).revision('h2');
    s.at(700).tick();
    expect(momentsOf(s)).toContainEqual({ at: iso(700), kind: 'stuck' });
    expect(s.effectsOf('recordRevision')).toContainEqual(expect.objectContaining({ outcome: 'Aborted', verdict: expect.objectContaining({ reason: 'ProgressDeadlineExceeded' }) }));
  });
});

describe('the moments of a blue-green release', () => {
  it('given a manual promotion, when the preview passed its analysis, then a BlueGreenPause is recorded', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    s.at(10).revision('h2');
    s.ready('h2');
    s.at(30).analysis('prePromotion', 'Successful');
    expect(momentsOf(s)).toEqual([{ at: iso(30), kind: 'pause', reason: 'BlueGreenPause' }]);
  });

  it('given an abort, then traffic back on stable is recorded with the abort', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    s.at(10).revision('h2');
    s.at(20).command('abort');
    expect(momentsOf(s)).toEqual([{ at: iso(20), kind: 'trafficReset' }]);
  });
});
