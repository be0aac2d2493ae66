// Which finished AnalysisRuns a Rollout deletes (Argo docs features/specification.md: spec.analysis history limits).
// @covers spec.analysis
// @covers spec.analysis.successfulRunHistoryLimit
// @covers spec.analysis.unsuccessfulRunHistoryLimit
import { describe, expect, it } from 'vitest';
import type { AnalysisPhase, AnalysisRun } from '../resources/analysis.js';
import { analysisRunsToDelete, runHistoryLimits } from './analysis-run-history.js';

function run(name: string, minute: number, phase: AnalysisPhase | undefined): AnalysisRun {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisRun',
    metadata: { name, namespace: 'shop', creationTimestamp: new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString() },
    spec: { metrics: [] },
    ...(phase === undefined ? {} : { status: { phase } }),
  };
}

const names = (runs: AnalysisRun[]): string[] => runs.map((r) => r.metadata.name ?? '');

describe('runHistoryLimits', () => {
  it('given no spec.analysis, then 5 successful and 5 unsuccessful runs are kept, as in Argo', () => {
    expect(runHistoryLimits({})).toEqual({ successful: 5, unsuccessful: 5 });
  });

  it('given limits of 0 and 2, then those are used', () => {
    expect(runHistoryLimits({ analysis: { successfulRunHistoryLimit: 0, unsuccessfulRunHistoryLimit: 2 } })).toEqual({ successful: 0, unsuccessful: 2 });
  });
});

describe('analysisRunsToDelete', () => {
  it('given 3 successful runs and a limit of 2, then the oldest is deleted whatever order they are listed in', () => {
    const runs = [run('s2', 2, 'Successful'), run('s1', 1, 'Successful'), run('s3', 3, 'Successful')];
    expect(names(analysisRunsToDelete(runs, new Set(), { successful: 2, unsuccessful: 5 }))).toEqual(['s1']);
  });

  it('given Failed, Error and Inconclusive runs and an unsuccessful limit of 1, then they count together and all but the newest go', () => {
    const runs = [run('f', 1, 'Failed'), run('e', 2, 'Error'), run('i', 3, 'Inconclusive'), run('ok', 0, 'Successful')];
    expect(names(analysisRunsToDelete(runs, new Set(), { successful: 5, unsuccessful: 1 }))).toEqual(['e', 'f']);
  });

  it('given limits of 0, then a run the rollout still waits on and runs not yet finished are kept, every other one deleted', () => {
    const runs = [run('current', 5, 'Successful'), run('running', 4, 'Running'), run('new', 3, undefined), run('old', 1, 'Successful'), run('bad', 2, 'Failed')];
    expect(names(analysisRunsToDelete(runs, new Set(['current']), { successful: 0, unsuccessful: 0 }))).toEqual(['bad', 'old']);
  });

  it('given a run already being deleted, then it is not deleted again', () => {
    const gone = { ...run('gone', 1, 'Successful'), metadata: { ...run('gone', 1, 'Successful').metadata, deletionTimestamp: '2026-01-01T01:00:00Z' } };
    expect(analysisRunsToDelete([gone], new Set(), { successful: 0, unsuccessful: 0 })).toEqual([]);
  });
});
