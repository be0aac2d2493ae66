// decide() runs the machines through one shared inert actor scope: every step must match xstate's own transition.
import { describe, expect, it } from 'vitest';
import { transition, type AnyMachineSnapshot } from 'xstate';
import { candidateEvents, modelFor, movingEvents, reachableStates, type GraphModel } from './fixtures/machine-graph.js';
import { manualBlueGreen, routedCanary } from './fixtures/plans.js';
import type { Effect } from './effects.js';
import type { RolloutEvent } from './rollout-event.js';
import { decide, MACHINE_STATE_VERSION, type PersistedMachineState } from './rollout-machine.js';

const MODELS = [modelFor(routedCanary, 'routed canary'), modelFor(manualBlueGreen, 'manual blue-green with analysis')];

function persisted(model: GraphModel, snapshot: AnyMachineSnapshot): PersistedMachineState {
  const stored = JSON.parse(JSON.stringify(model.machine.getPersistedSnapshot(snapshot))) as Record<string, unknown>;
  return { machine: model.plan.strategy, version: MACHINE_STATE_VERSION, snapshot: stored };
}

/** What xstate's own transition makes of the same stored state and event: the stored next state and the effects. */
function reference(model: GraphModel, state: PersistedMachineState, event: RolloutEvent): string {
  const { value, context } = state.snapshot as { value: never; context: never };
  const [next, actions] = transition(model.machine, model.machine.resolveState({ value, context }), event);
  const effects = (actions as Array<{ type: string; params?: unknown }>).filter((a) => a.type === 'effects').flatMap((a) => (a.params as { list: Effect[] }).list);
  return JSON.stringify({ snapshot: model.machine.getPersistedSnapshot(next), effects });
}

describe.each(MODELS)('decide over every reachable state of the $name', (model) => {
  it('given a stored state and an event that moves it, then decide stores and returns what xstate\'s transition does, call after call', { timeout: 120_000 }, () => {
    const differences: string[] = [];
    let compared = 0;
    for (const original of reachableStates(model)) {
      const state = persisted(model, original);
      const ctx = original.context as never;
      const events = [...movingEvents(model, original), ...candidateEvents(ctx, model.view(original.value, ctx)).map((c) => c.event)];
      for (const event of events) {
        const decided = decide(state, event);
        if (!decided.handled) continue;
        compared += 1;
        const ours = JSON.stringify({ snapshot: decided.state.snapshot, effects: decided.effects.filter((e) => e.type !== 'ackCommand') });
        if (ours !== reference(model, state, event)) differences.push(`${JSON.stringify(original.value)} then ${event.type}`);
      }
    }
    expect(compared).toBeGreaterThan(10);
    expect(differences).toEqual([]);
  });
});
