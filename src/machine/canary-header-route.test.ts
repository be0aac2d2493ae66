// Scenarios for setHeaderRoute steps: set and removed at once, tracked in context, cleaned up on every way out.
import { describe, expect, it } from 'vitest';
import type { Effect } from './effects.js';
import { headerRoutedCanary, instantBlueGreen } from './fixtures/plans.js';
import { RolloutScenario } from './fixtures/rollout-scenario.js';
import { decide, type PersistedMachineState } from './rollout-machine.js';
import type { RolloutEvent } from './rollout-event.js';

const TESTERS: Effect = {
  type: 'setHeaderRoute',
  name: 'testers',
  match: [{ headerName: 'x-canary', headerValue: { exact: 'yes' } }],
  canaryHash: 'h2',
  stableHash: 'h1',
};
const BETA: Effect = { ...TESTERS, name: 'beta', match: [{ headerName: 'x-beta', headerValue: { prefix: 'team.' } }] };

/** Header and traffic effects of the last decision, in order: what the routers are asked to do. */
function routing(s: RolloutScenario): Effect[] {
  return s.effects.filter((e) => ['setCanaryWeight', 'resetTraffic', 'setHeaderRoute', 'removeHeaderRoute'].includes(e.type));
}

/** Revision h2 of the header-routed canary, waiting for the pods of its first step (setWeight 20). */
function atFirstWeight(): RolloutScenario {
  const s = RolloutScenario.of(headerRoutedCanary);
  s.at(10).revision('h2');
  return s;
}

/** At the pause (step 2), with the `testers` header route set. */
function atPause(): RolloutScenario {
  const s = atFirstWeight();
  s.at(20).ready('h2');
  return s;
}

/** Waiting for the pods of setWeight 50 (step 5), with `testers` removed and `beta` set. */
function atSecondWeight(): RolloutScenario {
  const s = atPause();
  s.at(30).command('promote');
  return s;
}

describe('canary: a setHeaderRoute step', () => {
  it('given a canary whose next step is setHeaderRoute, when the weight step before it completes, then the route is set in the same decision and the rollout rests at the pause after it', () => {
    const s = atFirstWeight();
    expect(s.view.headerRoutes).toEqual([]);

    s.at(20).ready('h2');

    expect(routing(s)).toEqual([{ type: 'setCanaryWeight', weight: 20, canaryHash: 'h2', stableHash: 'h1' }, TESTERS]);
    expect(s.view).toMatchObject({ currentStepIndex: 2, phase: 'Paused', headerRoutes: ['testers'], canaryWeight: 20 });
    expect(s.view.message).toContain('header routes testers');
  });

  it('given a canary at a pause with a header route, when promoted, then a step without match removes it, the next sets another, and the rollout waits for the next weight', () => {
    const s = atSecondWeight();
    expect(routing(s)).toEqual([{ type: 'removeHeaderRoute', name: 'testers' }, BETA]);
    expect(s.view).toMatchObject({ currentStepIndex: 5, headerRoutes: ['beta'] });
    expect(s.view.state).toContain('settingWeight');
  });

  it('given a canary at a setHeaderRoute step, when the pass is replayed from the same stored state, then it decides the same, and the observation a second time sets nothing', () => {
    const s = atFirstWeight();
    const stored = structuredClone(s.decision.state);
    const event: RolloutEvent = { type: 'replicasReady', hash: 'h2', now: s.now };

    const first = decide(stored, event);
    const replayed = decide(structuredClone(stored), event);
    expect(replayed).toEqual(first);
    expect(first.effects).toContainEqual(TESTERS);

    const again = decide(first.state, event);
    expect(again.handled).toBe(false);
    expect(again.effects).toEqual([]);
    expect(again.view.headerRoutes).toEqual(['testers']);
  });
});

