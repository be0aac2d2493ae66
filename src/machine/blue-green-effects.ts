// The effects the blue-green machine emits at each moment of a rollout, as pure functions of its context.
import { isSwitched, newHashOf, newReplicas, promotionRun, type BlueGreenContext } from './blue-green-context.js';
import { POST_PROMOTION_GATE, PRE_PROMOTION_GATE, type PromotionGate } from './analysis-gate.js';
import { blockedAdvice, gatesLabel } from './blocked-gates.js';
import { abortMoments, abortVerdict, gitRevertEffects, kubeEvent, promotionVerdict, recordMoment, terminateRuns, trafficBackEffects, type Effect, type EffectOf } from './effects.js';
import { toIso, type BlockedGates } from './machine-context.js';

export function adoptionEffects(ctx: BlueGreenContext): Effect[] {
  return [
    { type: 'scaleReplicaSet', hash: ctx.stableHash, replicas: ctx.plan.replicas },
    { type: 'switchActiveService', hash: ctx.stableHash },
    { type: 'setPreviewService', hash: ctx.stableHash },
  ];
}

export function stableScalingEffects(ctx: BlueGreenContext): Effect[] {
  return [{ type: 'scaleReplicaSet', hash: ctx.stableHash, replicas: ctx.plan.replicas }];
}

/** A release starts: recorded in status.history; only a retry is an Event (ADR 0019). */
export function revisionStartedEffects(ctx: BlueGreenContext, now: number): Effect[] {
  const hash = newHashOf(ctx);
  const effects: Effect[] = [{ type: 'recordRevision', hash, attempt: ctx.attempt, outcome: 'Progressing', at: toIso(now) }];
  if (ctx.attempt > 1) {
    effects.push(kubeEvent({ reason: 'RolloutRetried', hash, attempt: ctx.attempt }, 'Normal', `previewing ${hash} beside active ${ctx.stableHash}, attempt ${ctx.attempt}`));
  }
  return effects;
}

export function previewEffects(ctx: BlueGreenContext): Effect[] {
  const hash = newHashOf(ctx);
  return [
    { type: 'scaleReplicaSet', hash, replicas: ctx.plan.previewReplicaCount },
    { type: 'setPreviewService', hash },
  ];
}

/** A changed plan mid-rollout: both ReplicaSets get the counts the new plan implies for where the rollout is. */
export function rescaleEffects(ctx: BlueGreenContext): Effect[] {
  return [
    { type: 'scaleReplicaSet', hash: ctx.stableHash, replicas: ctx.plan.replicas },
    { type: 'scaleReplicaSet', hash: newHashOf(ctx), replicas: newReplicas(ctx) },
  ];
}

export function scaleUpEffects(ctx: BlueGreenContext): Effect[] {
  return [{ type: 'scaleReplicaSet', hash: newHashOf(ctx), replicas: ctx.plan.replicas }];
}

export function switchEffects(ctx: BlueGreenContext): Effect[] {
  const hash = newHashOf(ctx);
  return [
    { type: 'switchActiveService', hash },
    kubeEvent({ reason: 'ActiveSwitched', hash, attempt: ctx.attempt }, 'Normal', `active Service switched from ${ctx.stableHash} to ${hash}`),
  ];
}

export function promotionRunEffects(ctx: BlueGreenContext, gate: PromotionGate): Array<EffectOf<'createAnalysisRun'>> {
  const analysis = gate === PRE_PROMOTION_GATE ? ctx.plan.prePromotionAnalysis : ctx.plan.postPromotionAnalysis;
  const run = promotionRun(ctx, gate);
  if (analysis === undefined || ctx.runs.some((r) => r.name === run.name)) return [];
  return [
    {
      type: 'createAnalysisRun',
      gate,
      name: run.name,
      templates: analysis.templates,
      args: analysis.args,
      canaryHash: newHashOf(ctx),
      stableHash: ctx.stableHash,
      ...(analysis.runOptions === undefined ? {} : { options: analysis.runOptions }),
    },
  ];
}

export function terminatePromotionRunEffects(ctx: BlueGreenContext, gate: PromotionGate): Effect[] {
  const run = promotionRun(ctx, gate);
  return terminateRuns(ctx.runs.filter((r) => r.name === run.name));
}

/**
 * The active Service is on the new revision and its post-promotion analysis (if any) passed: it is released as
 * stable. The old revision scales to zero now when scaleDownDelaySeconds is 0, else at `scaleDownAt`.
 */
