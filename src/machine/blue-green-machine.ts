// The blue-green strategy as an xstate machine, used only through the pure transition functions (see rollout-machine.ts).
//
// adopting (first release) ──pods available──▶ healthy; ──revision──▶ progressing
// healthy ──revision──▶ progressing ─────────────────────────────────────────────────────────────▶ healthy
//   flow: previewing ▶ (prePromotionAnalysis ▶ preInconclusive) ▶ awaitingPromotion ▶ scalingUp ─switch─▶
//         (postPromotionAnalysis ▶ postInconclusive) ▶ scalingDownOld (release)
//   hold: running | userPaused | gateBlocked
// progressing ──abort / failed analysis / deadline──▶ aborted (scalingDown ▶ scaledDown)
//
// The active Service stays on stable until `scalingUp` has the new revision at full size, so an abort before the
// switch leaves users where they were and one during post-promotion analysis switches straight back. Once the
// switch is final (post-promotion analysis passed, or none), the new revision is released as stable and the
// rollout is Healthy, as in Argo Rollouts; the revision the active Service left is `previous`, kept at full size
// until scaleDownDelaySeconds after the switch (a tick in `healthy` scales it down).
// `afterPreview`, `afterSwitch` and `scalingDownOld` are transient: they skip analysis the plan does not have.
// `gateBlocked` holds a rollout whose promotion gate cannot start (a configuration error, docs/adr/0011-…): the
// active Service stays on (or goes back to) stable without a revert until `gateReady` or a promote.
import { and, assign, setup, stateIn } from 'xstate';
import type { CommandAction } from '../resources/rollout.js';
import { abortFromEvent, deadlineAbort } from './abort-cause.js';
import { POST_PROMOTION_GATE, PRE_PROMOTION_GATE, type PromotionGate } from './analysis-gate.js';
import {
  abortScaleDownAt,
  autoPromotionAt,
  INERT_BLUE_GREEN_INPUT,
  initialBlueGreenContext,
  isSwitched,
  NO_BG_CLOCKS,
  newHashOf,
  progressDeadlineAt,
  promotionRun,
  scaleDownOldAt,
  type BlueGreenContext,
  type PreviousRevision,
} from './blue-green-context.js';
import {
  abortEffects,
  adoptionEffects,
  awaitingPromotionEffects,
  backToStableEffects,
  blockedRunEffects,
  gateBlockedEffects,
  gateBlockedEvent,
  gateRestoreEffects,
  gateResumedEffects,
  inconclusiveEffects,
  newScaleDownEffects,
  previewEffects,
  previousScaleDownEffects,
  promotionRunEffects,
  releaseEffects,
  rescaleEffects,
  revisionStartedEffects,
  scaleUpEffects,
  stableScalingEffects,
  supersededEffects,
  switchEffects,
  terminatePromotionRunEffects,
  userPauseEffects,
} from './blue-green-effects.js';
import { terminateRuns, type Effect } from './effects.js';
import { blockedWith } from './blocked-gates.js';
import { firstReleaseStall, firstReleaseStalledEffects } from './first-release.js';
import type { AbortRecord, MachineInput } from './machine-context.js';
import { samePlan } from './plan-equality.js';
import { firstAttemptOf, withAttempt } from './release-attempts.js';
import type { AnalysisPhase, RolloutEvent } from './rollout-event.js';
import type { BlueGreenPlan } from './rollout-plan.js';

type Ev = RolloutEvent;
type Build = (ctx: BlueGreenContext, event: Ev) => Effect[];
type Gate = PromotionGate;
type AbortCause = 'event' | 'deadline';

function effects(build: Build): { type: 'effects'; params: (args: { context: BlueGreenContext; event: Ev }) => { list: Effect[] } } {
  return { type: 'effects', params: ({ context, event }) => ({ list: build(context, event) }) };
}

function command(...actions: CommandAction[]): { type: 'isCommand'; params: { actions: CommandAction[] } } {
  return { type: 'isCommand', params: { actions } };
}

function runIs(gate: Gate, ...phases: AnalysisPhase[]): { type: 'isRun'; params: { gate: Gate; phases: AnalysisPhase[] } } {
  return { type: 'isRun', params: { gate, phases } };
}

const NOT_HELD = stateIn('#blueGreen.progressing.hold.running');

