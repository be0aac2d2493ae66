// Vane's rollout decision core: (persisted machine state, event) → (next state, effects, view), with no I/O.
//
// Design note — state layout
// - Two xstate v5 machines, `canaryMachine` and `blueGreenMachine`, are used only through the pure functions
//   `initialTransition` and `transition`; nothing is interpreted, invoked or delayed. Time arrives as `now` on
//   every event; timers are clocks in context compared with `now` by guards, and `view.nextWakeAt` tells the
//   reconciler when a `tick` can next change something.
// - Both machines share a top level: `adopting` (a first release, `waiting` → `stalled` past the progress deadline,
//   until its pods are available; first-release.ts) → `healthy` (stable only) → `progressing` → back to `healthy`,
//   or `aborted` (`scalingDown` → `scaledDown`) → `retry` / a new revision / the stable revision.
//   `progressing` is parallel: `flow` is where the rollout is (canary: one waiting state per step kind;
//   blue-green: preview → promotion → switch → scale-down of the old revision) and `hold` is whether it may
//   advance on its own (`running`, `userPaused`, and for canary `analysisInconclusive` for background analysis).
//   Automatic advancement is guarded by hold=running; promote/resume act on both regions in one step.
// - Context holds the plan (derived from the spec), the stable and in-flight hashes, the step index and weight,
//   the attempt (part of every AnalysisRun name and Event key), the AnalysisRuns waited on, the abort record and
//   a group of clocks (`at`). Everything is plain JSON.
// - Effects are data attached to transitions with one no-op action, `effects`, whose params carry the list; a
//   decision returns them in order. Traffic is always reset in the same decision as an abort.
// - Persisted state: `{ machine, version, snapshot }` where `snapshot` is xstate's persisted snapshot; restoring
//   goes through `machine.resolveState`. A context field added later gets its default when a stored context
//   lacks it (the driver's `upgrade`), so Rollouts in flight survive a controller upgrade; only a change that
//   cannot be defaulted needs a new MACHINE_STATE_VERSION and a migration. Output is JSON-normalised, so the
//   same input gives byte-identical output and a replayed pass (crash after effects, before the status write)
//   re-executes the same effects.
// - Commands are acknowledged here, not in the machines: an event no transition takes is `handled: false`, and a
//   command gets an ackCommand Rejected with the reason; one that is taken gets Accepted with the new situation.
import { createActor, initialTransition, type AnyActorScope, type AnyMachineSnapshot, type AnyStateMachine } from 'xstate';
import { TerminalError } from '../errors.js';
import { blueGreenView } from './blue-green-view.js';
import { blueGreenMachine } from './blue-green-machine.js';
import { withBlueGreenDefaults, type BlueGreenContext } from './blue-green-context.js';
import { canaryMachine } from './canary-machine.js';
import { withContextDefaults, type CanaryContext } from './canary-context.js';
import { canaryView } from './canary-view.js';
import { acceptedAck, rejectedAck } from './command-ack.js';
import { kubeEvent, terminateRuns, type Effect } from './effects.js';
import type { RolloutEvent } from './rollout-event.js';
import type { RolloutPlan, RolloutStrategyKind } from './rollout-plan.js';
import type { RolloutView } from './rollout-view.js';

export const MACHINE_STATE_VERSION = 1;

/** Stored in `status.machine`: which machine, the layout version, and xstate's persisted snapshot (plain JSON). */
export type PersistedMachineState = {
  machine: RolloutStrategyKind;
  version: number;
  snapshot: Record<string, unknown>;
};

export interface Decision {
  state: PersistedMachineState;
  /** In order; the reconciler executes all of them, then writes status once. */
  effects: Effect[];
  /** False when the event does not apply in the current state (the state is then unchanged). */
  handled: boolean;
  view: RolloutView;
}

interface Driver {
  machine: AnyStateMachine;
  view(snapshot: AnyMachineSnapshot): RolloutView;
  /** Fills context fields newer than the stored layout version, so old states stay readable. */
  upgrade(context: Record<string, unknown>): Record<string, unknown>;
}

const DRIVERS: Record<RolloutStrategyKind, Driver> = {
  canary: {
    machine: canaryMachine,
    view: (s) => canaryView(s.value, s.context as CanaryContext),
    upgrade: withContextDefaults,
  },
  blueGreen: {
    machine: blueGreenMachine,
    view: (s) => blueGreenView(s.value, s.context as BlueGreenContext),
    upgrade: withBlueGreenDefaults,
  },
};

