// Persistence: a snapshot of every reachable state survives JSON and resolveState and then behaves as the original.
import { describe, expect, it } from 'vitest';
import { transition, type AnyMachineSnapshot } from 'xstate';
import { candidateEvents, modelFor, movingEvents, reachableStates, type GraphModel } from './fixtures/machine-graph.js';
import { backgroundCanary, headerRoutedCanary, manualBlueGreen, ratioCanary, routedCanary, timedBlueGreen } from './fixtures/plans.js';
import type { RolloutEvent } from './rollout-event.js';

const MODELS = [
  modelFor(routedCanary, 'routed canary'),
  modelFor(backgroundCanary, 'canary with background analysis'),
  modelFor(ratioCanary, 'replica-ratio canary'),
  modelFor(headerRoutedCanary, 'canary with header routes'),
  modelFor(manualBlueGreen, 'manual blue-green with analysis'),
  modelFor(timedBlueGreen, 'timed blue-green'),
];

/** What an observer can see of one step: the next persisted snapshot and the actions with their params. */
function outcome(model: GraphModel, snapshot: AnyMachineSnapshot, event: RolloutEvent): { json: string; next: AnyMachineSnapshot } {
  const [next, actions] = transition(model.machine, snapshot, event);
  const seen = { snapshot: model.machine.getPersistedSnapshot(next), actions: actions.map((a) => ({ type: a.type, params: a.params })) };
  return { json: JSON.stringify(seen), next };
}

function throughJson(model: GraphModel, snapshot: AnyMachineSnapshot): AnyMachineSnapshot {
  const stored = JSON.parse(JSON.stringify(model.machine.getPersistedSnapshot(snapshot))) as { value: never; context: never };
  return model.machine.resolveState({ value: stored.value, context: stored.context });
}

function candidates(model: GraphModel, snapshot: AnyMachineSnapshot): RolloutEvent[] {
  return candidateEvents(snapshot.context as never, model.view(snapshot.value, snapshot.context as never)).map((c) => c.event);
}

describe.each(MODELS)('round trip of every reachable state of the $name', (model) => {
  // Exhaustive: seconds on a shared machine; the timeout guards against hanging and asserts nothing about speed.
  it('given a snapshot stored as JSON and restored with resolveState, when the same two events follow, then both machines agree', { timeout: 120_000 }, () => {
    const states = reachableStates(model);
    const differences: string[] = [];
    let compared = 0;
    for (const original of states) {
      const restored = throughJson(model, original);
      for (const first of movingEvents(model, original)) {
        const a = outcome(model, original, first);
        const b = outcome(model, restored, first);
        compared += 1;
        if (a.json !== b.json) differences.push(`${JSON.stringify(original.value)} then ${first.type}`);
        for (const second of candidates(model, a.next)) {
          compared += 1;
          if (outcome(model, a.next, second).json !== outcome(model, b.next, second).json) {
            differences.push(`${JSON.stringify(original.value)} then ${first.type}, ${second.type}`);
          }
        }
      }
    }
    expect(states.length).toBeGreaterThan(5);
    expect(compared).toBeGreaterThan(states.length);
    expect(differences).toEqual([]);
  });
});
