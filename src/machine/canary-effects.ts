// The effects the canary machine emits at each moment of a rollout, as pure functions of its context.
import { stepLabel } from '../resources/step-label.js';
import { BACKGROUND_GATE } from './analysis-gate.js';
import { blockedAdvice, gatesLabel } from './blocked-gates.js';
import { dynamicStable, splitAt, splitForCompletion, weightAt } from './canary-replicas.js';
import { backgroundRun, canaryHashOf, currentStep, hasRun, restoresStableFirst, stepRun, type CanaryContext } from './canary-context.js';
import { abortMoments, abortVerdict, gitRevertEffects, kubeEvent, promotionVerdict, recordMoment, terminateRuns, trafficBackEffects, type Effect, type EffectOf } from './effects.js';
import { toIso, type ActiveRun, type BlockedGates } from './machine-context.js';
import { canaryScaleOf, routeChangesOf, weightSetBy, type AnalysisPlan } from './rollout-plan.js';

/** First sight of a Rollout: its template is stable, at full size, with every Service and route on it. */
export function adoptionEffects(ctx: CanaryContext): Effect[] {
  const stable = ctx.stableHash;
  return [
    { type: 'scaleReplicaSet', hash: stable, replicas: ctx.plan.replicas },
    { type: 'setStableService', hash: stable },
    { type: 'setCanaryService', hash: stable },
    { type: 'resetTraffic', canaryHash: stable, stableHash: stable },
  ];
}

export function stableScalingEffects(ctx: CanaryContext): Effect[] {
  return [{ type: 'scaleReplicaSet', hash: ctx.stableHash, replicas: ctx.plan.replicas }];
}

/**
 * A release starts: recorded in status.history. Only a retry (a person asked for it) is an Event; a first attempt's
 * start is named by the Event of its outcome (ADR 0019).
 */
export function revisionStartedEffects(ctx: CanaryContext, now: number): Effect[] {
  const hash = canaryHashOf(ctx);
  const effects: Effect[] = [
    { type: 'setCanaryService', hash },
    { type: 'recordRevision', hash, attempt: ctx.attempt, outcome: 'Progressing', at: toIso(now) },
  ];
  if (ctx.attempt > 1) {
    const message = `rolling out ${hash} over ${ctx.plan.steps.length} step(s), attempt ${ctx.attempt}; stable is ${ctx.stableHash}`;
    effects.push(kubeEvent({ reason: 'RolloutRetried', hash, attempt: ctx.attempt }, 'Normal', message));
  }
  return effects;
}

/**
 * Entering a setWeight or setCanaryScale step: the canary grows first; a replica-ratio canary's weight is its pod
 * count, so the weight is recorded now, while a router's weight moves only once the pods are ready.
 */
export function stepEntryEffects(ctx: CanaryContext): Effect[] {
  const effects = splitEffects(ctx);
  const step = currentStep(ctx);
  if (!ctx.plan.hasTrafficRouting && step?.kind === 'setWeight') effects.push(weightEffect(ctx, step.weight));
  return effects;
}

/**
 * The canary pods of a step are ready: a router now sends them their share; with dynamicStableScale the stable then
 * shrinks to the share it keeps (only after the traffic left it).
 */
export function stepReadyEffects(ctx: CanaryContext): Effect[] {
  const step = currentStep(ctx);
  const weight = step === undefined ? undefined : weightSetBy(step);
  if (!ctx.plan.hasTrafficRouting || weight === undefined) return [];
  const effects: Effect[] = [weightEffect(ctx, weight)];
  if (ctx.plan.dynamicStableScale === true) effects.push({ type: 'scaleReplicaSet', hash: ctx.stableHash, replicas: dynamicStable(ctx.plan, weight, weight) });
  return effects;
}

/** The weight in force after the current step's effects; pauses and analysis keep the previous one. */
export function weightAfterStep(ctx: CanaryContext): number {
  return weightAt(ctx.plan, ctx.stepIndex);
}

/** A changed plan: pauses and analysis do not scale on entry, so their replica counts are re-emitted here. */
export function rescaleEffects(ctx: CanaryContext): Effect[] {
  const step = currentStep(ctx);
  if (step === undefined || step.kind === 'setWeight' || canaryScaleOf(step) !== undefined) return [];
  return splitEffects(ctx);
}

/** A pause with a setCanaryScale beside it scales the canary as it is entered (the pause does not wait for it). */
export function pauseScaleEffects(ctx: CanaryContext): Effect[] {
  const step = currentStep(ctx);
  return step?.kind === 'pause' && step.canaryScale !== undefined ? splitEffects(ctx) : [];
}

