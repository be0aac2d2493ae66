// The Experiment's lifecycle as an xstate machine used only through pure transitions (docs/adr/0002), with its
// decide function, persisted layout and view. Behaviour follows Argo docs features/experiment.md "Experiment
// Lifecycle":
//
// pending ──every template available──▶ running ──verdict──▶ ended (scalingDown ──scaleDownDelaySeconds──▶ done)
//    └──progressDeadlineSeconds passed / analysis cannot start / terminate──────▶ ended
//
// - pending: each template's ReplicaSet is scaled to its replicas; nothing is measured before they are available.
// - running: one AnalysisRun per analysis starts; a Failed, Error or Inconclusive run ends the experiment with that
//   phase at once; with `duration`, it ends Successful once the duration has passed (counted from availableAt) and
//   every analysis marked requiredForCompletion has succeeded; without a duration, once every required analysis
//   has succeeded (without either, it runs until terminated). `terminate` ends it Successful.
// - ended: unfinished runs are terminated; the ReplicaSets stay up for scaleDownDelaySeconds, then go to zero.
import { assign, initialTransition, setup, transition, type AnyMachineSnapshot } from 'xstate';
import { TerminalError } from '../errors.js';
import type { ExperimentPhase } from '../resources/experiment.js';
import type { ExperimentPlan } from './experiment-plan.js';
import type { AnalysisPhase } from './rollout-event.js';
import { earliest } from './rollout-view.js';

export const EXPERIMENT_STATE_VERSION = 1;

/** What the experiment asks the world to do; the reconciler executes these idempotently. */
export type ExperimentEffect =
  /** Make the template's ReplicaSet have `replicas` (created when missing). */
  | { type: 'scaleTemplate'; template: string; replicas: number }
  /** Create the AnalysisRun of the analysis `analysis` (deterministic name: a replay finds it). */
  | { type: 'createRun'; analysis: string }
  | { type: 'terminateRun'; analysis: string }
  | { type: 'emitEvent'; key: string; eventType: 'Normal' | 'Warning'; reason: string; message: string };

/** Every event carries `now`; observations are sent every pass and ignored where they do not apply. */
export type ExperimentEvent =
  /** Every template's ReplicaSet has all its replicas available. */
  | { type: 'templatesAvailable'; now: number }
  /** Replica counts moved since the last pass: restarts the progress-deadline clock. */
  | { type: 'progress'; now: number }
  /** A finished AnalysisRun of the analysis `name`. */
  | { type: 'analysis'; name: string; phase: AnalysisPhase; message: string; now: number }
  /** The run of `name` cannot be created (its template is missing or unusable): the experiment errs, like Argo's. */
  | { type: 'analysisBlocked'; name: string; message: string; now: number }
  /** The template `name` cannot run as asked (its Service's name is taken, it has no port to expose): Error. */
  | { type: 'templateBlocked'; name: string; message: string; now: number }
  /** spec.terminate is set. */
  | { type: 'terminate'; now: number }
  | { type: 'tick'; now: number };

type Stamp = number | null;

export interface ExperimentContext {
  plan: ExperimentPlan;
  /** Finished analyses and their verdicts, by analysis name. */
  verdicts: Record<string, { phase: AnalysisPhase; message: string }>;
  /** The phase once ended (Pending/Running before). */
  phase: ExperimentPhase;
  message: string;
  at: { progressAt: Stamp; availableAt: Stamp; endedAt: Stamp };
}

export interface ExperimentView {
  phase: ExperimentPhase;
  message: string;
  state: string;
  /** Replicas each template's ReplicaSet should have now. */
  desired: Array<{ template: string; replicas: number }>;
  /** Analyses whose runs exist (or should) and are not finished: the reconciler reads their verdicts. */
  awaitedRuns: string[];
  availableAt?: number;
  nextWakeAt?: number;
}

export interface PersistedExperimentState {
  machine: 'experiment';
  version: number;
  snapshot: Record<string, unknown>;
}

export interface ExperimentDecision {
  state: PersistedExperimentState;
  effects: ExperimentEffect[];
  handled: boolean;
  view: ExperimentView;
}

type Ctx = ExperimentContext;
type Ev = ExperimentEvent;

