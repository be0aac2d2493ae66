// The public decision API: persisted state shape, determinism, unreadable states and a change of strategy.
import { describe, expect, it } from 'vitest';
import { TerminalError } from '../errors.js';
import type { RolloutStatus } from '../resources/rollout.js';
import { manualBlueGreen, routedCanary, T0 } from './fixtures/plans.js';
import { RolloutScenario } from './fixtures/rollout-scenario.js';
import { decide, initialState, MACHINE_STATE_VERSION, parsePersistedMachineState, viewOf, type PersistedMachineState } from './rollout-machine.js';
import type { RolloutEvent } from './rollout-event.js';

describe('persisted machine state', () => {
  it('given a first sight of a Rollout, then the state names its machine and layout version and fits status.machine', () => {
    const { state } = initialState(routedCanary, 'h1', T0);
    const stored: RolloutStatus['machine'] = state;
    expect(stored).toMatchObject({ machine: 'canary', version: MACHINE_STATE_VERSION, snapshot: { value: { adopting: 'waiting' } } });
    expect(JSON.parse(JSON.stringify(state))).toEqual(state);
  });

  it('given any decision, then its view is exactly viewOf(its state)', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    s.revision('h2');
    s.ready('h2');
    expect(viewOf(s.decision.state)).toEqual(s.view);
  });

  it('given a state written by a newer controller, when decided on, then a TerminalError says which version it cannot read', () => {
    const { state } = initialState(routedCanary, 'h1', T0);
    const newer = { ...state, version: MACHINE_STATE_VERSION + 1 };
    expect(() => decide(newer, { type: 'tick', now: T0 })).toThrow(TerminalError);
    expect(() => decide(newer, { type: 'tick', now: T0 })).toThrow(/layout version 2; this controller reads version 1/);
  });

  it('given garbage in status.machine, when parsed, then it is rejected with a non-retryable error', () => {
    const cases: unknown[] = [null, 'canary', { machine: 'rolling', version: 1, snapshot: {} }, { machine: 'canary', version: 1 }];
    for (const value of cases) {
      let caught: unknown;
      try {
        parsePersistedMachineState(value);
      } catch (err) {
        caught = err;
      }
      expect(caught).toBeInstanceOf(TerminalError);
      expect((caught as TerminalError).retryable).toBe(false);
    }
  });

  it('given a snapshot whose state does not exist in the machine, when restored, then it is a TerminalError, not a crash', () => {
    const { state } = initialState(routedCanary, 'h1', T0);
    const broken: PersistedMachineState = { ...state, snapshot: { ...state.snapshot, value: 'teleporting' } };
    expect(() => viewOf(broken)).toThrow(/state "teleporting" does not fit the canary machine/);
  });
});

describe('determinism', () => {
  it('given the same persisted state and event, when decided twice from fresh JSON copies, then the outputs are byte-identical', () => {
    const s = RolloutScenario.of(routedCanary);
    s.revision('h2');
    s.ready('h2');
    const events: RolloutEvent[] = [
      { type: 'command', action: 'abort', id: 'c1', actor: 'bob', now: T0 + 5000 },
      { type: 'command', action: 'promote', id: 'c2', actor: 'bob', now: T0 + 5000 },
      { type: 'tick', now: T0 + 5000 },
    ];
    for (const event of events) {
      const first = JSON.stringify(decide(JSON.parse(JSON.stringify(s.decision.state)) as PersistedMachineState, event));
      const second = JSON.stringify(decide(JSON.parse(JSON.stringify(s.decision.state)) as PersistedMachineState, event));
      expect(second).toBe(first);
    }
  });

  it('given a pass that crashed after its effects, when replayed from the same state and event, then the same effects come again', () => {
    const s = RolloutScenario.of(routedCanary);
    s.revision('h2');
    const before = s.decision.state;
    const event: RolloutEvent = { type: 'replicasReady', hash: 'h2', now: T0 + 1 };
    expect(decide(before, event).effects).toEqual(decide(before, event).effects);
    expect(decide(before, event).effects).toEqual([
      { type: 'setCanaryWeight', weight: 20, canaryHash: 'h2', stableHash: 'h1' },
      { type: 'recordMoment', hash: 'h2', attempt: 1, at: new Date(T0 + 1).toISOString(), moment: { kind: 'step', index: 1 } },
      expect.objectContaining({ type: 'recordMoment', moment: expect.objectContaining({ kind: 'pause' }) }),
      expect.objectContaining({ type: 'emitEvent', reason: 'RolloutPaused' }),
    ]);
  });

  it('given an event that does not apply, then handled is false and the state is returned unchanged', () => {
    const { state } = RolloutScenario.of(routedCanary).decision;
    const d = decide(state, { type: 'replicasReady', hash: 'h1', now: T0 + 1 });
    expect(d.handled).toBe(false);
    expect(d.effects).toEqual([]);
    expect(d.state).toEqual(state);
  });
});

describe('a change of strategy', () => {
  it('given a canary in flight, when the spec switches to blue-green, then stable is adopted by the blue-green machine and the canary is stopped', () => {
    const s = RolloutScenario.of(routedCanary);
    s.revision('h2');
    s.ready('h2');
    s.ready('h2');
    s.send({ type: 'spec', plan: manualBlueGreen });
    expect(s.decision.handled).toBe(true);
    expect(s.decision.state.machine).toBe('blueGreen');
    expect(s.view).toMatchObject({ strategy: 'blueGreen', phase: 'Healthy', stableHash: 'h1', activeHash: 'h1' });
    expect(s.effects.slice(0, 3)).toEqual([
      { type: 'scaleReplicaSet', hash: 'h1', replicas: 3 },
      { type: 'switchActiveService', hash: 'h1' },
      { type: 'setPreviewService', hash: 'h1' },
    ]);
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h2', replicas: 0 });
    s.revision('h2');
    expect(s.view).toMatchObject({ phase: 'Progressing', previewHash: 'h2' });
  });

  it('given a released blue-green whose previous revision waits for its scale-down, when the spec switches to canary, then the previous revision goes', () => {
    const s = RolloutScenario.of(manualBlueGreen);
    s.revision('h2');
    s.ready('h2');
    s.analysis('prePromotion', 'Successful');
    s.command('promote');
    s.ready('h2');
    s.analysis('postPromotion', 'Successful');
    expect(s.view).toMatchObject({ phase: 'Healthy', stableHash: 'h2', previous: { hash: 'h1' } });
    s.send({ type: 'spec', plan: routedCanary });
    expect(s.view).toMatchObject({ strategy: 'canary', phase: 'Healthy', stableHash: 'h2' });
    expect(s.effectsOf('scaleReplicaSet')).toContainEqual({ type: 'scaleReplicaSet', hash: 'h1', replicas: 0 });
  });
});