export function releaseEffects(ctx: BlueGreenContext, now: number, scaleDownAt: number): Effect[] {
  const hash = newHashOf(ctx);
  const atOnce = scaleDownAt <= now;
  return [
    ...terminateRuns(ctx.runs),
    { type: 'setPreviewService', hash },
    ...(atOnce ? [{ type: 'scaleReplicaSet', hash: ctx.stableHash, replicas: 0 } as const] : []),
    { type: 'recordRevision', hash, attempt: ctx.attempt, outcome: 'Promoted', at: toIso(now), verdict: promotionVerdict(ctx.promotedBy, `promoted ${hash}`, 'AutoPromotion') },
    kubeEvent(
      { reason: 'RolloutCompleted', hash, attempt: ctx.attempt },
      'Normal',
      `promoted ${hash}; ${ctx.stableHash} ${atOnce ? 'scaled down' : `scales down at ${toIso(scaleDownAt)}`}`,
    ),
  ];
}

/** The previous revision's scale-down delay is over, or a newer rollout makes keeping it pointless. */
export function previousScaleDownEffects(ctx: BlueGreenContext): Effect[] {
  return ctx.previous === null ? [] : [{ type: 'scaleReplicaSet', hash: ctx.previous.hash, replicas: 0 }];
}

/** The active Service goes (back) to stable in this very decision; the new pods go later. Expects `ctx.abort`. */
export function abortEffects(ctx: BlueGreenContext, now: number): Effect[] {
  const hash = newHashOf(ctx);
  const abort = ctx.abort;
  const message = abort?.message ?? 'aborted';
  const effects: Effect[] = [
    { type: 'switchActiveService', hash: ctx.stableHash },
    ...trafficBackEffects({ hash, attempt: ctx.attempt }, ctx.stableHash, now),
    { type: 'scaleReplicaSet', hash: ctx.stableHash, replicas: ctx.plan.replicas },
    ...terminateRuns(ctx.runs),
  ];
  effects.push(
    ...abortMoments({ hash, attempt: ctx.attempt }, abort, now),
    { type: 'recordRevision', hash, attempt: ctx.attempt, outcome: 'Aborted', at: toIso(now), verdict: abortVerdict(abort) },
    kubeEvent({ reason: 'RolloutAborted', hash, attempt: ctx.attempt }, 'Warning', message),
    // Last: git is slow and runs in the background; everything above is done and recorded first.
    ...gitRevertEffects(ctx.plan.gitRevert, abort, { failingHash: hash, stableHash: ctx.stableHash, attempt: ctx.attempt }),
  );
  return effects;
}

export function newScaleDownEffects(ctx: BlueGreenContext): Effect[] {
  return [
    { type: 'setPreviewService', hash: ctx.stableHash },
    { type: 'scaleReplicaSet', hash: newHashOf(ctx), replicas: 0 },
  ];
}

export function supersededEffects(ctx: BlueGreenContext, now: number, by: string): Effect[] {
  const hash = newHashOf(ctx);
  return [
    { type: 'switchActiveService', hash: ctx.stableHash },
    { type: 'scaleReplicaSet', hash: ctx.stableHash, replicas: ctx.plan.replicas },
    ...terminateRuns(ctx.runs),
    { type: 'scaleReplicaSet', hash, replicas: 0 },
    { type: 'recordRevision', hash, attempt: ctx.attempt, outcome: 'Superseded', at: toIso(now) },
    kubeEvent({ reason: 'RolloutSuperseded', hash, attempt: ctx.attempt, detail: by }, 'Normal', `${hash} superseded by ${by}`),
  ];
}

export function backToStableEffects(ctx: BlueGreenContext, now: number, wasAborted: boolean): Effect[] {
  const hash = newHashOf(ctx);
  const effects: Effect[] = [
    { type: 'switchActiveService', hash: ctx.stableHash },
    { type: 'scaleReplicaSet', hash: ctx.stableHash, replicas: ctx.plan.replicas },
    ...terminateRuns(ctx.runs),
    { type: 'setPreviewService', hash: ctx.stableHash },
    { type: 'scaleReplicaSet', hash, replicas: 0 },
  ];
  if (!wasAborted) effects.push({ type: 'recordRevision', hash, attempt: ctx.attempt, outcome: 'Superseded', at: toIso(now) });
  effects.push(
    kubeEvent(
      { reason: 'RolloutReturnedToStable', hash, attempt: ctx.attempt },
      'Normal',
      `spec is back on stable ${ctx.stableHash}; ${hash} scaled down`,
    ),
  );
  return effects;
}