/**
 * A Rollout seen for the first time: its current template is adopted as stable, at full size, with traffic on it;
 * Progressing until those pods are available (a `replicasReady` of the stable hash), then Healthy.
 */
export function initialState(plan: RolloutPlan, stableHash: string, now: number): Decision {
  const driver = DRIVERS[plan.strategy];
  const [snapshot, actions] = initialTransition(driver.machine, { plan, stableHash, now });
  return normalised({
    state: pack(plan.strategy, driver, snapshot),
    effects: effectsOf(actions),
    handled: true,
    view: driver.view(snapshot),
  });
}

/** The next state and effects for one event. Throws TerminalError for a state this code cannot read. */
export function decide(persisted: PersistedMachineState, event: RolloutEvent): Decision {
  const state = parsePersistedMachineState(persisted);
  if (event.type === 'spec' && event.plan.strategy !== state.machine) return switchStrategy(state, event.plan, event.now);
  const driver = DRIVERS[state.machine];
  const { snapshot, viewJson } = restored(driver, state);
  if (!snapshot.can(event)) {
    // Nothing moves: the stored state goes back as it came (plain JSON already), saving a pack and a JSON round
    // trip on the events most passes are made of (ticks, readiness that changes nothing).
    const view = JSON.parse(viewJson) as RolloutView;
    const effects = event.type === 'command' ? normalised([rejectedAck(event, view)]) : [];
    return { state, effects, view, handled: false };
  }
  const [next, actions] = pureTransition(driver, snapshot, event);
  const view = driver.view(next);
  const effects = effectsOf(actions);
  if (event.type === 'command') effects.push(acceptedAck(event, view));
  return normalised({ state: pack(state.machine, driver, next), effects, handled: true, view });
}

/** The view of a persisted state, without an event. */
export function viewOf(persisted: PersistedMachineState): RolloutView {
  const state = parsePersistedMachineState(persisted);
  return JSON.parse(restored(DRIVERS[state.machine], state).viewJson) as RolloutView;
}

/** Checks that `value` (e.g. `status.machine`) is a state this code can read. */
export function parsePersistedMachineState(value: unknown): PersistedMachineState {
  if (typeof value !== 'object' || value === null) throw unreadable('it is not an object');
  const { machine, version, snapshot } = value as Record<string, unknown>;
  if (machine !== 'canary' && machine !== 'blueGreen') throw unreadable(`unknown machine ${JSON.stringify(machine)}`);
  if (version !== MACHINE_STATE_VERSION) {
    throw unreadable(`layout version ${JSON.stringify(version)}; this controller reads version ${MACHINE_STATE_VERSION}`);
  }
  if (typeof snapshot !== 'object' || snapshot === null) throw unreadable('snapshot is missing');
  return { machine, version, snapshot: snapshot as Record<string, unknown> };
}

/**
 * Restored snapshots and their views, by the stored snapshot they were restored from. A pass sends several events to
 * one state and most of them move nothing (the state then goes back as it came), and a Rollout's stored state is the
 * same object from pass to pass until it is written again: restoring it (xstate's resolveState) and viewing it are
 * done once. Snapshots are immutable in xstate; the view is kept as JSON text, so each caller gets its own copy of
 * it, normalised as `normalised` would.
 */
const restoredStates = new WeakMap<Record<string, unknown>, { machine: RolloutStrategyKind; snapshot: AnyMachineSnapshot; viewJson: string }>();

function restored(driver: Driver, state: PersistedMachineState): { snapshot: AnyMachineSnapshot; viewJson: string } {
  const cached = restoredStates.get(state.snapshot);
  if (cached !== undefined && cached.machine === state.machine) return cached;
  const snapshot = restore(driver, state);
  const entry = { machine: state.machine, snapshot, viewJson: JSON.stringify(driver.view(snapshot)) };
  restoredStates.set(state.snapshot, entry);
  return entry;
}

