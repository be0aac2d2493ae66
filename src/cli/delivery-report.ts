// What `vane report` prints: the delivery figures per Rollout and per namespace as a table, or as JSON.
import type { DELIVERY_TARGETS} from '../delivery/delivery-figures.js';
import { type DeliveryFigures, type DurationFigures, type MarkedDurationFigures, type NamespaceFigures, type RolloutFigures } from '../delivery/delivery-figures.js';
import { alignColumns } from './rollout-tree.js';

export interface DeliveryReport {
  since: string;
  until: string;
  targets: typeof DELIVERY_TARGETS;
  rollouts: RolloutFigures[];
  namespaces: NamespaceFigures[];
}

const HEADER = ['NAMESPACE', 'ROLLOUT', 'DAYS', 'DEPLOYS', 'PER DAY', 'LEAD TIME p50/p90', 'CHANGE FAILURE', 'RESTORE p50/p90/max', 'TRAFFIC RESET p90', 'REVERT p90', 'GITOPS HEALTHY p90'];

/** The table: each namespace's Rollouts, then its TOTAL row (Rollout names are lowercase, so none can be TOTAL). */
export function renderReportTable(report: DeliveryReport): string {
  const rows: string[][] = [HEADER];
  for (const namespace of report.namespaces) {
    for (const rollout of report.rollouts.filter((r) => r.namespace === namespace.namespace)) rows.push(row(namespace.namespace, rollout.name, rollout));
    rows.push(row(namespace.namespace, 'TOTAL', namespace));
  }
  const lines = [
    `Delivery figures from ${report.since} to ${report.until} (${formatDays(Date.parse(report.until) - Date.parse(report.since))}).`,
    `Targets: rollback (traffic back on stable, p90) < ${formatSeconds(report.targets.rollbackSeconds)}, time to restore (p90) < ${formatSeconds(report.targets.restoreSeconds)}, change failure rate < ${report.targets.changeFailureRate * 100}%.`,
    '',
    alignColumns(rows).trimEnd(),
    ...truncationNotes(report.rollouts),
  ];
  return `${lines.join('\n')}\n`;
}

function row(namespace: string, name: string, f: DeliveryFigures): string[] {
  const { promoted, aborted, superseded, progressing } = f.deployments;
  const others = [superseded > 0 ? `${superseded} superseded` : '', progressing > 0 ? `${progressing} in progress` : ''].filter(Boolean);
  return [
    namespace,
    name,
    `${f.days.toFixed(1)}${f.truncated ? '*' : ''}`,
    `${promoted + aborted} (${aborted} failed${others.length > 0 ? `, ${others.join(', ')}` : ''})`,
    f.deploymentsPerDay.toFixed(2),
    durationCell(f.leadTime, ['medianSeconds', 'p90Seconds']),
    f.changeFailureRate.ratio === undefined ? 'no data' : `${formatPercent(f.changeFailureRate.ratio)} ${f.changeFailureRate.mark}`,
    `${markedCell(f.timeToRestore, ['medianSeconds', 'p90Seconds', 'maxSeconds'])}${f.timeToRestore.open > 0 ? ` (${f.timeToRestore.open} open)` : ''}`,
    markedCell(f.rollback.trafficReset, ['p90Seconds']),
    durationCell(f.rollback.revertPushed, ['p90Seconds']),
    durationCell(f.rollback.gitopsHealthy, ['p90Seconds']),
  ];
}

function durationCell(f: DurationFigures, keys: ReadonlyArray<'medianSeconds' | 'p90Seconds' | 'maxSeconds'>): string {
  if (f.count === 0) return '-';
  return keys.map((key) => formatSeconds(f[key] ?? 0)).join('/');
}

function markedCell(f: MarkedDurationFigures, keys: ReadonlyArray<'medianSeconds' | 'p90Seconds' | 'maxSeconds'>): string {
  return f.count === 0 ? f.mark : `${durationCell(f, keys)} ${f.mark}`;
}

function truncationNotes(rollouts: readonly RolloutFigures[]): string[] {
  const truncated = rollouts.filter((r) => r.truncated);
  if (truncated.length === 0) return [];
  return [
    '',
    '* status.history keeps only the latest releases, and for these it does not reach back to the start of the window:',
    ...truncated.map((r) => `  ${r.namespace}/${r.name}: from ${r.coveredSince} (${r.days.toFixed(1)} days); its figures and its namespace's cover only those days`),
  ];
}

function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(ratio * 100 >= 10 || ratio === 0 ? 0 : 1)}%`;
}

/** 45s, 2m05s, 1h30m, 2d04h: short, exact to the unit below the largest. */
export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${Number(seconds.toFixed(seconds < 10 ? 1 : 0))}s`;
  const whole = Math.round(seconds);
  if (whole < 3600) return `${Math.floor(whole / 60)}m${pad(whole % 60)}s`.replace(/m00s$/, 'm');
  if (whole < 86_400) return `${Math.floor(whole / 3600)}h${pad(Math.floor((whole % 3600) / 60))}m`.replace(/h00m$/, 'h');
  return `${Math.floor(whole / 86_400)}d${pad(Math.floor((whole % 86_400) / 3600))}h`.replace(/d00h$/, 'd');
}

function formatDays(ms: number): string {
  const days = ms / 86_400_000;
  return `${Number(days.toFixed(2))} day${days === 1 ? '' : 's'}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
