// The canary strategy as an xstate machine, used only through the pure transition functions (see rollout-machine.ts).
//
// adopting (first release) ──pods available──▶ healthy; ──revision──▶ progressing
// healthy ──revision──▶ progressing ─────────────────────────────────────────────▶ healthy (promoted)
//                        ├ flow: step ▶ settingWeight | pausedAtStep | pausedForDuration | analyzing ▶ inconclusive
//                        │       | settingHeaderRoute ▶ step (at once) … ▶ fullyScaling (after the last step)
//                        │       (a step's header and mirror routes are set as `step` is entered, whatever it waits for)
//                        └ hold: running | userPaused | analysisInconclusive (background) | gateBlocked
//            progressing ──abort / failed analysis / deadline──▶ aborted (scalingDown ▶ scaledDown)
//
// `flow` is where the rollout is; `hold` is whether automatic advancement is allowed. Advancing transitions
// (replicas ready, pause expired, analysis passed) are guarded by hold=running; commands that clear a hold
// (promote, resume) act on both regions in one step. `step` is transient: it reads the step at `stepIndex` and
// picks the waiting state. Effects are data attached to transitions via the no-op `effects` action.
// `gateBlocked` holds a rollout whose gate cannot start (a configuration error, docs/adr/0011-…): traffic goes to
// stable without a revert, and `gateReady` (the reconciler found the run can be built) brings it back and starts it.
import { and, assign, not, setup, stateIn } from 'xstate';
import type { CommandAction } from '../resources/rollout.js';
import { abortFromEvent, deadlineAbort } from './abort-cause.js';
import { BACKGROUND_GATE } from './analysis-gate.js';
import {
  abortScaleDownAt,
  backgroundDue,
  backgroundRun,
  canaryHashOf,
  currentStep,
  headerRoutesAfterStep,
  INERT_CANARY_INPUT,
  initialCanaryContext,
  NO_CLOCKS,
  pauseEndsAt,
  progressDeadlineAt,
  restoresStableFirst,
  scalesDownAtOnce,
  stepRun,
  withoutGate,
  type CanaryContext,
} from './canary-context.js';
import {
  abortEffects,
  abortTrafficEffects,
  adoptionEffects,
  backgroundRestartEffects,
  backgroundStartEffects,
  backToStableEffects,
  blockedRunEffects,
  canaryScaleDownEffects,
  completionEffects,
  gateBlockedEffects,
  gateBlockedEvent,
  gateRestoreEffects,
  gateResumedEffects,
  inconclusiveEffects,
  pauseScaleEffects,
  pauseStepEffects,
  promotionEffects,
  rescaleEffects,
  revisionStartedEffects,
  stableScalingEffects,
  stepEntryEffects,
  stepReadyEffects,
  stepRouteEffects,
  stepRunEffects,
  stepStartedEffects,
  userPauseEffects,
  supersededEffects,
  terminateStepRunEffects,
  trafficBackOf,
  weightAfterStep,
} from './canary-effects.js';
import { blockedWith } from './blocked-gates.js';
import { noCanaryPodsAt } from './canary-replicas.js';
import { terminateRuns, type Effect } from './effects.js';
import { firstReleaseStall, firstReleaseStalledEffects } from './first-release.js';
import type { AbortRecord, MachineInput } from './machine-context.js';
import type { AnalysisPhase, RolloutEvent } from './rollout-event.js';
import { samePlan } from './plan-equality.js';
import { firstAttemptOf, withAttempt } from './release-attempts.js';
import type { CanaryPlan } from './rollout-plan.js';

type Ev = RolloutEvent;
type Build = (ctx: CanaryContext, event: Ev) => Effect[];

/** The effects of a transition, computed from the context as it is at that point of the action list. */
function effects(build: Build): { type: 'effects'; params: (args: { context: CanaryContext; event: Ev }) => { list: Effect[] } } {
  return { type: 'effects', params: ({ context, event }) => ({ list: build(context, event) }) };
}