export function awaitingPromotionEffects(ctx: BlueGreenContext, now: number): Effect[] {
  if (ctx.plan.autoPromotionEnabled) return [];
  const hash = newHashOf(ctx);
  return [
    recordMoment({ hash, attempt: ctx.attempt }, ctx.at.pausedAt ?? now, { kind: 'pause', reason: 'BlueGreenPause' }),
    kubeEvent({ reason: 'RolloutPaused', hash, attempt: ctx.attempt }, 'Normal', `preview ${hash} is ready: waiting for promote`)];
}

/** A person paused the rollout. */
export function userPauseEffects(ctx: BlueGreenContext, now: number): Effect[] {
  return [recordMoment({ hash: newHashOf(ctx), attempt: ctx.attempt }, now, { kind: 'pause', reason: 'UserPause' })];
}

export function inconclusiveEffects(ctx: BlueGreenContext, runName: string, message: string, now: number): Effect[] {
  const hash = newHashOf(ctx);
  return [
    recordMoment({ hash, attempt: ctx.attempt }, now, { kind: 'pause', reason: 'InconclusiveAnalysis' }),
    kubeEvent(
      { reason: 'AnalysisInconclusive', hash, attempt: ctx.attempt, detail: runName },
      'Warning',
      `analysis ${runName} was inconclusive${message === '' ? '' : `: ${message}`}; promote or resume to continue`,
    ),
  ];
}

/** True while post-promotion analysis is blocked after the switch: the active Service is back on stable meanwhile. */
export function activeHeldBack(ctx: BlueGreenContext): boolean {
  return isSwitched(ctx) && (ctx.blocked?.gates.includes(POST_PROMOTION_GATE) ?? false);
}

/** A gate could not start (see blocked-gates.ts): users stay on, or go back to, stable, without a revert. */
export function gateBlockedEffects(ctx: BlueGreenContext): Effect[] {
  return activeHeldBack(ctx) ? [{ type: 'switchActiveService', hash: ctx.stableHash }] : [];
}

/** One Warning per gate that could not start, worded as the status message is. */
export function gateBlockedEvent(ctx: BlueGreenContext, gate: string, message: string): Effect[] {
  if (ctx.blocked === null) return [];
  const hash = newHashOf(ctx);
  return [kubeEvent({ reason: 'AnalysisGateBlocked', hash, attempt: ctx.attempt, detail: gate }, 'Warning', `${message}; ${blockedNote(ctx, ctx.blocked)}`)];
}

/** What blocked gates mean for traffic and what to do, after the cause in the status message and the Event. */
export function blockedNote(ctx: BlueGreenContext, blocked: BlockedGates): string {
  const where = activeHeldBack(ctx) ? 'back on' : 'on';
  return `active Service ${where} stable ${ctx.stableHash}, ${newHashOf(ctx)} kept; ${blockedAdvice(blocked)}`;
}

/** The runs the blocked gates still need, as a `gateReady` creates them. */
export function blockedRunEffects(ctx: BlueGreenContext): Array<EffectOf<'createAnalysisRun'>> {
  return (ctx.blocked?.gates ?? []).flatMap((gate) => (gate === PRE_PROMOTION_GATE || gate === POST_PROMOTION_GATE ? promotionRunEffects(ctx, gate) : []));
}

/** Users back where the rollout had taken them before the gate blocked. */
export function gateRestoreEffects(ctx: BlueGreenContext): Effect[] {
  return activeHeldBack(ctx) ? [{ type: 'switchActiveService', hash: newHashOf(ctx) }] : [];
}

/** The blocked gates can start: the active Service back first, so that post-promotion analysis measures it. */
export function gateResumedEffects(ctx: BlueGreenContext): Effect[] {
  const gates = ctx.blocked?.gates ?? [];
  return [
    ...gateRestoreEffects(ctx),
    ...blockedRunEffects(ctx),
    kubeEvent({ reason: 'AnalysisGateResumed', hash: newHashOf(ctx), attempt: ctx.attempt, detail: gates.join(',') }, 'Normal', `${gatesLabel(gates)} can start now`),
  ];
}
