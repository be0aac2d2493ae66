// Why a rollout aborted, worded from the event that caused it; shared by both machines.
import { gateLabel } from './analysis-gate.js';
import type { AbortRecord } from './machine-context.js';
import type { RolloutEvent } from './rollout-event.js';

/** The abort a command or an analysis verdict asks for; undefined for any other event. */
export function abortFromEvent(event: RolloutEvent): AbortRecord | undefined {
  if (event.type === 'command') return { reason: 'UserAbort', message: `aborted by ${event.actor}${event.reason ? `: ${event.reason}` : ''}`, actor: event.actor };
  if (event.type !== 'analysis') return undefined;
  const verdict = event.phase === 'Error' ? 'errored' : 'failed';
  const detail = event.message === '' ? '' : `: ${event.message}`;
  return {
    reason: event.phase === 'Error' ? 'AnalysisError' : 'AnalysisFailed',
    message: `${gateLabel(event.gate)} analysis ${event.runName} ${verdict}${detail}`,
    runName: event.runName,
  };
}

export function deadlineAbort(hash: string, deadlineSeconds: number): AbortRecord {
  return {
    reason: 'ProgressDeadlineExceeded',
    message: `ReplicaSet ${hash} made no progress for ${deadlineSeconds}s (progressDeadlineSeconds)`,
  };
}