function command(...actions: CommandAction[]): { type: 'isCommand'; params: { actions: CommandAction[] } } {
  return { type: 'isCommand', params: { actions } };
}

function stepRunIs(...phases: AnalysisPhase[]): { type: 'isStepRun'; params: { phases: AnalysisPhase[] } } {
  return { type: 'isStepRun', params: { phases } };
}

function backgroundIs(...phases: AnalysisPhase[]): { type: 'isBackgroundRun'; params: { phases: AnalysisPhase[] } } {
  return { type: 'isBackgroundRun', params: { phases } };
}

const NOT_HELD = stateIn('#canary.progressing.hold.running');

const advance = (ctx: CanaryContext): Partial<CanaryContext> => ({
  stepIndex: ctx.stepIndex + 1,
  at: { ...ctx.at, pausedAt: null },
});

const startClock = (ctx: CanaryContext, now: number): Partial<CanaryContext> => ({
  at: { ...ctx.at, stepStartedAt: now, progressAt: now },
});

/** Start (or restart) rolling out `hash` from step 0 with a fresh attempt. */
const startRevision = (ctx: CanaryContext, hash: string, attempt: number, now: number): Partial<CanaryContext> => ({
  canaryHash: hash,
  attempt,
  lastAttempts: withAttempt(ctx.lastAttempts, hash, attempt),
  stepIndex: 0,
  weight: 0,
  headerRoutes: [],
  runs: [],
  backgroundRound: 0,
  abort: null,
  blocked: null,
  promotedBy: undefined,
  at: { ...NO_CLOCKS, stepStartedAt: now, progressAt: now },
});

const clearRollout = (ctx: CanaryContext): Partial<CanaryContext> => ({
  canaryHash: null,
  attempt: 0,
  stepIndex: ctx.plan.steps.length,
  weight: 0,
  headerRoutes: [],
  runs: [],
  backgroundRound: 0,
  abort: null,
  blocked: null,
  promotedBy: undefined,
  at: NO_CLOCKS,
});

const eventHash = (event: Ev): string => (event.type === 'revision' ? event.hash : '');

type AbortCause = 'event' | 'deadline';

/** Abort: record why, reset traffic and stop runs in this decision, then start the scale-down clock. */
const abortActions = (cause: AbortCause) =>
  [
    { type: 'recordAbort', params: { cause } },
    effects((ctx, event) => abortEffects(ctx, event.now)),
    { type: 'clearAfterAbort' },
  ] as const;

function abortRecord(ctx: CanaryContext, event: Ev, cause: AbortCause): AbortRecord {
  if (cause === 'deadline') return deadlineAbort(canaryHashOf(ctx), ctx.plan.progressDeadlineSeconds);
  return abortFromEvent(event) ?? { reason: 'UserAbort', message: 'aborted' };
}

/** A released Rollout (a first release or Healthy): a new revision starts a rollout, a changed plan rescales stable. */
const RELEASED_ON = {
  revision: {
    guard: 'isNewRevision',
    target: 'progressing',
    actions: [{ type: 'startFirstAttempt' }, effects((ctx, event) => revisionStartedEffects(ctx, event.now))],
  },
  spec: { guard: 'planChanged', actions: [{ type: 'adoptReleasedPlan' }, effects(stableScalingEffects)] },
} as const;

