// The durations one release record yields (lead time, time to restore, the rollback split): shared by the figures and /metrics.
import type { RevisionRecord } from '../resources/rollout.js';

/** Seconds per measure; a measure is absent until both its ends are recorded (or when the record is inconsistent). */
export interface ReleaseMeasures {
  /** Commit author time → promotion verdict (Promoted releases with a known source). */
  leadTime?: number;
  /** Failure verdict → Healthy again (Aborted releases). */
  restore?: number;
  /** Failure verdict → traffic back on stable. */
  trafficReset?: number;
  /** Failure verdict → revert commit on the remote. */
  revertPushed?: number;
  /** Failure verdict → the GitOps tool synced the revert and reported Healthy. */
  gitopsHealthy?: number;
}

export type ReleaseMeasure = keyof ReleaseMeasures;

export function releaseMeasures(record: RevisionRecord): ReleaseMeasures {
  const verdict = verdictTime(record);
  const measures: ReleaseMeasures = {};
  if (record.outcome === 'Promoted') assign(measures, 'leadTime', secondsBetween(timeOf(record.source?.authoredAt), verdict));
  if (record.outcome !== 'Aborted') return measures;
  assign(measures, 'restore', secondsBetween(verdict, timeOf(record.restoredAt)));
  assign(measures, 'trafficReset', secondsBetween(verdict, timeOf(record.trafficResetAt)));
  assign(measures, 'revertPushed', secondsBetween(verdict, timeOf(record.revert?.at)));
  assign(measures, 'gitopsHealthy', secondsBetween(verdict, timeOf(record.gitopsHealthyAt)));
  return measures;
}

/** The verdict time in Unix ms; records written before verdicts were recorded only have finishedAt. */
export function verdictTime(record: RevisionRecord): number | undefined {
  return timeOf(record.verdict?.at ?? record.finishedAt);
}

/** An RFC 3339 time in Unix ms, or undefined when absent or unreadable. */
export function timeOf(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Seconds from start to end; undefined when either is missing or the end is before the start (clock skew, bad data). */
export function secondsBetween(start: number | undefined, end: number | undefined): number | undefined {
  if (start === undefined || end === undefined || end < start) return undefined;
  return (end - start) / 1000;
}

function assign(measures: ReleaseMeasures, key: ReleaseMeasure, value: number | undefined): void {
  if (value !== undefined) measures[key] = value;
}