function effects(build: (ctx: Ctx, event: Ev) => ExperimentEffect[]): { type: 'effects'; params: (args: { context: Ctx; event: Ev }) => { list: ExperimentEffect[] } } {
  return { type: 'effects', params: ({ context, event }) => ({ list: build(context, event) }) };
}

const isDue = (at: number | undefined, now: number): boolean => at !== undefined && now >= at;

export function deadlineAt(ctx: Ctx): number | undefined {
  return ctx.at.progressAt === null ? undefined : ctx.at.progressAt + ctx.plan.progressDeadlineSeconds * 1000;
}

export function durationEndsAt(ctx: Ctx): number | undefined {
  return ctx.at.availableAt === null || ctx.plan.durationMs === undefined ? undefined : ctx.at.availableAt + ctx.plan.durationMs;
}

export function scaleDownAt(ctx: Ctx): number | undefined {
  return ctx.at.endedAt === null ? undefined : ctx.at.endedAt + ctx.plan.scaleDownDelaySeconds * 1000;
}

const required = (ctx: Ctx): string[] => ctx.plan.analyses.filter((a) => a.requiredForCompletion).map((a) => a.name);
const requiredAllSucceeded = (ctx: Ctx): boolean => required(ctx).every((name) => ctx.verdicts[name]?.phase === 'Successful');

/** The first run whose verdict ends the experiment early (Argo: Failed, Error and Inconclusive all do). */
function badVerdict(ctx: Ctx): { name: string; phase: AnalysisPhase; message: string } | undefined {
  for (const { name } of ctx.plan.analyses) {
    const verdict = ctx.verdicts[name];
    if (verdict !== undefined && verdict.phase !== 'Successful') return { name, ...verdict };
  }
  return undefined;
}

function verdictMessage(name: string, phase: AnalysisPhase, message: string): string {
  return `analysis ${name} ${phase}${message === '' ? '' : `: ${message}`}`;
}

function scaleAll(ctx: Ctx, to: 'planned' | 'zero'): ExperimentEffect[] {
  return ctx.plan.templates.map((t) => ({ type: 'scaleTemplate', template: t.name, replicas: to === 'zero' ? 0 : t.replicas }));
}

function unfinished(ctx: Ctx): string[] {
  return ctx.plan.analyses.map((a) => a.name).filter((name) => ctx.verdicts[name] === undefined);
}

/** Why an experiment ended; `endOf` words it. */
type EndCause = 'deadline' | 'blocked' | 'verdict' | 'required' | 'duration' | 'terminated' | 'terminatedEarly';

function endOf(cause: EndCause, ctx: Ctx, event: Ev): { phase: ExperimentPhase; message: string } {
  switch (cause) {
    case 'deadline':
      return { phase: 'Failed', message: `templates were not available within progressDeadlineSeconds (${ctx.plan.progressDeadlineSeconds})` };
    case 'blocked':
      return { phase: 'Error', message: event.type === 'analysisBlocked' || event.type === 'templateBlocked' ? event.message : 'an analysis could not start' };
    case 'verdict': {
      const bad = badVerdict(ctx);
      return bad === undefined ? { phase: 'Failed', message: '' } : { phase: bad.phase, message: verdictMessage(bad.name, bad.phase, bad.message) };
    }
    case 'required':
      return { phase: 'Successful', message: 'every analysis required for completion succeeded' };
    case 'duration':
      return { phase: 'Successful', message: `ran for ${Math.round((ctx.plan.durationMs ?? 0) / 1000)}s with every template available` };
    case 'terminated':
      return { phase: 'Successful', message: 'terminated' };
    case 'terminatedEarly':
      return { phase: 'Successful', message: 'terminated before every template was available' };
  }
}

/** Ends the experiment: the phase is recorded and runs still measuring are stopped in the same decision. */
function endActions(cause: EndCause, terminateRuns: boolean) {
  return [
    { type: 'end', params: { cause } },
    effects((ctx) => [
      ...(terminateRuns ? unfinished(ctx).map((analysis): ExperimentEffect => ({ type: 'terminateRun', analysis })) : []),
      { type: 'emitEvent', key: `Experiment${ctx.phase}`, eventType: ctx.phase === 'Successful' ? 'Normal' : 'Warning', reason: `Experiment${ctx.phase}`, message: ctx.message },
    ]),
  ] as const;
}