describe('canary: header routes are removed on every way out', () => {
  it('given a header route set, when aborted, then the same decision resets traffic and removes the route before any pod goes', () => {
    const s = atPause();
    s.at(40).command('abort');
    expect(s.view).toMatchObject({ phase: 'Degraded', headerRoutes: [] });
    expect(s.effects.slice(0, 2)).toEqual([
      { type: 'resetTraffic', canaryHash: 'h2', stableHash: 'h1' },
      { type: 'removeHeaderRoute', name: 'testers' },
    ]);
  });

  it('given a header route set at the last steps, when the rollout completes, then the promotion removes it once all traffic is on the canary', () => {
    const s = atSecondWeight();
    s.at(40).ready('h2');
    expect(s.view.state).toContain('fullyScaling');
    expect(routing(s)).toEqual([{ type: 'setCanaryWeight', weight: 50, canaryHash: 'h2', stableHash: 'h1' }]);

    s.at(50).ready('h2');

    expect(s.view).toMatchObject({ phase: 'Healthy', stableHash: 'h2', headerRoutes: [] });
    expect(routing(s)).toEqual([
      { type: 'setCanaryWeight', weight: 100, canaryHash: 'h2', stableHash: 'h1' },
      { type: 'removeHeaderRoute', name: 'beta' },
      { type: 'resetTraffic', canaryHash: 'h2', stableHash: 'h2' },
    ]);
    const order = s.effects.map((e) => e.type);
    expect(order.indexOf('removeHeaderRoute')).toBeLessThan(order.indexOf('setStableService'));
  });

  it('given a header route set, when promote-full skips the rest, then the route stays until the promotion removes it', () => {
    const s = atPause();
    s.at(30).command('promote-full');
    expect(routing(s)).toEqual([]);
    expect(s.view.headerRoutes).toEqual(['testers']);
    s.at(40).ready('h2');
    expect(s.view.phase).toBe('Healthy');
    expect(s.effectsOf('removeHeaderRoute')).toEqual([{ type: 'removeHeaderRoute', name: 'testers' }]);
  });

  it('given a header route set, when a newer revision supersedes the canary, then the route is removed and the new revision starts without one', () => {
    const s = atPause();
    s.at(40).revision('h3');
    expect(s.effects.slice(0, 2)).toEqual([
      { type: 'resetTraffic', canaryHash: 'h2', stableHash: 'h1' },
      { type: 'removeHeaderRoute', name: 'testers' },
    ]);
    expect(s.view).toMatchObject({ canaryHash: 'h3', currentStepIndex: 0, headerRoutes: [] });

    s.at(50).ready('h3');
    expect(s.effectsOf('setHeaderRoute')).toEqual([{ ...TESTERS, canaryHash: 'h3' }]);
  });

  it('given a header route set, when the spec goes back to the stable template, then the route is removed', () => {
    const s = atPause();
    s.at(40).revision('h1');
    expect(s.view).toMatchObject({ phase: 'Healthy', headerRoutes: [] });
    expect(s.effectsOf('removeHeaderRoute')).toEqual([{ type: 'removeHeaderRoute', name: 'testers' }]);
  });

  it('given an aborted canary, when retried, then nothing is removed twice and the step sets the route again for the new attempt', () => {
    const s = atPause();
    s.at(40).command('abort');
    s.at(50).command('retry');
    expect(s.effectsOf('removeHeaderRoute')).toEqual([]);
    s.at(60).ready('h2');
    expect(s.effectsOf('setHeaderRoute')).toEqual([TESTERS]);
    expect(s.view).toMatchObject({ attempt: 2, headerRoutes: ['testers'] });
  });

  it('given a header route set, when the spec switches to blue-green, then the canary machine’s route is removed', () => {
    const s = atPause();
    s.at(40).send({ type: 'spec', plan: instantBlueGreen });
    expect(s.view.strategy).toBe('blueGreen');
    expect(s.effectsOf('removeHeaderRoute')).toEqual([{ type: 'removeHeaderRoute', name: 'testers' }]);
  });
});

describe('canary: states stored before header routes existed', () => {
  /** The state as a controller without header routes wrote it: the same layout version, no `headerRoutes`. */
  function withoutHeaderRoutes(state: PersistedMachineState): PersistedMachineState {
    const old = structuredClone(state);
    delete (old.snapshot.context as Record<string, unknown>).headerRoutes;
    return old;
  }

  it('given a canary in flight stored without headerRoutes, when the upgraded controller decides, then it reads as none and walks into the header route step', () => {
    const s = atFirstWeight();
    const old = withoutHeaderRoutes(s.decision.state);
    expect(old.snapshot.context).not.toHaveProperty('headerRoutes');

    const next = decide(old, { type: 'replicasReady', hash: 'h2', now: s.now });

    expect(next.handled).toBe(true);
    expect(next.effects).toContainEqual(TESTERS);
    expect(next.view.headerRoutes).toEqual(['testers']);
  });

  it('given a paused canary stored without headerRoutes, when aborted, then it aborts and removes nothing it does not know of', () => {
    const s = atFirstWeight();
    s.at(20).ready('h2');
    const old = withoutHeaderRoutes(s.decision.state);
    const aborted = decide(old, { type: 'command', action: 'abort', id: 'c-1', actor: 'alice', now: s.now });
    expect(aborted.view).toMatchObject({ phase: 'Degraded', headerRoutes: [] });
    expect(aborted.effects.filter((e) => e.type === 'removeHeaderRoute')).toEqual([]);
  });
});