export function completionEffects(ctx: CanaryContext): Effect[] {
  const split = splitForCompletion(ctx.plan, ctx.weight);
  const effects: Effect[] = [
    { type: 'scaleReplicaSet', hash: canaryHashOf(ctx), replicas: split.canary },
    { type: 'scaleReplicaSet', hash: ctx.stableHash, replicas: split.stable },
  ];
  if (!ctx.plan.hasTrafficRouting) effects.push(weightEffect(ctx, 100));
  return effects;
}

/** The canary becomes stable: Services follow it, the route goes back to "all stable", the old pods go. */
export function promotionEffects(ctx: CanaryContext, now: number): Effect[] {
  const hash = canaryHashOf(ctx);
  // All traffic is on the canary before the header routes go, so removing them changes no request's version.
  const effects: Effect[] = ctx.plan.hasTrafficRouting ? [weightEffect(ctx, 100)] : [];
  effects.push(
    ...removeHeaderRoutes(ctx),
    // Ping-pong (Argo docs): the Service that now carries all traffic becomes stable; no selector moves under load.
    ...(ctx.plan.pingPong ? [{ type: 'swapPingPong' } as const] : []),
    { type: 'setStableService', hash },
    { type: 'setCanaryService', hash },
    { type: 'resetTraffic', canaryHash: hash, stableHash: hash },
    ...terminateRuns(ctx.runs),
    { type: 'scaleReplicaSet', hash: ctx.stableHash, replicas: 0 },
    { type: 'recordRevision', hash, attempt: ctx.attempt, outcome: 'Promoted', at: toIso(now), verdict: promotionVerdict(ctx.promotedBy, `promoted ${hash}`) },
    kubeEvent({ reason: 'RolloutCompleted', hash, attempt: ctx.attempt }, 'Normal', `promoted ${hash}; ${ctx.stableHash} scaled down`),
  );
  return effects;
}

/**
 * Entering a step: the header and mirror routes it names are set (or removed when a route has no match). Re-sending
 * them is harmless, so a replayed pass or a plan change that lands on this step again only rewrites what is there.
 */
export function stepRouteEffects(ctx: CanaryContext): Effect[] {
  const step = currentStep(ctx);
  if (step === undefined) return [];
  const hashes = { canaryHash: canaryHashOf(ctx), stableHash: ctx.stableHash };
  return routeChangesOf(step).map((change): Effect => {
    if (change.match.length === 0) return { type: 'removeHeaderRoute', name: change.name };
    if (change.kind === 'setMirrorRoute') return { type: 'setMirrorRoute', name: change.name, match: change.match, percentage: change.percentage, ...hashes };
    return { type: 'setHeaderRoute', name: change.name, match: change.match, ...hashes };
  });
}

/** Every header route the rollout set and has not removed yet; the rollout is ending or starting over. */
export function removeHeaderRoutes(ctx: CanaryContext): Effect[] {
  return ctx.headerRoutes.map((name) => ({ type: 'removeHeaderRoute', name }));
}

/** Entering `step`: background analysis starts once the rollout reaches its starting step. */
export function backgroundStartEffects(ctx: CanaryContext): Effect[] {
  const analysis = ctx.plan.backgroundAnalysis;
  if (analysis === undefined) return [];
  return [createRun(ctx, backgroundRun(ctx, 1), analysis)];
}

export function backgroundRestartEffects(ctx: CanaryContext): Effect[] {
  const analysis = ctx.plan.backgroundAnalysis;
  if (analysis === undefined) return [];
  return [createRun(ctx, backgroundRun(ctx, ctx.backgroundRound + 1), analysis)];
}

export function stepRunEffects(ctx: CanaryContext): Effect[] {
  const step = currentStep(ctx);
  const run = stepRun(ctx);
  if (hasRun(ctx, run)) return [];
  if (step?.kind === 'experiment') {
    return [{ type: 'createExperiment', gate: run.gate, name: run.name, step: step.experiment, canaryHash: canaryHashOf(ctx), stableHash: ctx.stableHash }];
  }
  if (step?.kind !== 'analysis') return [];
  return [createRun(ctx, run, step.analysis)];
}

export function terminateStepRunEffects(ctx: CanaryContext): Effect[] {
  const run = stepRun(ctx);
  return hasRun(ctx, run) ? terminateRuns([run]) : [];
}

/**
 * Traffic back on stable in this very decision; the canary's pods go now or after abortScaleDownDelaySeconds
 * (see `scalesDownAtOnce`). Expects `ctx.abort` to be set.
 */
