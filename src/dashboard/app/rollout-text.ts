// A rollout's facts as the short texts the list and the rollout page show: step of total, weight, images, what the
// current step waits for, and a release's verdict.
import type { RevisionRecord, RolloutSummary, StepWait } from './api-types.js';
import { formatCountdown } from './time-format.js';

/** The current step of the total, counted from one ("2/4"); "—" for a rollout without steps or not started. */
export function stepText(rollout: Pick<RolloutSummary, 'currentStepIndex' | 'stepCount'>): string {
  if (rollout.stepCount === 0 || rollout.currentStepIndex === undefined) return '—';
  return `${Math.min(rollout.currentStepIndex + 1, rollout.stepCount)}/${rollout.stepCount}`;
}

export function weightText(rollout: Pick<RolloutSummary, 'weights'>): string {
  return rollout.weights === undefined ? '—' : `${rollout.weights.canary}%`;
}

/** "stable → canary" while they differ, else the one image; several containers are joined by ", ". */
export function imagesText(rollout: Pick<RolloutSummary, 'images' | 'stableImages'>): string {
  const canary = rollout.images.join(', ');
  const stable = rollout.stableImages?.join(', ');
  if (stable === undefined || stable === '' || stable === canary) return canary || '—';
  return `${stable} → ${canary}`;
}

/** What the current step waits for, with the time left of a timed pause. */
export function waitText(wait: StepWait, nowMs: number): string {
  if (wait.kind === 'pause' && wait.until !== undefined) return `${wait.description} — ${formatCountdown(wait.until, nowMs)}`;
  return wait.description;
}

/** "AnalysisFailed by controller: error-rate = 0.2". */
export function verdictText(record: Pick<RevisionRecord, 'verdict'>): string {
  const verdict = record.verdict;
  if (!verdict) return '—';
  const metric = verdict.metric ? `: ${verdict.metric.name}${verdict.metric.value !== undefined ? ` = ${verdict.metric.value}` : ''}` : '';
  return `${verdict.reason} by ${verdict.by}${metric}`;
}
