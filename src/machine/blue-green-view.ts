// The RolloutView of a blue-green machine state: phase, message, active/preview hashes, pauses and the next timer.
import type { PauseCondition, RolloutPhase } from '../resources/rollout.js';
import {
  abortScaleDownAt,
  autoPromotionAt,
  isSwitched,
  newHashOf,
  newReplicas,
  progressDeadlineAt,
  type BlueGreenContext,
} from './blue-green-context.js';
import { blockedGatesView } from './blocked-gates.js';
import { activeHeldBack, blockedNote, blockedRunEffects } from './blue-green-effects.js';
import { firstReleaseMessage, firstReleaseOf, firstReleasePhase, type FirstRelease } from './first-release.js';
import { toIso } from './machine-context.js';
import { earliest, pauseCondition, progressingPhase, statePath, type ReplicaTarget, type RolloutView } from './rollout-view.js';

interface BlueGreenWhere {
  top: 'adopting' | 'healthy' | 'progressing' | 'aborted';
  adopting?: FirstRelease;
  flow?: string;
  hold?: string;
  aborted?: string;
}

export function blueGreenView(value: unknown, ctx: BlueGreenContext): RolloutView {
  const where = blueGreenWhere(value);
  const liveSwitch = where.top === 'progressing' && isSwitched(ctx) && !activeHeldBack(ctx);
  const view: RolloutView = {
    strategy: 'blueGreen',
    phase: 'Healthy',
    message: '',
    state: statePath(value),
    canaryWeight: liveSwitch ? 100 : 0,
    stableHash: ctx.stableHash,
    activeHash: liveSwitch ? newHashOf(ctx) : ctx.stableHash,
    desiredReplicas: desiredReplicas(where, ctx),
    pauseConditions: pauseConditions(where, ctx),
    analysisRuns: ctx.runs.map((r) => ({ ...r })),
    aborted: where.top === 'aborted',
  };
  if (ctx.newHash !== null) {
    view.previewHash = ctx.newHash;
    view.attempt = ctx.attempt;
  }
  if (ctx.abort !== null) view.abort = { ...ctx.abort, ...(ctx.at.abortedAt === null ? {} : { at: toIso(ctx.at.abortedAt) }) };
  if (ctx.blocked !== null) view.blockedGates = blockedGatesView(ctx.blocked, blockedRunEffects(ctx));
  if (ctx.previous !== null) view.previous = { hash: ctx.previous.hash, scaleDownAt: toIso(ctx.previous.scaleDownAt) };
  view.phase = phaseOf(where, view.pauseConditions);
  view.message = message(where, ctx);
  const wake = nextWakeAt(where, ctx);
  if (wake !== undefined) view.nextWakeAt = wake;
  return view;
}

function blueGreenWhere(value: unknown): BlueGreenWhere {
  if (typeof value === 'string') return { top: value === 'aborted' ? 'aborted' : value === 'progressing' ? 'progressing' : 'healthy' };
  const adopting = firstReleaseOf(value);
  if (adopting !== undefined) return { top: 'adopting', adopting };
  const v = value as Record<string, unknown>;
  if (typeof v.aborted === 'string') return { top: 'aborted', aborted: v.aborted };
  const regions = (v.progressing ?? {}) as Record<string, unknown>;
  return { top: 'progressing', flow: String(regions.flow), hold: String(regions.hold) };
}

function phaseOf(where: BlueGreenWhere, pauses: readonly PauseCondition[]): RolloutPhase {
  if (where.top === 'adopting') return firstReleasePhase(where.adopting ?? 'waiting');
  if (where.top === 'healthy') return 'Healthy';
  // A blocked gate is not the release's fault, but nothing moves until someone fixes the configuration.
  return where.top === 'aborted' || where.hold === 'gateBlocked' ? 'Degraded' : progressingPhase(pauses);
}

function desiredReplicas(where: BlueGreenWhere, ctx: BlueGreenContext): ReplicaTarget[] {
  const stable = { hash: ctx.stableHash, replicas: ctx.plan.replicas };
  const previous = ctx.previous === null ? [] : [{ hash: ctx.previous.hash, replicas: ctx.previous.replicas }];
  if (where.top === 'healthy' || where.top === 'adopting') return [stable, ...previous];
  const replicas = where.aborted === 'scaledDown' ? 0 : newReplicas(ctx);
  return [stable, { hash: newHashOf(ctx), replicas }];
}