export const experimentMachine = setup({
  types: { context: {} as Ctx, events: {} as Ev, input: {} as { plan: ExperimentPlan; now: number } },
  actions: {
    // Never executed: pure transitions return it, and the reconciler executes `params.list`.
    effects: (_args, _params: { list: ExperimentEffect[] }) => undefined,
    end: assign(({ context, event }, params: { cause: EndCause }) => ({ ...endOf(params.cause, context, event), at: { ...context.at, endedAt: event.now } })),
  },
  guards: {
    deadlinePassed: ({ context, event }) => event.type === 'tick' && isDue(deadlineAt(context), event.now),
    durationDone: ({ context, event }) => event.type === 'tick' && isDue(durationEndsAt(context), event.now) && requiredAllSucceeded(context),
    hasBadVerdict: ({ context }) => badVerdict(context) !== undefined,
    // Argo ends an experiment whose required analyses all succeeded, even before its duration has passed.
    requiredDone: ({ context }) => required(context).length > 0 && requiredAllSucceeded(context),
    isAnalysisOfPlan: ({ context, event }) => event.type === 'analysis' && context.plan.analyses.some((a) => a.name === event.name) && context.verdicts[event.name] === undefined,
    scaleDownDue: ({ context, event }) => event.type === 'tick' && isDue(scaleDownAt(context), event.now),
    noScaleDownDelay: ({ context }) => context.plan.scaleDownDelaySeconds === 0,
  },
}).createMachine({
  id: 'experiment',
  // transition() builds an inert actor whose context factory gets no input; the restored snapshot replaces it.
  context: ({ input }) => ({
    plan: input?.plan ?? { templates: [], analyses: [], progressDeadlineSeconds: 0, scaleDownDelaySeconds: 0 },
    verdicts: {},
    phase: 'Pending',
    message: '',
    at: { progressAt: input?.now ?? 0, availableAt: null, endedAt: null },
  }),
  initial: 'pending',
  states: {
    pending: {
      entry: effects((ctx) => scaleAll(ctx, 'planned')),
      on: {
        templatesAvailable: {
          target: 'running',
          actions: [
            assign(({ context, event }) => ({ phase: 'Running' as const, at: { ...context.at, availableAt: event.now } })),
            effects((ctx) => [
              ...ctx.plan.analyses.map((a): ExperimentEffect => ({ type: 'createRun', analysis: a.name })),
              { type: 'emitEvent', key: 'ExperimentRunning', eventType: 'Normal', reason: 'ExperimentRunning', message: `every template is available; ${ctx.plan.analyses.length} analysis run(s) started` },
            ]),
          ],
        },
        progress: { actions: assign(({ context, event }) => ({ at: { ...context.at, progressAt: event.now } })) },
        tick: {
          guard: 'deadlinePassed',
          target: 'ended',
          actions: endActions('deadline', false),
        },
        analysisBlocked: { target: 'ended', actions: endActions('blocked', false) },
        templateBlocked: { target: 'ended', actions: endActions('blocked', false) },
        terminate: { target: 'ended', actions: endActions('terminatedEarly', false) },
      },
    },
    running: {
      always: [
        { guard: 'hasBadVerdict', target: 'ended', actions: endActions('verdict', true) },
        { guard: 'requiredDone', target: 'ended', actions: endActions('required', true) },
      ],
      on: {
        analysis: {
          guard: 'isAnalysisOfPlan',
          actions: assign(({ context, event }) =>
            event.type === 'analysis' ? { verdicts: { ...context.verdicts, [event.name]: { phase: event.phase, message: event.message } } } : {},
          ),
        },
        tick: {
          guard: 'durationDone',
          target: 'ended',
          actions: endActions('duration', true),
        },
        analysisBlocked: { target: 'ended', actions: endActions('blocked', true) },
        templateBlocked: { target: 'ended', actions: endActions('blocked', true) },
        terminate: { target: 'ended', actions: endActions('terminated', true) },
      },
    },
    ended: {
      initial: 'scalingDown',
      states: {
        scalingDown: {
          always: { guard: 'noScaleDownDelay', target: 'done', actions: effects((ctx) => scaleAll(ctx, 'zero')) },
          on: { tick: { guard: 'scaleDownDue', target: 'done', actions: effects((ctx) => scaleAll(ctx, 'zero')) } },
        },
        done: {},
      },
    },
  },
});

