// What `vane status` concludes from a rollout's summary, and the exit code each conclusion maps to.
import { stepLabel } from '../resources/step-label.js';
import type { RolloutSummary } from '../server/rollout-view.js';

export type StatusVerdict = 'healthy' | 'degraded' | 'progressing';

/** Exit codes of `vane status`: 0 Healthy, 1 Degraded (or an error), 2 not Healthy yet / timed out. */
export const STATUS_EXIT: Record<StatusVerdict | 'timeout', number> = { healthy: 0, degraded: 1, progressing: 2, timeout: 2 };

/** Healthy counts only once the controller has seen the latest spec, as with `kubectl rollout status`. */
export function statusVerdict(summary: RolloutSummary): StatusVerdict {
  if (summary.phase === 'Degraded') return 'degraded';
  const observed = summary.generation === undefined || (summary.observedGeneration ?? 0) >= summary.generation;
  return summary.phase === 'Healthy' && observed ? 'healthy' : 'progressing';
}

export function statusLine(summary: RolloutSummary): string {
  const step = summary.strategy === 'canary' && summary.currentStepIndex !== undefined && summary.stepCount > 0 ? ` ${stepLabel(summary.currentStepIndex, summary.stepCount)}` : '';
  const weight = summary.weights ? ` canary ${summary.weights.canary}%` : '';
  return `rollout ${summary.namespace}/${summary.name}: ${summary.phase ?? 'not reconciled yet'}${step}${weight}${summary.message ? ` — ${summary.message}` : ''}`;
}