function pauseConditions(where: BlueGreenWhere, ctx: BlueGreenContext): PauseCondition[] {
  const pauses: PauseCondition[] = [];
  if (where.flow === 'awaitingPromotion' && !ctx.plan.autoPromotionEnabled) pauses.push(pauseCondition('BlueGreenPause', ctx.at.pausedAt));
  if (where.flow === 'preInconclusive' || where.flow === 'postInconclusive') pauses.push(pauseCondition('InconclusiveAnalysis', ctx.at.pausedAt));
  if (where.hold === 'userPaused') pauses.push(pauseCondition('UserPause', ctx.at.heldAt));
  return pauses;
}

function nextWakeAt(where: BlueGreenWhere, ctx: BlueGreenContext): number | undefined {
  if (where.top === 'aborted') return where.aborted === 'scalingDown' ? abortScaleDownAt(ctx) : undefined;
  if (where.top === 'adopting') return where.adopting === 'waiting' ? progressDeadlineAt(ctx) : undefined;
  if (where.top === 'healthy') return ctx.previous?.scaleDownAt;
  if (where.top !== 'progressing' || where.hold !== 'running') return undefined;
  switch (where.flow) {
    case 'previewing':
    case 'scalingUp':
      return earliest([progressDeadlineAt(ctx)]);
    case 'awaitingPromotion':
      return earliest([autoPromotionAt(ctx)]);
    case 'scalingDownOld':
      // Only a snapshot stored by an older controller rests here: its release is due now.
      return ctx.at.switchedAt ?? undefined;
    default:
      return undefined;
  }
}

function message(where: BlueGreenWhere, ctx: BlueGreenContext): string {
  if (where.top === 'adopting') return firstReleaseMessage(where.adopting ?? 'waiting', ctx);
  if (where.top === 'healthy') return `active ${ctx.stableHash} serves all traffic${previousNote(ctx)}`;
  if (where.top === 'aborted') {
    const pods = where.aborted === 'scaledDown' ? 'preview scaled down' : 'preview pods kept until the abort scale-down delay';
    return `${ctx.abort?.message ?? 'aborted'}; active Service on stable ${ctx.stableHash}, ${pods}; retry or change the spec`;
  }
  if (where.hold === 'gateBlocked' && ctx.blocked !== null) return `${ctx.blocked.message}; ${blockedNote(ctx, ctx.blocked)}`;
  const flow = flowMessage(where.flow ?? '', ctx);
  return where.hold === 'userPaused' ? `paused by a user; resume to continue (${flow})` : flow;
}

function flowMessage(flow: string, ctx: BlueGreenContext): string {
  const hash = newHashOf(ctx);
  switch (flow) {
    case 'previewing':
      return `waiting for ${ctx.plan.previewReplicaCount} preview pod(s) of ${hash}`;
    case 'prePromotionAnalysis':
      return `waiting for pre-promotion analysis of ${hash}`;
    case 'preInconclusive':
    case 'postInconclusive':
      return `analysis of ${hash} was inconclusive; promote or resume to continue`;
    case 'awaitingPromotion':
      return ctx.plan.autoPromotionEnabled
        ? `preview ${hash} ready: promoting automatically after ${ctx.plan.autoPromotionSeconds}s`
        : `preview ${hash} ready: waiting for promote`;
    case 'scalingUp':
      return `waiting for ${ctx.plan.replicas} pod(s) of ${hash} before switching the active Service`;
    case 'postPromotionAnalysis':
      return `active Service on ${hash}: waiting for post-promotion analysis`;
    case 'scalingDownOld':
      return `active Service on ${hash}: releasing it as stable`;
    default:
      return `rolling out ${hash}`;
  }
}

function previousNote(ctx: BlueGreenContext): string {
  return ctx.previous === null ? '' : `; previous revision ${ctx.previous.hash} scales down at ${toIso(ctx.previous.scaleDownAt)}`;
}
