// A Rollout's first release, shared by both machines: its template is adopted as stable at full size, and the
// rollout is Progressing until those pods are available, then Healthy. When they are not available within
// progressDeadlineSeconds it is Degraded (ProgressDeadlineExceeded), as Argo Rollouts and Deployments report it;
// there is nothing to abort to, so it keeps waiting and becomes Healthy (or Progressing again) when pods come.
import type { RolloutPhase } from '../resources/rollout.js';
import { deadlineAbort } from './abort-cause.js';
import { kubeEvent, type Effect } from './effects.js';
import type { AbortRecord, Stamp } from './machine-context.js';

/** Where a first release is: waiting within its deadline, or past it. */
export type FirstRelease = 'waiting' | 'stalled';

/** What both machines' contexts have that a first release reads. */
export interface FirstReleaseContext {
  stableHash: string;
  plan: { replicas: number; progressDeadlineSeconds: number };
  at: { progressAt: Stamp };
  abort: AbortRecord | null;
}

/** The record of a first release past its deadline (its reason is the Degraded condition's). */
export function firstReleaseStall(ctx: FirstReleaseContext): AbortRecord {
  return deadlineAbort(ctx.stableHash, ctx.plan.progressDeadlineSeconds);
}

/** The deadline passed: a Warning Event, once per wait (a wait restarts with progress). */
export function firstReleaseStalledEffects(ctx: FirstReleaseContext): Effect[] {
  const detail = `first-release-${ctx.at.progressAt ?? 0}`;
  const message = `first release ${ctx.stableHash}: ${ctx.plan.replicas} pod(s) not available within ${ctx.plan.progressDeadlineSeconds}s (progressDeadlineSeconds)`;
  return [kubeEvent({ reason: 'ProgressDeadlineExceeded', hash: ctx.stableHash, attempt: 0, detail }, 'Warning', message)];
}

export function firstReleasePhase(where: FirstRelease): RolloutPhase {
  return where === 'stalled' ? 'Degraded' : 'Progressing';
}

export function firstReleaseMessage(where: FirstRelease, ctx: FirstReleaseContext): string {
  const waiting = `first release ${ctx.stableHash}: waiting for ${ctx.plan.replicas} pod(s) to be available`;
  if (where === 'waiting') return waiting;
  return `${ctx.abort?.message ?? 'progress deadline exceeded'}; ${waiting}`;
}

/** "adopting.waiting" → "waiting"; undefined for any other state value. */
export function firstReleaseOf(value: unknown): FirstRelease | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const adopting = (value as Record<string, unknown>).adopting;
  return adopting === 'waiting' || adopting === 'stalled' ? adopting : undefined;
}