export const canaryMachine = setup({
  types: {
    context: {} as CanaryContext,
    events: {} as RolloutEvent,
    input: {} as MachineInput<CanaryPlan>,
  },
  actions: {
    // Never executed: pure transitions return it, and the reconciler executes `params.list`.
    effects: (_args, _params: { list: Effect[] }) => undefined,
    // A run whose verdict caused the abort has finished: it is dropped, not terminated.
    recordAbort: assign(({ context, event }, params: { cause: AbortCause }) => ({
      abort: abortRecord(context, event, params.cause),
      runs: context.runs.filter((r) => event.type !== 'analysis' || r.name !== event.runName),
    })),
    // A stable restored first keeps the weight, and the abort scale-down clock waits, until traffic is back on it.
    clearAfterAbort: assign(({ context, event }) => {
      const restoring = restoresStableFirst(context);
      return { runs: [], weight: restoring ? context.weight : 0, headerRoutes: [], blocked: null, at: { ...NO_CLOCKS, abortedAt: restoring ? null : event.now } };
    }),
    // The run was never created: it leaves the list without a terminate. The weight in force is kept to restore.
    blockGate: assign(({ context, event }) =>
      event.type !== 'gateBlocked'
        ? {}
        : { blocked: blockedWith(context.blocked, event, { weight: context.weight }), runs: context.runs.filter((r) => r.name !== event.runName), weight: 0 },
    ),
    resumeGates: assign(({ context, event }) => ({
      runs: [...context.runs, ...blockedRunEffects(context).map((e) => ({ gate: e.gate, name: e.name }))],
      ...gatesCleared(context, event.now),
    })),
    skipGates: assign(({ context, event }) => gatesCleared(context, event.now)),
    // After the step advanced: a person's promote that finished the steps is the release's verdict.
    notePromoter: assign(({ context, event }) =>
      event.type === 'command' && context.stepIndex >= context.plan.steps.length ? { promotedBy: event.actor } : {},
    ),
    startFirstAttempt: assign(({ context, event }) => startRevision(context, eventHash(event), firstAttemptOf(context.lastAttempts, eventHash(event)), event.now)),
    // Released, the plan's steps are all done: the step index stays past the last one.
    adoptReleasedPlan: assign(({ event }) => (event.type === 'spec' ? { plan: event.plan as CanaryPlan, stepIndex: (event.plan as CanaryPlan).steps.length } : {})),
  },
  guards: {
    isNewRevision: ({ context, event }) =>
      event.type === 'revision' && event.hash !== context.stableHash && event.hash !== context.canaryHash,
    isStableRevision: ({ context, event }) => event.type === 'revision' && event.hash === context.stableHash,
    planChanged: ({ context, event }) =>
      event.type === 'spec' && event.plan.strategy === 'canary' && !samePlan(event.plan, context.plan),
    isCommand: ({ event }, params: { actions: CommandAction[] }) =>
      event.type === 'command' && params.actions.includes(event.action),
    isAwaitedRun: ({ context, event }) => event.type === 'gateBlocked' && context.runs.some((r) => r.gate === event.gate && r.name === event.runName),
    canaryReady: ({ context, event }) => event.type === 'replicasReady' && event.hash === context.canaryHash,
    stableReady: ({ context, event }) => event.type === 'replicasReady' && event.hash === context.stableHash,
    noPodsToWaitFor: ({ context }) => context.plan.replicas === 0,
    noCanaryPodsToWaitFor: ({ context }) => noCanaryPodsAt(context.plan, context.stepIndex),
    deadlinePassed: ({ context, event }) => event.type === 'tick' && isDue(progressDeadlineAt(context), event.now),
    pauseOver: ({ context, event }) => event.type === 'tick' && isDue(pauseEndsAt(context), event.now),
    abortDelayOver: ({ context, event }) => event.type === 'tick' && isDue(abortScaleDownAt(context), event.now),
    isStepRun: ({ context, event }, params: { phases: AnalysisPhase[] }) =>
      event.type === 'analysis' &&
      event.runName === stepRun(context).name &&
      context.runs.some((r) => r.name === event.runName) &&
      params.phases.includes(event.phase),
    isBackgroundRun: ({ context, event }, params: { phases: AnalysisPhase[] }) =>
      event.type === 'analysis' &&
      event.gate === BACKGROUND_GATE &&
      context.runs.some((r) => r.gate === BACKGROUND_GATE && r.name === event.runName) &&
      params.phases.includes(event.phase),
    stepsDone: ({ context }) => context.stepIndex >= context.plan.steps.length,
    isScalingStep: ({ context }) => ['setWeight', 'setCanaryScale'].includes(currentStep(context)?.kind ?? ''),
    isIndefinitePause: ({ context }) => {
      const step = currentStep(context);
      return step?.kind === 'pause' && step.durationMs === undefined;
    },
    isTimedPause: ({ context }) => currentStep(context)?.kind === 'pause',
    isHeaderRouteStep: ({ context }) => ['setHeaderRoute', 'setMirrorRoute'].includes(currentStep(context)?.kind ?? ''),
    scalesDownAtOnce: ({ context }) => scalesDownAtOnce(context),
    restoresStableFirst: ({ context }) => restoresStableFirst(context),
    awaitsStable: ({ context }) => context.plan.dynamicStableScale === true && weightAfterStep(context) < context.weight,
  },
}).createMachine({
  id: 'canary',
  // transition() builds an inert actor whose context factory gets no input; the restored snapshot replaces that
  // context anyway. Without a placeholder the factory threw, and xstate swallowed the error, on every transition.
  context: ({ input }) => initialCanaryContext(input ?? INERT_CANARY_INPUT),
  initial: 'adopting',
  states: {
    // A first release: stable at full size at once (no steps), Progressing until its pods are available.
    adopting: {
      entry: effects((ctx) => adoptionEffects(ctx)),
      initial: 'waiting',
      always: { guard: 'noPodsToWaitFor', target: 'healthy', actions: assign(({ context }) => clearRollout(context)) },
      on: {
        replicasReady: { guard: 'stableReady', target: 'healthy', actions: assign(({ context }) => clearRollout(context)) },
        // A fix for a first release that never came up rolls out over it like any new revision.
        ...RELEASED_ON,
      },
      states: {
        waiting: {
          on: {
            progress: { actions: assign(({ context, event }) => ({ at: { ...context.at, progressAt: event.now } })) },
            tick: { guard: 'deadlinePassed', target: 'stalled', actions: [effects(firstReleaseStalledEffects), assign(({ context }) => ({ abort: firstReleaseStall(context) }))] },
          },
        },
        stalled: {
          on: { progress: { target: 'waiting', actions: assign(({ context, event }) => ({ abort: null, at: { ...context.at, progressAt: event.now } })) } },
        },
      },
    },
    healthy: {
      on: RELEASED_ON,
    },
    progressing: {
      type: 'parallel',
      on: {
        revision: [
          {
            guard: 'isStableRevision',
            target: 'healthy',
            actions: [effects((ctx, event) => backToStableEffects(ctx, event.now, false)), assign(({ context }) => clearRollout(context))],
          },
          {
            guard: 'isNewRevision',
            target: '#canary.progressing',
            reenter: true,
            actions: [
              effects((ctx, event) => supersededEffects(ctx, event.now, eventHash(event))),
              { type: 'startFirstAttempt' },
              effects((ctx, event) => revisionStartedEffects(ctx, event.now)),
            ],
          },
        ],
        analysis: [
          { guard: backgroundIs('Failed', 'Error'), target: 'aborted', actions: abortActions('event') },
          {
            guard: backgroundIs('Successful'),
            actions: assign(({ context }) => ({ runs: withoutGate(context.runs, BACKGROUND_GATE) })),
          },
        ],
        command: [
          { guard: command('abort'), target: 'aborted', actions: abortActions('event') },
          {
            // Re-entering both regions also clears any hold: promote-full is an explicit order to finish.
            guard: command('promote-full'),
            target: '#canary.progressing.flow.fullyScaling',
            actions: [
              effects((ctx) => terminateRuns(ctx.runs)),
              assign(({ context }) => ({ runs: [], blocked: null, stepIndex: context.plan.steps.length, at: { ...context.at, pausedAt: null, heldAt: null } })),
              { type: 'notePromoter' },
            ],
          },
        ],
      },
      states: {
        flow: {
          initial: 'step',
          on: {
            spec: {
              guard: 'planChanged',
              target: '.step',
              actions: [assign(({ event }) => (event.type === 'spec' ? { plan: event.plan as CanaryPlan } : {})), effects(rescaleEffects)],
            },
          },
          states: {
            step: {
              // Routes first, as Argo sets a step's header and mirror routes whatever else the step does or waits for.
              entry: [
                effects((ctx, event) => stepStartedEffects(ctx, event.now)),
                effects(stepRouteEffects),
                assign(({ context }) => ({ headerRoutes: headerRoutesAfterStep(context) })),
                effects((ctx) => (backgroundDue(ctx) ? backgroundStartEffects(ctx) : [])),
                assign(({ context }) =>
                  backgroundDue(context) ? { backgroundRound: 1, runs: [...context.runs, backgroundRun(context, 1)] } : {},
                ),
              ],
              always: [
                { guard: 'stepsDone', target: 'fullyScaling' },
                { guard: 'isScalingStep', target: 'settingWeight' },
                { guard: 'isIndefinitePause', target: 'pausedAtStep' },
                { guard: 'isTimedPause', target: 'pausedForDuration' },
                { guard: 'isHeaderRouteStep', target: 'settingHeaderRoute' },
                { target: 'analyzing' },
              ],
            },
            // Waits for nothing, so it never rests here: the route was set (or removed) on entering the step and the
            // next step starts in the same decision. Like entering a step, it is not held by a pause; a hold stops
            // the waits that follow.
            settingHeaderRoute: {
              always: { target: 'step', actions: assign(({ context }) => advance(context)) },
            },
            settingWeight: {
              entry: [
                assign(({ context, event }) => ({
                  ...startClock(context, event.now),
                  weight: context.plan.hasTrafficRouting ? context.weight : weightAfterStep(context),
                })),
                effects(stepEntryEffects),
              ],
              // A step of zero canary pods (setWeight 0) is in place as soon as it is asked for: no `replicasReady`
              // ever comes for zero pods, so it completes here, like Argo's, unless a hold stops it.
              always: {
                guard: and([NOT_HELD, 'noCanaryPodsToWaitFor', not('awaitsStable')]),
                target: 'step',
                actions: [effects(stepReadyEffects), assign(({ context }) => ({ ...advance(context), weight: weightAfterStep(context) }))],
              },
              on: {
                replicasReady: [
                  {
                    guard: and([NOT_HELD, 'canaryReady', not('awaitsStable')]),
                    target: 'step',
                    actions: [effects(stepReadyEffects), assign(({ context }) => ({ ...advance(context), weight: weightAfterStep(context) }))],
                  },
                  // dynamicStableScale, weight going down: the traffic returns to stable once its pods are there.
                  {
                    guard: and([NOT_HELD, 'stableReady', 'awaitsStable']),
                    target: 'step',
                    actions: [effects(stepReadyEffects), assign(({ context }) => ({ ...advance(context), weight: weightAfterStep(context) }))],
                  },
                ],
                progress: { actions: assign(({ context, event }) => ({ at: { ...context.at, progressAt: event.now } })) },
                tick: { guard: and([NOT_HELD, 'deadlinePassed']), target: '#canary.aborted', actions: abortActions('deadline') },
              },
            },
            pausedAtStep: {
              entry: [
                assign(({ context, event }) => ({ at: { ...context.at, pausedAt: context.at.pausedAt ?? event.now } })),
                effects(pauseScaleEffects),
                effects((ctx, event) => pauseStepEffects(ctx, event.now)),
              ],
              on: {
                command: [
                  { guard: command('promote'), target: 'step', actions: [assign(({ context }) => advance(context)), { type: 'notePromoter' }] },
                  { guard: and([NOT_HELD, command('resume')]), target: 'step', actions: assign(({ context }) => advance(context)) },
                ],
              },
            },
            pausedForDuration: {
              entry: [assign(({ context, event }) => ({ at: { ...context.at, pausedAt: context.at.pausedAt ?? event.now } })), effects(pauseScaleEffects)],
              on: {
                tick: { guard: and([NOT_HELD, 'pauseOver']), target: 'step', actions: assign(({ context }) => advance(context)) },
                command: { guard: command('promote'), target: 'step', actions: [assign(({ context }) => advance(context)), { type: 'notePromoter' }] },
              },
            },
            analyzing: {
              entry: [
                effects(stepRunEffects),
                assign(({ context }) => ({ runs: [...withoutGate(context.runs, stepRun(context).gate), stepRun(context)] })),
              ],
              on: {
                analysis: [
                  {
                    guard: and([NOT_HELD, stepRunIs('Successful')]),
                    target: 'step',
                    actions: assign(({ context }) => ({ ...advance(context), runs: withoutGate(context.runs, stepRun(context).gate) })),
                  },
                  {
                    guard: stepRunIs('Inconclusive'),
                    target: 'inconclusive',
                    actions: [
                      effects((ctx, event) => (event.type === 'analysis' ? inconclusiveEffects(ctx, event.runName, event.message, event.now) : [])),
                      assign(({ context, event }) => ({
                        runs: withoutGate(context.runs, stepRun(context).gate),
                        at: { ...context.at, pausedAt: event.now },
                      })),
                    ],
                  },
                  { guard: stepRunIs('Failed', 'Error'), target: '#canary.aborted', actions: abortActions('event') },
                ],
                command: {
                  guard: command('promote'),
                  target: 'step',
                  actions: [
                    effects(terminateStepRunEffects),
                    assign(({ context }) => ({ ...advance(context), runs: withoutGate(context.runs, stepRun(context).gate) })),
                    { type: 'notePromoter' },
                  ],
                },
              },
            },
            inconclusive: {
              on: {
                command: [
                  { guard: command('promote'), target: 'step', actions: [assign(({ context }) => advance(context)), { type: 'notePromoter' }] },
                  { guard: and([NOT_HELD, command('resume')]), target: 'step', actions: assign(({ context }) => advance(context)) },
                ],
              },
            },
            fullyScaling: {
              entry: [
                assign(({ context, event }) => ({
                  ...startClock(context, event.now),
                  weight: context.plan.hasTrafficRouting ? context.weight : 100,
                })),
                effects(completionEffects),
              ],
              // A Rollout of 0 replicas has no canary pods to become ready: it is promoted as it is.
              always: {
                guard: and([NOT_HELD, 'noPodsToWaitFor']),
                target: '#canary.healthy',
                actions: [
                  effects((ctx, event) => promotionEffects(ctx, event.now)),
                  assign(({ context }) => ({ ...clearRollout(context), stableHash: canaryHashOf(context) })),
                ],
              },
              on: {
                replicasReady: {
                  guard: and([NOT_HELD, 'canaryReady']),
                  target: '#canary.healthy',
                  actions: [
                    effects((ctx, event) => promotionEffects(ctx, event.now)),
                    assign(({ context }) => ({ ...clearRollout(context), stableHash: canaryHashOf(context) })),
                  ],
                },
                progress: { actions: assign(({ context, event }) => ({ at: { ...context.at, progressAt: event.now } })) },
                tick: { guard: and([NOT_HELD, 'deadlinePassed']), target: '#canary.aborted', actions: abortActions('deadline') },
              },
            },
          },
        },
        hold: {
          initial: 'running',
          on: {
            // From any hold: a blocked gate overrides a person's pause or an inconclusive background run.
            gateBlocked: {
              guard: 'isAwaitedRun',
              target: '.gateBlocked',
              actions: [{ type: 'blockGate' }, effects(gateBlockedEffects), effects((ctx, event) => blockedEventOf(ctx, event))],
            },
          },
          states: {
            running: {
              on: {
                command: {
                  guard: command('pause'),
                  target: 'userPaused',
                  actions: [effects((ctx, event) => userPauseEffects(ctx, event.now)), assign(({ context, event }) => ({ at: { ...context.at, heldAt: event.now } }))],
                },
                analysis: {
                  guard: backgroundIs('Inconclusive'),
                  target: 'analysisInconclusive',
                  actions: [
                    effects((ctx, event) => (event.type === 'analysis' ? inconclusiveEffects(ctx, event.runName, event.message, event.now) : [])),
                    assign(({ context, event }) => ({
                      runs: withoutGate(context.runs, BACKGROUND_GATE),
                      at: { ...context.at, heldAt: event.now },
                    })),
                  ],
                },
              },
            },
            userPaused: {
              on: {
                command: {
                  guard: command('resume', 'promote'),
                  target: 'running',
                  actions: assign(({ context, event }) => ({ at: { ...context.at, heldAt: null, progressAt: event.now } })),
                },
              },
            },
            analysisInconclusive: {
              on: {
                command: {
                  guard: command('resume', 'promote'),
                  target: 'running',
                  actions: [
                    effects(backgroundRestartEffects),
                    assign(({ context, event }) => ({
                      backgroundRound: context.backgroundRound + 1,
                      runs: [...context.runs, backgroundRun(context, context.backgroundRound + 1)],
                      at: { ...context.at, heldAt: null, progressAt: event.now },
                    })),
                  ],
                },
              },
            },
            // Traffic is on stable; the flow waits where it is. Promote goes on without the blocked runs.
            gateBlocked: {
              on: {
                gateBlocked: { guard: 'isAwaitedRun', actions: [{ type: 'blockGate' }, effects((ctx, event) => blockedEventOf(ctx, event))] },
                gateReady: { target: 'running', actions: [effects(gateResumedEffects), { type: 'resumeGates' }] },
                command: { guard: command('promote'), target: 'running', actions: [effects(gateRestoreEffects), { type: 'skipGates' }] },
              },
            },
          },
        },
      },
    },
    aborted: {
      initial: 'settling',
      on: {
        command: {
          guard: command('retry'),
          target: 'progressing',
          actions: [
            assign(({ context, event }) => startRevision(context, canaryHashOf(context), context.attempt + 1, event.now)),
            effects((ctx, event) => revisionStartedEffects(ctx, event.now)),
          ],
        },
        revision: [
          {
            guard: 'isStableRevision',
            target: 'healthy',
            actions: [effects((ctx, event) => backToStableEffects(ctx, event.now, true)), assign(({ context }) => clearRollout(context))],
          },
          {
            guard: 'isNewRevision',
            target: 'progressing',
            actions: [
              effects(canaryScaleDownEffects),
              { type: 'startFirstAttempt' },
              effects((ctx, event) => revisionStartedEffects(ctx, event.now)),
            ],
          },
        ],
        spec: {
          guard: 'planChanged',
          actions: [assign(({ event }) => (event.type === 'spec' ? { plan: event.plan as CanaryPlan } : {})), effects(stableScalingEffects)],
        },
      },
      states: {
        settling: {
          always: [
            { guard: 'restoresStableFirst', target: 'restoringStable' },
            { guard: 'scalesDownAtOnce', target: 'scaledDown', actions: effects(canaryScaleDownEffects) },
            { target: 'scalingDown' },
          ],
        },
        // dynamicStableScale: the stable grows back to full size first; traffic goes to it once it is available.
        restoringStable: {
          on: {
            replicasReady: {
              guard: 'stableReady',
              target: 'settling',
              actions: [effects((ctx, event) => [...abortTrafficEffects(ctx), ...trafficBackOf(ctx, event.now)]), assign(({ context, event }) => ({ weight: 0, at: { ...context.at, abortedAt: event.now } }))],
            },
          },
        },
        scalingDown: {
          on: { tick: { guard: 'abortDelayOver', target: 'scaledDown', actions: effects(canaryScaleDownEffects) } },
        },
        scaledDown: {},
      },
    },
  },
});

export type CanaryMachine = typeof canaryMachine;

/** The weight back and the clocks of a rollout that resumes after its gates were blocked. */
function gatesCleared(ctx: CanaryContext, now: number): Partial<CanaryContext> {
  return { weight: ctx.blocked?.weight ?? ctx.weight, blocked: null, at: { ...ctx.at, progressAt: now } };
}

function blockedEventOf(ctx: CanaryContext, event: Ev): Effect[] {
  return event.type === 'gateBlocked' ? gateBlockedEvent(ctx, event.gate, event.message) : [];
}

function isDue(at: number | undefined, now: number): boolean {
  return at !== undefined && now >= at;
}
