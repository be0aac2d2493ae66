// The bounded release history in status.history: one record per release (pod-template hash, attempt), upserted from
// the record effects a pass executed.
import type { EffectOf, ReleaseMoment, VerdictFacts } from '../machine/effects.js';
import type { AnalysisRun } from '../resources/analysis.js';
import { RELEASE_HISTORY_KEPT, RELEASE_STEPS_KEPT, type ReleaseVerdict, type RevisionRecord } from '../resources/rollout.js';

/** The effects that write a release's record. */
export type ReleaseRecordEffect = EffectOf<'recordRevision' | 'recordMoment'>;

/** What the records are completed with from the pass's observations. */
export interface ReleaseLookups {
  /** The images of a revision's pod template. */
  images: (hash: string) => string[];
  /** The failing metric of a run the machine names, from the AnalysisRuns observed in the pass. */
  metricOf?: (analysisRun: string) => ReleaseVerdict['metric'];
}

/**
 * Upserts the records into the history, oldest first, the oldest dropped beyond `limit`. Applying the same effects
 * again changes nothing, so a replayed pass writes the same record.
 */
export function mergeHistory(history: RevisionRecord[] | undefined, records: readonly ReleaseRecordEffect[], lookups: ReleaseLookups, limit = RELEASE_HISTORY_KEPT): RevisionRecord[] {
  const list = [...(history ?? [])];
  for (const record of records) {
    const index = releaseIndex(list, record.hash, record.attempt);
    if (record.type === 'recordMoment') {
      // A moment of a release with no record (one that started before records existed) has nowhere to go.
      if (index >= 0) list[index] = withMoment(list[index] as RevisionRecord, record.moment, record.at);
      continue;
    }
    const finished = record.outcome !== 'Progressing';
    if (index >= 0) {
      const current = list[index] as RevisionRecord;
      // A finished record keeps the time it first finished: a replayed verdict is not a new one.
      const replayed = current.outcome === record.outcome && current.finishedAt !== undefined;
      const finishedAt = replayed ? (current.finishedAt as string) : record.at;
      const verdict = replayed && current.verdict ? current.verdict : verdictOf(record.verdict, finishedAt, lookups);
      list[index] = { ...current, attempt: record.attempt, outcome: record.outcome, ...(finished ? { finishedAt } : {}), ...(finished && verdict ? { verdict } : {}) };
    } else {
      const verdict = finished ? verdictOf(record.verdict, record.at, lookups) : undefined;
      list.push({
        podTemplateHash: record.hash,
        attempt: record.attempt,
        images: lookups.images(record.hash),
        outcome: record.outcome,
        startedAt: record.at,
        ...(finished ? { finishedAt: record.at } : {}),
        ...(verdict ? { verdict } : {}),
      });
    }
  }
  return list.slice(-limit);
}

/**
 * The record of release (hash, attempt), the latest first; -1 when there is none. A record written before attempts
 * were recorded has none: it is taken for the release of its hash while it is still in progress.
 */
export function releaseIndex(list: readonly RevisionRecord[], hash: string, attempt: number): number {
  return list.findLastIndex((h) => h.podTemplateHash === hash && (h.attempt === undefined ? h.outcome === 'Progressing' : h.attempt === attempt));
}

function verdictOf(facts: VerdictFacts | undefined, at: string, lookups: ReleaseLookups): ReleaseVerdict | undefined {
  if (facts === undefined) return undefined;
  const metric = facts.analysisRun === undefined ? undefined : lookups.metricOf?.(facts.analysisRun);
  return { at, by: facts.by, reason: facts.reason, ...(facts.message === undefined ? {} : { message: facts.message }), ...(metric ? { metric } : {}) };
}

/**
 * The metric that failed `run`, with its last measured value as the run's status shows it: the first metric (not a
 * dry run) in the run's own phase, else any failed or errored one. Undefined for a run without such a metric.
 */
export function failingMetric(run: AnalysisRun, runName: string): ReleaseVerdict['metric'] {
  const results = (run.status?.metricResults ?? []).filter((m) => m.dryRun !== true);
  const failed = (phase: string): boolean => phase === 'Failed' || phase === 'Error';
  const metric = results.find((m) => m.phase === run.status?.phase && failed(m.phase)) ?? results.find((m) => failed(m.phase));
  if (metric === undefined) return undefined;
  const measured = metric.measurements.findLast((m) => failed(m.phase) && m.value !== undefined) ?? metric.measurements.findLast((m) => m.value !== undefined);
  return { name: metric.name, ...(measured?.value === undefined ? {} : { value: measured.value }), analysisRun: runName };
}

/** The record with `moment` added; a moment it already shows (a replayed pass, a step re-entered) adds nothing. */
function withMoment(record: RevisionRecord, moment: ReleaseMoment, at: string): RevisionRecord {
  switch (moment.kind) {
    case 'step': {
      const steps = record.steps ?? [];
      if (steps.at(-1)?.index === moment.index) return record;
      return { ...record, steps: [...steps, { index: moment.index, at }].slice(-RELEASE_STEPS_KEPT) };
    }
    case 'pause': {
      const pauses = record.pauses ?? [];
      if (pauses.some((p) => p.at === at && p.reason === moment.reason)) return record;
      const pause = { at, reason: moment.reason, ...(moment.step === undefined ? {} : { step: moment.step }) };
      return { ...record, pauses: [...pauses, pause].slice(-RELEASE_STEPS_KEPT) };
    }
    case 'trafficReset':
      return record.trafficResetAt === undefined ? { ...record, trafficResetAt: at } : record;
    case 'stuck':
      return record.stuckAt === undefined ? { ...record, stuckAt: at } : record;
  }
}

/**
 * The pass that writes phase Healthy after an abort: the latest Aborted record with a verdict and no restoredAt was
 * restored at `at` (the stable serves all traffic again, or a fix-forward release was promoted). Records from before
 * verdicts were recorded are left alone: their abort time is unknown. Returns the stamped record, if any.
 */
export function stampRestored(history: RevisionRecord[] | undefined, turnedHealthy: boolean, at: string): RevisionRecord | undefined {
  if (!turnedHealthy || history === undefined) return undefined;
  const index = history.findLastIndex((h) => h.outcome === 'Aborted');
  const aborted = history[index];
  if (aborted === undefined || aborted.verdict === undefined || aborted.restoredAt !== undefined) return undefined;
  const restored = { ...aborted, restoredAt: at };
  history[index] = restored;
  return restored;
}

/** "12m5s": a time to restore as people read it. */
export function elapsed(fromIso: string, toIso: string): string {
  const seconds = Math.max(0, Math.round((Date.parse(toIso) - Date.parse(fromIso)) / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const parts = [h > 0 ? `${h}h` : '', h > 0 || m > 0 ? `${m}m` : '', `${seconds % 60}s`];
  return parts.join('');
}