const abortActions = (cause: AbortCause) =>
  [
    { type: 'recordAbort', params: { cause } },
    effects((ctx, event) => abortEffects(ctx, event.now)),
    { type: 'clearAfterAbort' },
  ] as const;

function abortRecord(ctx: BlueGreenContext, event: Ev, cause: AbortCause): AbortRecord {
  if (cause === 'deadline') return deadlineAbort(newHashOf(ctx), ctx.plan.progressDeadlineSeconds);
  return abortFromEvent(event) ?? { reason: 'UserAbort', message: 'aborted' };
}

const startRevision = (ctx: BlueGreenContext, hash: string, attempt: number): Partial<BlueGreenContext> => ({
  newHash: hash,
  attempt,
  lastAttempts: withAttempt(ctx.lastAttempts, hash, attempt),
  newAtFullSize: false,
  runs: [],
  abort: null,
  blocked: null,
  previous: null,
  promotedBy: undefined,
  at: NO_BG_CLOCKS,
});

/** When the old revision scales down: scaleDownDelaySeconds after the switch, or now when that is past. */
function releaseScaleDownAt(ctx: BlueGreenContext, now: number): number {
  return Math.max(now, scaleDownOldAt(ctx) ?? now);
}

/** The old stable revision, kept for its scale-down after a release; null when it goes at once. */
function previousAfterRelease(ctx: BlueGreenContext, now: number): PreviousRevision | null {
  const scaleDownAt = releaseScaleDownAt(ctx, now);
  return scaleDownAt <= now ? null : { hash: ctx.stableHash, replicas: ctx.plan.replicas, scaleDownAt };
}

const CLEARED: Partial<BlueGreenContext> = { newHash: null, attempt: 0, newAtFullSize: false, runs: [], abort: null, blocked: null, promotedBy: undefined, at: NO_BG_CLOCKS };

const eventHash = (event: Ev): string => (event.type === 'revision' ? event.hash : '');

/** Waiting on a pre- or post-promotion run: it passes to `passed`, pauses at `inconclusive`, or aborts. */
function analysisState(gate: Gate, passed: 'awaitingPromotion' | 'scalingDownOld', inconclusive: 'preInconclusive' | 'postInconclusive') {
  return {
    entry: [effects((ctx) => promotionRunEffects(ctx, gate)), { type: 'addPromotionRun', params: { gate } }],
    on: {
      analysis: [
        { guard: and([NOT_HELD, runIs(gate, 'Successful')]), target: passed, actions: { type: 'dropPromotionRun', params: { gate } } },
        {
          guard: runIs(gate, 'Inconclusive'),
          target: inconclusive,
          actions: [
            effects((ctx, event) => (event.type === 'analysis' ? inconclusiveEffects(ctx, event.runName, event.message, event.now) : [])),
            { type: 'dropPromotionRun', params: { gate } },
            { type: 'markPaused' },
          ],
        },
        { guard: runIs(gate, 'Failed', 'Error'), target: '#blueGreen.aborted', actions: abortActions('event') },
      ],
      command: {
        guard: command('promote'),
        target: passed,
        actions: [
          effects((ctx) => terminatePromotionRunEffects(ctx, gate)),
          { type: 'dropPromotionRun', params: { gate } },
          ...(gate === POST_PROMOTION_GATE ? [{ type: 'notePromoter' } as const] : []),
        ],
      },
    },
  } as const;
}

/**
 * A released Rollout (a first release or Healthy): a new revision is previewed, a changed plan rescales active.
 * A previous revision still waiting for its scale-down goes now, unless it is the one coming back.
 */
const RELEASED_ON = {
  revision: {
    guard: 'isNewRevision',
    target: 'progressing',
    actions: [
      effects((ctx, event) => (ctx.previous?.hash === eventHash(event) ? [] : previousScaleDownEffects(ctx))),
      { type: 'startFirstAttempt' },
      effects((ctx, event) => revisionStartedEffects(ctx, event.now)),
    ],
  },
  spec: { guard: 'planChanged', actions: [{ type: 'adoptPlan' }, effects(stableScalingEffects)] },
} as const;