function restore(driver: Driver, state: PersistedMachineState): AnyMachineSnapshot {
  const { value, context } = state.snapshot;
  if (typeof context !== 'object' || context === null) throw unreadable('snapshot has no context');
  try {
    return driver.machine.resolveState({ value: value as never, context: driver.upgrade(context as Record<string, unknown>) as never });
  } catch (err) {
    throw unreadable(`state ${JSON.stringify(value)} does not fit the ${state.machine} machine`, err);
  }
}

/**
 * xstate's `transition` (the next snapshot and the actions to execute, none executed), with one inert actor scope per
 * machine instead of a new one per call: building a scope creates an actor, which computes the machine's initial
 * state, and that was half of what a transition cost. Between calls the scope holds nothing these machines use: they
 * invoke, spawn and delay nothing (time arrives as events), so a shared one decides exactly as a fresh one would.
 */
function pureTransition(driver: Driver, snapshot: AnyMachineSnapshot, event: RolloutEvent): [AnyMachineSnapshot, Array<{ type: string; params?: unknown }>] {
  const actions: Array<{ type: string; params?: unknown }> = [];
  const scope = inertScopeOf(driver.machine);
  scope.actionExecutor = (action) => void actions.push(action);
  try {
    return [driver.machine.transition(snapshot, event, scope), actions];
  } finally {
    scope.actionExecutor = () => undefined;
  }
}

const inertScopes = new WeakMap<AnyStateMachine, AnyActorScope>();

/** As xstate's own (internal) createInertActorScope: an actor never started, whose hooks do nothing. */
function inertScopeOf(machine: AnyStateMachine): AnyActorScope {
  let scope = inertScopes.get(machine);
  if (scope === undefined) {
    const self = createActor(machine);
    scope = { self, id: '', sessionId: '', logger: () => undefined, defer: () => undefined, emit: () => undefined, system: self.system, stopChild: () => undefined, actionExecutor: () => undefined };
    inertScopes.set(machine, scope);
  }
  return scope;
}

function pack(machine: RolloutStrategyKind, driver: Driver, snapshot: AnyMachineSnapshot): PersistedMachineState {
  return { machine, version: MACHINE_STATE_VERSION, snapshot: driver.machine.getPersistedSnapshot(snapshot) as Record<string, unknown> };
}

function effectsOf(actions: ReadonlyArray<{ type: string; params?: unknown }>): Effect[] {
  return actions.filter((a) => a.type === 'effects').flatMap((a) => (a.params as { list: Effect[] }).list);
}

/**
 * The spec moved to the other strategy: adopt the stable revision under the new machine (traffic on stable first),
 * then stop whatever the old machine had in flight.
 */
function switchStrategy(state: PersistedMachineState, plan: RolloutPlan, now: number): Decision {
  const old = viewOf(state);
  const adopted = initialState(plan, old.stableHash, now);
  // Stable was released under the old machine (unless that one was itself still on its first release): the new
  // machine starts from that knowledge instead of waiting for pods that are already there.
  const released = old.state.startsWith('adopting') ? adopted : decide(adopted.state, { type: 'replicasReady', hash: old.stableHash, now });
  const next = { ...released, effects: [...adopted.effects, ...released.effects] };
  const inFlight = old.canaryHash ?? old.previewHash;
  const removeRoutes = (old.headerRoutes ?? []).map((name): Effect => ({ type: 'removeHeaderRoute', name }));
  const effects: Effect[] = [...next.effects, ...removeRoutes, ...terminateRuns(old.analysisRuns)];
  if (inFlight !== undefined && inFlight !== old.stableHash) effects.push({ type: 'scaleReplicaSet', hash: inFlight, replicas: 0 });
  if (old.previous !== undefined) effects.push({ type: 'scaleReplicaSet', hash: old.previous.hash, replicas: 0 });
  effects.push(
    kubeEvent(
      { reason: 'StrategyChanged', hash: old.stableHash, attempt: old.attempt ?? 0, detail: `${state.machine}-${plan.strategy}` },
      'Normal',
      `strategy changed from ${state.machine} to ${plan.strategy}; ${old.stableHash} adopted as stable`,
    ),
  );
  return normalised({ ...next, effects });
}

function unreadable(why: string, cause?: unknown): TerminalError {
  return new TerminalError(`cannot read status.machine: ${why}`, { code: 'Internal', cause });
}

/** Plain JSON, so what is returned is exactly what is stored and read back. */
function normalised<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
