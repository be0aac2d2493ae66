// The RolloutView of a canary machine state: phase, message, desired replicas, pauses and the next timer.
import type { PauseCondition, RolloutPhase } from '../resources/rollout.js';
import { stepLabel } from '../resources/step-label.js';
import { splitAt, splitForCompletion } from './canary-replicas.js';
import { abortScaleDownAt, canaryHashOf, currentStep, pauseEndsAt, progressDeadlineAt, type CanaryContext } from './canary-context.js';
import { blockedGatesView } from './blocked-gates.js';
import { blockedNote, blockedRunEffects } from './canary-effects.js';
import { firstReleaseMessage, firstReleaseOf, firstReleasePhase, type FirstRelease } from './first-release.js';
import { toIso } from './machine-context.js';
import { earliest, pauseCondition, progressingPhase, statePath, type ReplicaTarget, type RolloutView } from './rollout-view.js';

/** Where a canary machine rests: the top state and, while progressing, the two regions. */
interface CanaryWhere {
  top: 'adopting' | 'healthy' | 'progressing' | 'aborted';
  adopting?: FirstRelease;
  flow?: string;
  hold?: string;
  aborted?: string;
}

export function canaryView(value: unknown, ctx: CanaryContext): RolloutView {
  const where = canaryWhere(value);
  const view: RolloutView = {
    strategy: 'canary',
    phase: 'Healthy',
    message: '',
    state: statePath(value),
    currentStepIndex: ctx.stepIndex,
    canaryWeight: ctx.weight,
    stableHash: ctx.stableHash,
    desiredReplicas: desiredReplicas(where, ctx),
    pauseConditions: pauseConditions(where, ctx),
    analysisRuns: ctx.runs.map((r) => ({ ...r })),
    headerRoutes: [...ctx.headerRoutes],
    aborted: where.top === 'aborted',
  };
  if (ctx.canaryHash !== null) {
    view.canaryHash = ctx.canaryHash;
    view.attempt = ctx.attempt;
  }
  if (ctx.abort !== null) view.abort = { ...ctx.abort, ...(ctx.at.abortedAt === null ? {} : { at: toIso(ctx.at.abortedAt) }) };
  if (ctx.blocked !== null) view.blockedGates = blockedGatesView(ctx.blocked, blockedRunEffects(ctx));
  view.phase = phaseOf(where, view.pauseConditions);
  view.message = message(where, ctx);
  const wake = nextWakeAt(where, ctx);
  if (wake !== undefined) view.nextWakeAt = wake;
  return view;
}

function canaryWhere(value: unknown): CanaryWhere {
  if (typeof value === 'string') return { top: value === 'aborted' ? 'aborted' : value === 'progressing' ? 'progressing' : 'healthy' };
  const adopting = firstReleaseOf(value);
  if (adopting !== undefined) return { top: 'adopting', adopting };
  const v = value as Record<string, unknown>;
  if (typeof v.aborted === 'string') return { top: 'aborted', aborted: v.aborted };
  const regions = (v.progressing ?? {}) as Record<string, unknown>;
  return { top: 'progressing', flow: String(regions.flow), hold: String(regions.hold) };
}

function phaseOf(where: CanaryWhere, pauses: readonly PauseCondition[]): RolloutPhase {
  if (where.top === 'adopting') return firstReleasePhase(where.adopting ?? 'waiting');
  if (where.top === 'healthy') return 'Healthy';
  // A blocked gate is not the release's fault, but nothing moves until someone fixes the configuration.
  return where.top === 'aborted' || where.hold === 'gateBlocked' ? 'Degraded' : progressingPhase(pauses);
}

function desiredReplicas(where: CanaryWhere, ctx: CanaryContext): ReplicaTarget[] {
  const stable = { hash: ctx.stableHash, replicas: ctx.plan.replicas };
  if (where.top === 'healthy' || where.top === 'adopting') return [stable];
  const hash = canaryHashOf(ctx);
  const split = ctx.stepIndex >= ctx.plan.steps.length ? splitForCompletion(ctx.plan, ctx.weight) : splitAt(ctx.plan, ctx.stepIndex, ctx.weight);
  if (where.top === 'aborted') return [stable, { hash, replicas: where.aborted === 'scaledDown' ? 0 : split.canary }];
  // Without a router a blocked gate took the canary's pods away with its traffic (see gateBlockedEffects).
  if (where.hold === 'gateBlocked' && !ctx.plan.hasTrafficRouting) return [stable, { hash, replicas: 0 }];
  return [
    { hash: ctx.stableHash, replicas: split.stable },
    { hash, replicas: split.canary },
  ];
}