export const blueGreenMachine = setup({
  types: {
    context: {} as BlueGreenContext,
    events: {} as RolloutEvent,
    input: {} as MachineInput<BlueGreenPlan>,
  },
  actions: {
    // Never executed: pure transitions return it, and the reconciler executes `params.list`.
    effects: (_args, _params: { list: Effect[] }) => undefined,
    startFirstAttempt: assign(({ context, event }) => startRevision(context, eventHash(event), firstAttemptOf(context.lastAttempts, eventHash(event)))),
    adoptPlan: assign(({ event }) => (event.type === 'spec' ? { plan: event.plan as BlueGreenPlan } : {})),
    // A run whose verdict caused the abort has finished: it is dropped, not terminated.
    recordAbort: assign(({ context, event }, params: { cause: AbortCause }) => ({
      abort: abortRecord(context, event, params.cause),
      runs: context.runs.filter((r) => event.type !== 'analysis' || r.name !== event.runName),
    })),
    addPromotionRun: assign(({ context }, params: { gate: Gate }) => ({
      runs: [...context.runs.filter((r) => r.gate !== params.gate), promotionRun(context, params.gate)],
    })),
    /** A finished (or skipped) promotion run leaves the list; the machine no longer waits on it. */
    dropPromotionRun: assign(({ context }, params: { gate: Gate }) => ({ runs: context.runs.filter((r) => r.gate !== params.gate) })),
    markPaused: assign(({ context, event }) => ({ at: { ...context.at, pausedAt: event.now } })),
    release: assign(({ context, event }) => ({ ...CLEARED, stableHash: newHashOf(context), previous: previousAfterRelease(context, event.now) })),
    clearAfterAbort: assign(({ context, event }) => ({ runs: [], blocked: null, at: { ...NO_BG_CLOCKS, switchedAt: context.at.switchedAt, abortedAt: event.now } })),
    // The run was never created: it leaves the list without a terminate.
    blockGate: assign(({ context, event }) =>
      event.type !== 'gateBlocked' ? {} : { blocked: blockedWith(context.blocked, event, {}), runs: context.runs.filter((r) => r.name !== event.runName) },
    ),
    resumeGates: assign(({ context, event }) => ({
      runs: [...context.runs, ...blockedRunEffects(context).map((e) => ({ gate: e.gate, name: e.name }))],
      blocked: null,
      at: { ...context.at, progressAt: context.at.progressAt === null ? null : event.now },
    })),
    skipGates: assign({ blocked: null }),
    // A person's promote that releases the new revision (no more waiting after it) is the release's verdict.
    notePromoter: assign(({ event }) => (event.type === 'command' ? { promotedBy: event.actor } : {})),
  },
  guards: {
    isNewRevision: ({ context, event }) =>
      event.type === 'revision' && event.hash !== context.stableHash && event.hash !== context.newHash,
    isStableRevision: ({ context, event }) => event.type === 'revision' && event.hash === context.stableHash,
    planChanged: ({ context, event }) =>
      event.type === 'spec' && event.plan.strategy === 'blueGreen' && !samePlan(event.plan, context.plan),
    isCommand: ({ event }, params: { actions: CommandAction[] }) =>
      event.type === 'command' && params.actions.includes(event.action),
    isAwaitedRun: ({ context, event }) => event.type === 'gateBlocked' && context.runs.some((r) => r.gate === event.gate && r.name === event.runName),
    newReady: ({ context, event }) => event.type === 'replicasReady' && event.hash === context.newHash,
    stableReady: ({ context, event }) => event.type === 'replicasReady' && event.hash === context.stableHash,
    noPodsToWaitFor: ({ context }) => context.plan.replicas === 0,
    deadlinePassed: ({ context, event }) => event.type === 'tick' && isDue(progressDeadlineAt(context), event.now),
    autoPromotionDue: ({ context, event }) => event.type === 'tick' && isDue(autoPromotionAt(context), event.now),
    promotesAtOnce: ({ context }) => context.plan.autoPromotionEnabled && context.plan.autoPromotionSeconds === 0,
    waitsForPerson: ({ context }) => !context.plan.autoPromotionEnabled,
    previousScaleDownDue: ({ context, event }) => event.type === 'tick' && isDue(context.previous?.scaleDownAt, event.now),
    abortDelayOver: ({ context, event }) => event.type === 'tick' && isDue(abortScaleDownAt(context), event.now),
    scalesDownAtOnce: ({ context }) => context.plan.abortScaleDownDelaySeconds === 0,
    isRun: ({ context, event }, params: { gate: Gate; phases: AnalysisPhase[] }) =>
      event.type === 'analysis' &&
      event.gate === params.gate &&
      context.runs.some((r) => r.gate === params.gate && r.name === event.runName) &&
      params.phases.includes(event.phase),
    hasPrePromotionAnalysis: ({ context }) => context.plan.prePromotionAnalysis !== undefined,
    hasPostPromotionAnalysis: ({ context }) => context.plan.postPromotionAnalysis !== undefined,
    switched: ({ context }) => isSwitched(context),
  },
}).createMachine({
  id: 'blueGreen',
  // See the canary machine: transition()'s inert actor has no input.
  context: ({ input }) => initialBlueGreenContext(input ?? INERT_BLUE_GREEN_INPUT),
  initial: 'adopting',
  states: {
    // A first release: active at full size at once, Progressing until its pods are available.
    adopting: {
      entry: effects((ctx) => adoptionEffects(ctx)),
      initial: 'waiting',
      always: { guard: 'noPodsToWaitFor', target: 'healthy', actions: assign(CLEARED) },
      on: {
        replicasReady: { guard: 'stableReady', target: 'healthy', actions: assign(CLEARED) },
        // A fix for a first release that never came up is previewed beside it like any new revision.
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
      on: {
        ...RELEASED_ON,
        tick: { guard: 'previousScaleDownDue', actions: [effects(previousScaleDownEffects), assign({ previous: null })] },
      },
    },
    progressing: {
      type: 'parallel',
      on: {
        revision: [
          {
            guard: 'isStableRevision',
            target: 'healthy',
            actions: [effects((ctx, event) => backToStableEffects(ctx, event.now, false)), assign(CLEARED)],
          },
          {
            guard: 'isNewRevision',
            target: '#blueGreen.progressing',
            reenter: true,
            actions: [
              effects((ctx, event) => supersededEffects(ctx, event.now, eventHash(event))),
              { type: 'startFirstAttempt' },
              effects((ctx, event) => revisionStartedEffects(ctx, event.now)),
            ],
          },
        ],
        spec: {
          guard: 'planChanged',
          actions: [{ type: 'adoptPlan' }, effects(rescaleEffects)],
        },
        command: [
          { guard: command('abort'), target: 'aborted', actions: abortActions('event') },
          {
            // Re-entering both regions also clears a user pause: promote-full is an explicit order to finish.
            guard: and([command('promote-full'), 'switched']),
            target: '#blueGreen.progressing.flow.scalingDownOld',
            actions: [effects((ctx) => [...gateRestoreEffects(ctx), ...terminateRuns(ctx.runs)]), assign({ runs: [], blocked: null }), { type: 'notePromoter' }],
          },
          {
            guard: command('promote-full'),
            target: '#blueGreen.progressing.flow.scalingUp',
            actions: [effects((ctx) => terminateRuns(ctx.runs)), assign({ runs: [], blocked: null }), { type: 'notePromoter' }],
          },
        ],
      },
      states: {
        flow: {
          initial: 'previewing',
          states: {
            previewing: {
              entry: [assign(({ context, event }) => ({ at: { ...context.at, progressAt: event.now } })), effects(previewEffects)],
              on: {
                replicasReady: { guard: and([NOT_HELD, 'newReady']), target: 'afterPreview' },
                progress: { actions: assign(({ context, event }) => ({ at: { ...context.at, progressAt: event.now } })) },
                tick: { guard: and([NOT_HELD, 'deadlinePassed']), target: '#blueGreen.aborted', actions: abortActions('deadline') },
              },
            },
            afterPreview: {
              always: [{ guard: 'hasPrePromotionAnalysis', target: 'prePromotionAnalysis' }, { target: 'awaitingPromotion' }],
            },
            prePromotionAnalysis: analysisState(PRE_PROMOTION_GATE, 'awaitingPromotion', 'preInconclusive'),
            preInconclusive: {
              on: {
                command: [
                  { guard: command('promote'), target: 'awaitingPromotion' },
                  { guard: and([NOT_HELD, command('resume')]), target: 'awaitingPromotion' },
                ],
              },
            },
            awaitingPromotion: {
              entry: [assign(({ context, event }) => ({ at: { ...context.at, pausedAt: event.now, progressAt: null } })), effects((ctx, event) => awaitingPromotionEffects(ctx, event.now))],
              always: { guard: and([NOT_HELD, 'promotesAtOnce']), target: 'scalingUp' },
              on: {
                tick: { guard: and([NOT_HELD, 'autoPromotionDue']), target: 'scalingUp' },
                command: [
                  { guard: command('promote'), target: 'scalingUp', actions: { type: 'notePromoter' } },
                  { guard: and([NOT_HELD, 'waitsForPerson', command('resume')]), target: 'scalingUp', actions: { type: 'notePromoter' } },
                ],
              },
            },
            scalingUp: {
              entry: [
                assign(({ context, event }) => ({ newAtFullSize: true, at: { ...context.at, pausedAt: null, progressAt: event.now } })),
                effects(scaleUpEffects),
              ],
              on: {
                replicasReady: {
                  guard: and([NOT_HELD, 'newReady']),
                  target: 'afterSwitch',
                  actions: [effects(switchEffects), assign(({ context, event }) => ({ at: { ...context.at, switchedAt: event.now, progressAt: null } }))],
                },
                progress: { actions: assign(({ context, event }) => ({ at: { ...context.at, progressAt: event.now } })) },
                tick: { guard: and([NOT_HELD, 'deadlinePassed']), target: '#blueGreen.aborted', actions: abortActions('deadline') },
              },
            },
            afterSwitch: {
              always: [{ guard: 'hasPostPromotionAnalysis', target: 'postPromotionAnalysis' }, { target: 'scalingDownOld' }],
            },
            postPromotionAnalysis: analysisState(POST_PROMOTION_GATE, 'scalingDownOld', 'postInconclusive'),
            postInconclusive: {
              on: {
                command: [
                  { guard: command('promote'), target: 'scalingDownOld', actions: { type: 'notePromoter' } },
                  { guard: and([NOT_HELD, command('resume')]), target: 'scalingDownOld', actions: { type: 'notePromoter' } },
                ],
              },
            },
            // The switch is final: released at once. Older controllers rested here for the scale-down delay; a
            // snapshot they stored here is released by its next tick.
            scalingDownOld: {
              always: { target: '#blueGreen.healthy', actions: releaseActions() },
              on: { tick: { target: '#blueGreen.healthy', actions: releaseActions() } },
            },
          },
        },
        hold: {
          initial: 'running',
          on: {
            // From any hold: a blocked gate overrides a person's pause.
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
              },
            },
            userPaused: {
              on: {
                command: {
                  guard: command('resume', 'promote'),
                  target: 'running',
                  actions: assign(({ context, event }) => ({
                    at: { ...context.at, heldAt: null, progressAt: context.at.progressAt === null ? null : event.now },
                  })),
                },
              },
            },
            // Users are on stable; the flow waits at its gate. Promote goes on without the blocked run.
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
            assign(({ context }) => startRevision(context, newHashOf(context), context.attempt + 1)),
            effects((ctx, event) => revisionStartedEffects(ctx, event.now)),
          ],
        },
        revision: [
          {
            guard: 'isStableRevision',
            target: 'healthy',
            actions: [effects((ctx, event) => backToStableEffects(ctx, event.now, true)), assign(CLEARED)],
          },
          {
            guard: 'isNewRevision',
            target: 'progressing',
            actions: [
              effects(newScaleDownEffects),
              { type: 'startFirstAttempt' },
              effects((ctx, event) => revisionStartedEffects(ctx, event.now)),
            ],
          },
        ],
        spec: {
          guard: 'planChanged',
          actions: [{ type: 'adoptPlan' }, effects(stableScalingEffects)],
        },
      },
      states: {
        settling: {
          always: [{ guard: 'scalesDownAtOnce', target: 'scaledDown', actions: effects(newScaleDownEffects) }, { target: 'scalingDown' }],
        },
        scalingDown: {
          on: { tick: { guard: 'abortDelayOver', target: 'scaledDown', actions: effects(newScaleDownEffects) } },
        },
        scaledDown: {},
      },
    },
  },
});

export type BlueGreenMachine = typeof blueGreenMachine;

function blockedEventOf(ctx: BlueGreenContext, event: Ev): Effect[] {
  return event.type === 'gateBlocked' ? gateBlockedEvent(ctx, event.gate, event.message) : [];
}

function releaseActions() {
  return [effects((ctx, event) => releaseEffects(ctx, event.now, releaseScaleDownAt(ctx, event.now))), { type: 'release' }] as const;
}

function isDue(at: number | undefined, now: number): boolean {
  return at !== undefined && now >= at;
}
