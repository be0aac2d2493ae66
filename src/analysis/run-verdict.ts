// An AnalysisRun's phase, message and dry-run summary from its metrics' results.
import type { AnalysisPhase, AnalysisRunStatus, MetricResult } from '../resources/analysis.js';

/**
 * Worse phases rank higher. Failed ranks above Error: a failed metric is evidence against the release, while an
 * error is only the absence of evidence, so a run with both reports Failed (its message still names every metric).
 */
const RANK: Readonly<Record<AnalysisPhase, number>> = {
  Successful: 0,
  Pending: 1,
  Running: 2,
  Inconclusive: 3,
  Error: 4,
  Failed: 5,
};

/** The verdicts: a run or metric in one of these phases is measured no further. */
export type TerminalPhase = Exclude<AnalysisPhase, 'Pending' | 'Running'>;

const TERMINAL: ReadonlySet<AnalysisPhase> = new Set<TerminalPhase>(['Successful', 'Failed', 'Error', 'Inconclusive']);

export function isTerminalPhase(phase: AnalysisPhase): phase is TerminalPhase {
  return TERMINAL.has(phase);
}

/** The worse of two phases in the order Failed > Error > Inconclusive > Running > Pending > Successful. */
export function worsePhase(a: AnalysisPhase, b: AnalysisPhase): AnalysisPhase {
  return RANK[b] > RANK[a] ? b : a;
}

export type RunVerdict = Pick<AnalysisRunStatus, 'phase' | 'message' | 'dryRunSummary'>;

/**
 * The run's phase: the worst phase of its non-dry-run metrics, Running while any metric (dry-run ones included) is
 * still measuring and none has failed, Successful when every metric is done and every non-dry-run metric is
 * Successful. Dry-run metrics never change the verdict; a run of dry-run metrics only is Successful when they finish.
 * `terminated`: the run was stopped on purpose, so a run that has not failed is Successful with message "terminated".
 */
export function assessRun(results: readonly MetricResult[], terminated: boolean): RunVerdict {
  const live = results.filter((r) => r.dryRun !== true);
  const dry = results.filter((r) => r.dryRun === true);
  const worst = live.reduce<AnalysisPhase>((phase, r) => worsePhase(phase, r.phase), 'Successful');
  const dryRunSummary = dry.length === 0 ? undefined : summarise(dry);
  if (RANK[worst] > RANK.Running) return { phase: worst, message: failureMessage(live), dryRunSummary };
  if (terminated) return { phase: 'Successful', message: 'terminated', dryRunSummary };
  if (results.some((r) => !isTerminalPhase(r.phase))) return { phase: 'Running', dryRunSummary };
  return { phase: 'Successful', message: successMessage(live, dry), dryRunSummary };
}

function failureMessage(live: readonly MetricResult[]): string {
  return live
    .filter((r) => RANK[r.phase] > RANK.Running)
    .sort((a, b) => RANK[b.phase] - RANK[a.phase])
    .map(describe)
    .join('; ');
}

function successMessage(live: readonly MetricResult[], dry: readonly MetricResult[]): string {
  const head = live.length === 0 ? 'only dry-run metrics' : `all ${live.length} metric${live.length === 1 ? '' : 's'} successful`;
  const dryFailures = dry.filter((r) => r.phase !== 'Successful');
  if (dryFailures.length === 0) return head;
  return `${head}; dry-run: ${dryFailures.map(describe).join('; ')}`;
}

function describe(result: MetricResult): string {
  const detail = result.message === undefined ? '' : `: ${result.message}`;
  return `metric ${JSON.stringify(result.name)} ${result.phase}${detail}`;
}

function summarise(dry: readonly MetricResult[]): NonNullable<AnalysisRunStatus['dryRunSummary']> {
  const count = (phase: AnalysisPhase): number => dry.filter((r) => r.phase === phase).length;
  return {
    count: dry.length,
    successful: count('Successful'),
    failed: count('Failed'),
    inconclusive: count('Inconclusive'),
    error: count('Error'),
  };
}
