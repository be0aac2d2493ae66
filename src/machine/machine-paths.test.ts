// Every simple path of both machines (on bounded plans), generated with @xstate/graph and replayed through `decide`.
import { describe, expect, it } from 'vitest';
import type { AnyStateMachine, StateNode } from 'xstate';
import { blueGreenMachine } from './blue-green-machine.js';
import { canaryMachine } from './canary-machine.js';
import { keyOf, modelFor, PathReplayer, simplePaths, WALK_STARTS, type GraphModel } from './fixtures/machine-graph.js';
import { backgroundCanary, dynamicStableCanary, headerRoutedCanary, instantBlueGreen, manualBlueGreen, ratioCanary, routedCanary, timedBlueGreen } from './fixtures/plans.js';
import { ofType, stateViolations, stepViolations } from './fixtures/rollout-invariants.js';
import type { Decision } from './rollout-machine.js';

/** Exhaustive walks take seconds on a shared machine; this is a guard against hanging, not a timing assertion. */
const EXHAUSTIVE = { timeout: 120_000 };

const CANARY_MODELS = [
  modelFor(routedCanary, 'routed canary'),
  modelFor(backgroundCanary, 'canary with background analysis'),
  modelFor(ratioCanary, 'replica-ratio canary'),
  modelFor(headerRoutedCanary, 'canary with header routes'),
  modelFor(dynamicStableCanary, 'canary with dynamicStableScale'),
];
const BLUE_GREEN_MODELS = [modelFor(manualBlueGreen, 'manual blue-green with analysis'), modelFor(instantBlueGreen, 'instant blue-green'), modelFor(timedBlueGreen, 'timed blue-green')];

interface Walk {
  paths: number;
  steps: number;
  violations: string[];
  visitedLeaves: Set<string>;
}

const walks = new Map<GraphModel, Walk>();

/** Each model is walked once, however many tests look at the result. */
function walked(model: GraphModel): Walk {
  let result = walks.get(model);
  if (result === undefined) {
    result = walk(model);
    walks.set(model, result);
  }
  return result;
}

/**
 * Replays every simple path of `model` from each walk start (a first release; a released Rollout), checking the
 * invariants on each step the first time it is reached.
 */
function walk(model: GraphModel): Walk {
  const result: Walk = { paths: 0, steps: 0, violations: [], visitedLeaves: new Set() };
  for (const start of WALK_STARTS) {
    const replayer = new PathReplayer(model, start);
    result.violations.push(...stateViolations(replayer.initial()));
    for (const path of simplePaths(model, start)) {
      result.paths += 1;
      const decisions = replayer.replay(path.labels, (step) => {
        result.steps += 1;
        result.violations.push(...stepViolations(step));
      });
      result.violations.push(...pathViolations(path.keys, path.labels, decisions));
      for (const d of decisions) for (const leaf of leavesOf(d.state.snapshot.value)) result.visitedLeaves.add(leaf);
    }
  }
  return result;
}

/**
 * The replay passes through the very states the graph found, and no AnalysisRun name is ever created twice (a run
 * whose gate was blocked was never created: the reconciler dropped its createAnalysisRun, so it may be asked again).
 */
function pathViolations(keys: readonly string[], labels: readonly string[], decisions: readonly Decision[]): string[] {
  const out: string[] = [];
  decisions.forEach((d, i) => {
    if (keyOf(d) !== keys[i]) out.push(`step ${i}: replay reached ${keyOf(d)}, graph had ${keys[i]}`);
  });
  const names: string[] = [];
  decisions.forEach((d, i) => {
    const blockedGate = labels[i - 1]?.startsWith('gateBlocked:') ? labels[i - 1]?.slice('gateBlocked:'.length) : undefined;
    const blockedRun = decisions[i - 1]?.view.analysisRuns.find((r) => r.gate === blockedGate)?.name;
    if (blockedRun !== undefined && names.includes(blockedRun)) names.splice(names.lastIndexOf(blockedRun), 1);
    names.push(...ofType(d.effects, 'createAnalysisRun').map((e) => e.name));
  });
  const repeated = names.filter((n, i) => names.indexOf(n) !== i);
  if (repeated.length > 0) out.push(`AnalysisRun names created twice on one path: ${repeated.join(', ')}`);
  return out;
}

function leavesOf(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [`${prefix}${value}`];
  return Object.entries(value as Record<string, unknown>).flatMap(([k, v]) => leavesOf(v, `${prefix}${k}.`));
}

/** Atomic states a machine can rest in (transient ones, with only `always` transitions, are passed through). */
function restingLeaves(machine: AnyStateMachine): string[] {
  const leaves: string[] = [];
  const visit = (node: StateNode<never, never>, path: string): void => {
    const children = Object.entries(node.states);
    if (children.length === 0) {
      if (!(node.always ?? []).some((t) => t.guard === undefined)) leaves.push(path);
      return;
    }
    for (const [key, child] of children) visit(child as StateNode<never, never>, path === '' ? key : `${path}.${key}`);
  };
  visit(machine.root as unknown as StateNode<never, never>, '');
  return leaves.sort();
}

describe.each([...CANARY_MODELS, ...BLUE_GREEN_MODELS])('every simple path of the $name', (model) => {
  it('replays through decide to the same states, keeping every invariant on every step', EXHAUSTIVE, () => {
    const result = walked(model);
    expect(result.paths).toBeGreaterThan(10);
    expect(result.violations.slice(0, 20)).toEqual([]);
  });
});

describe('state coverage of the generated paths', () => {
  it.each([
    ['canary', canaryMachine, CANARY_MODELS],
    ['blue-green', blueGreenMachine, BLUE_GREEN_MODELS],
  ] as const)('given the %s plans, then the paths rest in every resting state of the machine', EXHAUSTIVE, (_name, machine, models) => {
    const visited = new Set(models.flatMap((m) => [...walked(m).visitedLeaves]));
    expect([...visited].sort()).toEqual(restingLeaves(machine));
  });
});