function pauseConditions(where: CanaryWhere, ctx: CanaryContext): PauseCondition[] {
  const pauses: PauseCondition[] = [];
  if (where.flow === 'pausedAtStep' || where.flow === 'pausedForDuration') pauses.push(pauseCondition('CanaryPauseStep', ctx.at.pausedAt));
  if (where.flow === 'inconclusive') pauses.push(pauseCondition('InconclusiveAnalysis', ctx.at.pausedAt));
  if (where.hold === 'userPaused') pauses.push(pauseCondition('UserPause', ctx.at.heldAt));
  if (where.hold === 'analysisInconclusive') pauses.push(pauseCondition('InconclusiveAnalysis', ctx.at.heldAt));
  return pauses;
}

/** Only the timers a tick can act on in this state: a hold stops the flow's clocks, not the abort's. */
function nextWakeAt(where: CanaryWhere, ctx: CanaryContext): number | undefined {
  if (where.top === 'aborted') return where.aborted === 'scalingDown' ? abortScaleDownAt(ctx) : undefined;
  if (where.top === 'adopting') return where.adopting === 'waiting' ? progressDeadlineAt(ctx) : undefined;
  if (where.top !== 'progressing' || where.hold !== 'running') return undefined;
  if (where.flow === 'settingWeight' || where.flow === 'fullyScaling') return earliest([progressDeadlineAt(ctx)]);
  if (where.flow === 'pausedForDuration') return earliest([pauseEndsAt(ctx)]);
  return undefined;
}

function message(where: CanaryWhere, ctx: CanaryContext): string {
  if (where.top === 'adopting') return firstReleaseMessage(where.adopting ?? 'waiting', ctx);
  if (where.top === 'healthy') return `stable ${ctx.stableHash} serves all traffic`;
  if (where.top === 'aborted') return abortedMessage(where, ctx);
  if (where.hold === 'gateBlocked' && ctx.blocked !== null) return `${ctx.blocked.message}; ${blockedNote(ctx, ctx.blocked)}`;
  const flow = flowMessage(where.flow ?? '', ctx);
  if (where.hold === 'userPaused') return `paused by a user; resume to continue (${flow})`;
  if (where.hold === 'analysisInconclusive') return `background analysis was inconclusive; resume to continue (${flow})`;
  return flow;
}

function flowMessage(flow: string, ctx: CanaryContext): string {
  const hash = canaryHashOf(ctx);
  const total = ctx.plan.steps.length;
  const at = stepLabel(ctx.stepIndex, total);
  switch (flow) {
    case 'settingWeight': {
      const split = splitAt(ctx.plan, ctx.stepIndex);
      return `${at}: waiting for ${split.canary} pod(s) of ${hash} (canary weight ${ctx.weight}%)`;
    }
    case 'pausedAtStep':
      return `${at}: paused until promoted (canary weight ${ctx.weight}%${headerRoutesNote(ctx)})`;
    case 'pausedForDuration': {
      const step = currentStep(ctx);
      const ms = step?.kind === 'pause' ? (step.durationMs ?? 0) : 0;
      return `${at}: paused for ${Math.round(ms / 1000)}s (canary weight ${ctx.weight}%${headerRoutesNote(ctx)})`;
    }
    case 'analyzing':
      return currentStep(ctx)?.kind === 'experiment' ? `${at}: waiting for the experiment of ${hash}` : `${at}: waiting for analysis of ${hash}`;
    case 'inconclusive':
      return `${at}: analysis was inconclusive; promote or resume to continue`;
    case 'fullyScaling':
      return `${stepLabel(total, total)}: waiting for ${ctx.plan.replicas} pod(s) of ${hash} before promoting`;
    default:
      return `rolling out ${hash}`;
  }
}

function headerRoutesNote(ctx: CanaryContext): string {
  return ctx.headerRoutes.length === 0 ? '' : `, header routes ${ctx.headerRoutes.join(', ')}`;
}

function abortedMessage(where: CanaryWhere, ctx: CanaryContext): string {
  const base = ctx.abort?.message ?? 'aborted';
  if (where.aborted === 'restoringStable') return `${base}; waiting for ${ctx.plan.replicas} pod(s) of stable ${ctx.stableHash} before moving traffic back to it (canary weight ${ctx.weight}%); retry or change the spec`;
  const pods = where.aborted === 'scaledDown' ? 'canary scaled down' : 'canary pods kept until the abort scale-down delay';
  return `${base}; traffic on stable ${ctx.stableHash}, ${pods}; retry or change the spec`;
}
