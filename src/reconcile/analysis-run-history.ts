// Which finished AnalysisRuns of a Rollout to delete: beyond spec.analysis' successful and unsuccessful history limits.
import type { AnalysisRun } from '../resources/analysis.js';
import type { RolloutSpec } from '../resources/rollout.js';

/** Argo docs features/specification.md: five successful and five unsuccessful runs are kept unless the spec says otherwise. */
export const DEFAULT_RUN_HISTORY_LIMIT = 5;

export interface RunHistoryLimits {
  successful: number;
  unsuccessful: number;
}

export function runHistoryLimits(spec: Pick<RolloutSpec, 'analysis'>): RunHistoryLimits {
  return {
    successful: spec.analysis?.successfulRunHistoryLimit ?? DEFAULT_RUN_HISTORY_LIMIT,
    unsuccessful: spec.analysis?.unsuccessfulRunHistoryLimit ?? DEFAULT_RUN_HISTORY_LIMIT,
  };
}

const UNSUCCESSFUL = new Set(['Failed', 'Error', 'Inconclusive']);

/**
 * The runs to delete, as Argo's history does: newest first (by creationTimestamp), the first `successful` Successful
 * runs and the first `unsuccessful` Failed, Error or Inconclusive runs are kept, older ones of each kind deleted.
 * A run the rollout still uses (`current`, by name) and a run not yet finished are never deleted.
 */
export function analysisRunsToDelete(runs: readonly AnalysisRun[], current: ReadonlySet<string>, limits: RunHistoryLimits): AnalysisRun[] {
  const finished = runs.filter((run) => !current.has(run.metadata.name ?? '') && run.metadata.deletionTimestamp === undefined);
  const newestFirst = [...finished].sort((a, b) => createdAt(b) - createdAt(a));
  let successful = 0;
  let unsuccessful = 0;
  const doomed: AnalysisRun[] = [];
  for (const run of newestFirst) {
    const phase = run.status?.phase;
    if (phase === 'Successful') {
      if (successful < limits.successful) successful += 1;
      else doomed.push(run);
    } else if (phase !== undefined && UNSUCCESSFUL.has(phase)) {
      if (unsuccessful < limits.unsuccessful) unsuccessful += 1;
      else doomed.push(run);
    }
  }
  return doomed;
}

function createdAt(run: AnalysisRun): number {
  const at = Date.parse(run.metadata.creationTimestamp ?? '');
  return Number.isFinite(at) ? at : 0;
}