/** An Experiment seen for the first time: its templates' ReplicaSets are asked for. */
export function initialExperimentState(plan: ExperimentPlan, now: number): ExperimentDecision {
  const [snapshot, actions] = initialTransition(experimentMachine, { plan, now });
  return plain({ state: pack(snapshot), effects: effectsOf(actions), handled: true, view: experimentView(snapshot) });
}

export function decideExperiment(persisted: PersistedExperimentState, event: ExperimentEvent): ExperimentDecision {
  const state = parsePersistedExperimentState(persisted);
  const snapshot = restore(state);
  if (!snapshot.can(event)) return { state, effects: [], handled: false, view: plain(experimentView(snapshot)) };
  const [next, actions] = transition(experimentMachine, snapshot, event);
  return plain({ state: pack(next), effects: effectsOf(actions), handled: true, view: experimentView(next) });
}

export function experimentViewOf(persisted: PersistedExperimentState): ExperimentView {
  return plain(experimentView(restore(parsePersistedExperimentState(persisted))));
}

export function parsePersistedExperimentState(value: unknown): PersistedExperimentState {
  if (typeof value !== 'object' || value === null) throw unreadable('it is not an object');
  const { machine, version, snapshot } = value as Record<string, unknown>;
  if (machine !== 'experiment') throw unreadable(`unknown machine ${JSON.stringify(machine)}`);
  if (version !== EXPERIMENT_STATE_VERSION) throw unreadable(`layout version ${JSON.stringify(version)}; this controller reads version ${EXPERIMENT_STATE_VERSION}`);
  if (typeof snapshot !== 'object' || snapshot === null) throw unreadable('snapshot is missing');
  return { machine, version, snapshot: snapshot as Record<string, unknown> };
}

function experimentView(snapshot: AnyMachineSnapshot): ExperimentView {
  const ctx = snapshot.context as Ctx;
  const where = typeof snapshot.value === 'string' ? snapshot.value : `ended.${String((snapshot.value as { ended?: string }).ended)}`;
  const done = where === 'ended.done';
  const view: ExperimentView = {
    phase: ctx.phase,
    message: ctx.message === '' ? defaultMessage(where, ctx) : ctx.message,
    state: where,
    desired: ctx.plan.templates.map((t) => ({ template: t.name, replicas: done ? 0 : t.replicas })),
    awaitedRuns: where === 'running' ? unfinished(ctx) : [],
  };
  if (ctx.at.availableAt !== null) view.availableAt = ctx.at.availableAt;
  const wake = where === 'pending' ? deadlineAt(ctx) : where === 'running' ? durationEndsAt(ctx) : where === 'ended.scalingDown' ? scaleDownAt(ctx) : undefined;
  const next = earliest([wake]);
  if (next !== undefined) view.nextWakeAt = next;
  return view;
}

function defaultMessage(where: string, ctx: Ctx): string {
  if (where === 'pending') return `waiting for ${ctx.plan.templates.length} template(s) to become available`;
  if (required(ctx).length === 0 && ctx.plan.durationMs === undefined) return 'running until terminated (no duration, no analysis required for completion)';
  return 'running';
}

function restore(state: PersistedExperimentState): AnyMachineSnapshot {
  const { value, context } = state.snapshot;
  if (typeof context !== 'object' || context === null) throw unreadable('snapshot has no context');
  try {
    return experimentMachine.resolveState({ value: value as never, context: context as never });
  } catch (err) {
    throw unreadable(`state ${JSON.stringify(value)} does not fit the experiment machine`, err);
  }
}

function pack(snapshot: AnyMachineSnapshot): PersistedExperimentState {
  return { machine: 'experiment', version: EXPERIMENT_STATE_VERSION, snapshot: experimentMachine.getPersistedSnapshot(snapshot) as Record<string, unknown> };
}

function effectsOf(actions: ReadonlyArray<{ type: string; params?: unknown }>): ExperimentEffect[] {
  return actions.filter((a) => a.type === 'effects').flatMap((a) => (a.params as { list: ExperimentEffect[] }).list);
}

function unreadable(why: string, cause?: unknown): TerminalError {
  return new TerminalError(`cannot read the Experiment's status.machine: ${why}`, { code: 'Internal', cause });
}

function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