export function abortEffects(ctx: CanaryContext, now: number): Effect[] {
  const hash = canaryHashOf(ctx);
  const abort = ctx.abort;
  const message = abort?.message ?? 'aborted';
  // With dynamicStableScale the traffic waits for the stable to be back at full size (see abortTrafficEffects).
  const effects: Effect[] = [
    ...(restoresStableFirst(ctx) ? [] : abortTrafficEffects(ctx)),
    ...removeHeaderRoutes(ctx),
    ...(restoresStableFirst(ctx) ? [] : trafficBackOf(ctx, now)),
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

/** An aborted rollout's traffic back on stable. */
export function abortTrafficEffects(ctx: CanaryContext): Effect[] {
  return [{ type: 'resetTraffic', canaryHash: canaryHashOf(ctx), stableHash: ctx.stableHash }];
}

/** After abortTrafficEffects were executed: the release records when its traffic was back on stable. */
export function trafficBackOf(ctx: CanaryContext, now: number): Effect[] {
  return trafficBackEffects({ hash: canaryHashOf(ctx), attempt: ctx.attempt }, ctx.stableHash, now);
}

/**
 * Entering step `stepIndex` (not the end of the steps): recorded on the release. Plain step progress is no Event
 * (ADR 0019): status, the API and the dashboard show it, and the outcome's Event names every step.
 */
export function stepStartedEffects(ctx: CanaryContext, now: number): Effect[] {
  if (ctx.stepIndex >= ctx.plan.steps.length) return [];
  return [recordMoment({ hash: canaryHashOf(ctx), attempt: ctx.attempt }, now, { kind: 'step', index: ctx.stepIndex })];
}

/** A person paused the rollout. */
export function userPauseEffects(ctx: CanaryContext, now: number): Effect[] {
  return [recordMoment({ hash: canaryHashOf(ctx), attempt: ctx.attempt }, now, { kind: 'pause', reason: 'UserPause', step: ctx.stepIndex })];
}

export function canaryScaleDownEffects(ctx: CanaryContext): Effect[] {
  return [{ type: 'scaleReplicaSet', hash: canaryHashOf(ctx), replicas: 0 }];
}

/** A newer revision replaces the one in flight: traffic to stable, the old canary's pods and runs go. */
export function supersededEffects(ctx: CanaryContext, now: number, by: string): Effect[] {
  const hash = canaryHashOf(ctx);
  return [
    { type: 'resetTraffic', canaryHash: hash, stableHash: ctx.stableHash },
    ...removeHeaderRoutes(ctx),
    { type: 'scaleReplicaSet', hash: ctx.stableHash, replicas: ctx.plan.replicas },
    ...terminateRuns(ctx.runs),
    { type: 'scaleReplicaSet', hash, replicas: 0 },
    { type: 'recordRevision', hash, attempt: ctx.attempt, outcome: 'Superseded', at: toIso(now) },
    kubeEvent({ reason: 'RolloutSuperseded', hash, attempt: ctx.attempt, detail: by }, 'Normal', `${hash} superseded by ${by}`),
  ];
}

/** The spec is back on the stable template (a revert landed, or someone rolled back by hand). */
export function backToStableEffects(ctx: CanaryContext, now: number, wasAborted: boolean): Effect[] {
  const hash = canaryHashOf(ctx);
  const effects: Effect[] = [
    { type: 'resetTraffic', canaryHash: hash, stableHash: ctx.stableHash },
    ...removeHeaderRoutes(ctx),
    { type: 'scaleReplicaSet', hash: ctx.stableHash, replicas: ctx.plan.replicas },
    ...terminateRuns(ctx.runs),
    { type: 'scaleReplicaSet', hash, replicas: 0 },
    { type: 'setCanaryService', hash: ctx.stableHash },
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

export function pauseStepEffects(ctx: CanaryContext, now: number): Effect[] {
  const hash = canaryHashOf(ctx);
  return [
    recordMoment({ hash, attempt: ctx.attempt }, ctx.at.pausedAt ?? now, { kind: 'pause', reason: 'CanaryPauseStep', step: ctx.stepIndex }),
    kubeEvent(
      { reason: 'RolloutPaused', hash, attempt: ctx.attempt, detail: String(ctx.stepIndex) },
      'Normal',
      `paused at ${stepLabel(ctx.stepIndex, ctx.plan.steps.length)}: waiting for promote or resume`,
    ),
  ];
}

export function inconclusiveEffects(ctx: CanaryContext, runName: string, message: string, now: number): Effect[] {
  const hash = canaryHashOf(ctx);
  return [
    recordMoment({ hash, attempt: ctx.attempt }, now, { kind: 'pause', reason: 'InconclusiveAnalysis', step: ctx.stepIndex }),
    kubeEvent(
      { reason: 'AnalysisInconclusive', hash, attempt: ctx.attempt, detail: runName },
      'Warning',
      `analysis ${runName} was inconclusive${message === '' ? '' : `: ${message}`}; promote or resume to continue`,
    ),
  ];
}

/**
 * A gate could not start (see blocked-gates.ts): all traffic to stable now, without a revert. A router's canary keeps
 * its pods; a replica-ratio canary's pods are its traffic, so they go (stable first back to full size).
 */
export function gateBlockedEffects(ctx: CanaryContext): Effect[] {
  const hash = canaryHashOf(ctx);
  const effects: Effect[] = [{ type: 'resetTraffic', canaryHash: hash, stableHash: ctx.stableHash }];
  if (!ctx.plan.hasTrafficRouting) {
    effects.push({ type: 'scaleReplicaSet', hash: ctx.stableHash, replicas: ctx.plan.replicas }, { type: 'scaleReplicaSet', hash, replicas: 0 });
  }
  return effects;
}

/** One Warning per gate that could not start, worded as the status message is. */
export function gateBlockedEvent(ctx: CanaryContext, gate: string, message: string): Effect[] {
  if (ctx.blocked === null) return [];
  const hash = canaryHashOf(ctx);
  return [kubeEvent({ reason: 'AnalysisGateBlocked', hash, attempt: ctx.attempt, detail: gate }, 'Warning', `${message}; ${blockedNote(ctx, ctx.blocked)}`)];
}

/** What blocked gates mean for traffic and what to do, after the cause in the status message and the Event. */
export function blockedNote(ctx: CanaryContext, blocked: BlockedGates): string {
  const pods = ctx.plan.hasTrafficRouting ? 'canary pods kept' : 'canary scaled down';
  return `traffic is on stable ${ctx.stableHash}, ${pods}; ${blockedAdvice(blocked)}`;
}

/** The runs the blocked gates still need, as a `gateReady` creates them (a gate the rollout has left needs none). */
export function blockedRunEffects(ctx: CanaryContext): Array<EffectOf<'createAnalysisRun'>> {
  const effects: Array<EffectOf<'createAnalysisRun'>> = [];
  for (const gate of ctx.blocked?.gates ?? []) {
    if (gate === BACKGROUND_GATE) {
      const run = backgroundRun(ctx, Math.max(1, ctx.backgroundRound));
      if (ctx.plan.backgroundAnalysis !== undefined && !hasRun(ctx, run)) effects.push(createRun(ctx, run, ctx.plan.backgroundAnalysis));
      continue;
    }
    const step = currentStep(ctx);
    const run = stepRun(ctx);
    if (run.gate === gate && step?.kind === 'analysis' && !hasRun(ctx, run)) effects.push(createRun(ctx, run, step.analysis));
  }
  return effects;
}

/** Traffic as it was before the first gate blocked: the weight back (a replica-ratio canary's pods first). */
export function gateRestoreEffects(ctx: CanaryContext): Effect[] {
  const effects = ctx.plan.hasTrafficRouting ? [] : splitEffects(ctx);
  effects.push(weightEffect(ctx, ctx.blocked?.weight ?? 0));
  return effects;
}

/** The blocked gates can start: traffic back first, so that what the runs measure is the canary at its weight. */
export function gateResumedEffects(ctx: CanaryContext): Effect[] {
  const hash = canaryHashOf(ctx);
  const gates = ctx.blocked?.gates ?? [];
  return [
    ...gateRestoreEffects(ctx),
    ...blockedRunEffects(ctx),
    kubeEvent({ reason: 'AnalysisGateResumed', hash, attempt: ctx.attempt, detail: gates.join(',') }, 'Normal', `${gatesLabel(gates)} can start now; canary weight back to ${ctx.blocked?.weight ?? 0}%`),
  ];
}

function splitEffects(ctx: CanaryContext): Effect[] {
  const split = splitAt(ctx.plan, ctx.stepIndex, ctx.weight);
  // Grow before shrinking, so a replica-ratio canary never drops below the pods it needs.
  return [
    { type: 'scaleReplicaSet', hash: canaryHashOf(ctx), replicas: split.canary },
    { type: 'scaleReplicaSet', hash: ctx.stableHash, replicas: split.stable },
  ];
}

function weightEffect(ctx: CanaryContext, weight: number): Effect {
  return { type: 'setCanaryWeight', weight, canaryHash: canaryHashOf(ctx), stableHash: ctx.stableHash };
}

function createRun(ctx: CanaryContext, run: ActiveRun, analysis: AnalysisPlan): EffectOf<'createAnalysisRun'> {
  return {
    type: 'createAnalysisRun',
    gate: run.gate,
    name: run.name,
    templates: analysis.templates,
    args: analysis.args,
    canaryHash: canaryHashOf(ctx),
    stableHash: ctx.stableHash,
    ...(analysis.runOptions === undefined ? {} : { options: analysis.runOptions }),
  };
}
