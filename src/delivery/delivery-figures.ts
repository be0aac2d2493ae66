// The delivery figures (DORA) of Rollouts and namespaces over a window, computed from the release records in status.history.
import { RELEASE_HISTORY_KEPT, type RevisionRecord } from '../resources/rollout.js';
import { releaseMeasures, secondsBetween, timeOf, verdictTime, type ReleaseMeasures } from './release-measures.js';

/** The targets each figure is marked against: rollback (traffic reset) < 2 min, MTTR < 30 min, CFR < 5%. */
export const DELIVERY_TARGETS = { rollbackSeconds: 120, restoreSeconds: 1800, changeFailureRate: 0.05 } as const;

/** What the figures read of a Rollout: its name and its release records (a Rollout object is one). */
export interface RolloutHistory {
  metadata: { namespace?: string; name?: string };
  status?: { history?: RevisionRecord[] };
}

export type TargetMark = 'met' | 'missed' | 'no data';

export interface FiguresWindow {
  since: Date;
  now: Date;
  /** The history bound of the controller that wrote the records; RELEASE_HISTORY_KEPT unless told. */
  historyKept?: number;
}

/** Durations in seconds over the releases that have both ends; percentiles interpolate linearly between ranks. */
export interface DurationFigures {
  count: number;
  medianSeconds?: number;
  p90Seconds?: number;
  maxSeconds?: number;
}

export interface MarkedDurationFigures extends DurationFigures {
  targetSeconds: number;
  /** Met when the p90 is under the target (and no open case has outlasted it); `no data` without a single case. */
  mark: TargetMark;
}

export interface DeploymentCounts {
  promoted: number;
  aborted: number;
  /** Replaced by a newer release before a verdict: neither success nor failure. */
  superseded: number;
  /** Started in the window and not finished by `now`. */
  progressing: number;
  /** Deployments: promoted + aborted. */
  total: number;
}

export interface DeliveryFigures {
  /** Where the figures start: `since`, or the oldest record when the bounded history does not reach back that far. */
  coveredSince: string;
  until: string;
  /** Days between coveredSince and until. */
  days: number;
  /** True when the history does not reach back to `since`: the figures cover fewer days than asked for. */
  truncated: boolean;
  deployments: DeploymentCounts;
  /** Deployments per day over the covered days. */
  deploymentsPerDay: number;
  /** Commit author time → promotion verdict, over promoted releases whose source commit is known. */
  leadTime: DurationFigures;
  changeFailureRate: { ratio?: number; target: number; mark: TargetMark };
  /** Failure verdict → Healthy again; `open` counts aborted releases not restored by `now`. */
  timeToRestore: MarkedDurationFigures & { open: number };
  rollback: {
    /** Verdict → traffic back on stable: the figure marked against the rollback target. */
    trafficReset: MarkedDurationFigures;
    /** Verdict → revert commit on the remote. */
    revertPushed: DurationFigures;
    /** Verdict → GitOps tool synced the revert and Healthy. */
    gitopsHealthy: DurationFigures;
  };
}

export interface RolloutFigures extends DeliveryFigures {
  namespace: string;
  name: string;
}

export interface NamespaceFigures extends DeliveryFigures {
  namespace: string;
  rollouts: number;
  /** Names of the Rollouts whose history does not reach back to `since`. */
  truncatedRollouts: string[];
}

/** One release's contribution, measured once and summed per Rollout and per namespace. */
interface ReleaseSamples extends ReleaseMeasures {
  outcome: RevisionRecord['outcome'];
  /** Seconds an aborted, not yet restored release has been open at `now`. */
  openFor?: number;
}

interface Coverage {
  since: number;
  truncated: boolean;
}

/** The figures of one Rollout over the window. */
export function rolloutFigures(rollout: RolloutHistory, window: FiguresWindow): RolloutFigures {
  const coverage = coverageOf(rollout, window);
  const samples = releasesIn(rollout, coverage.since, window.now.getTime()).map((r) => samplesOf(r, window.now.getTime()));
  const days = daysBetween(coverage.since, window.now.getTime());
  return {
    namespace: rollout.metadata.namespace ?? '',
    name: rollout.metadata.name ?? '',
    ...summarise(samples, coverage, window.now, days > 0 ? countDeployments(samples) / days : 0),
  };
}

/** The figures of every namespace among the Rollouts, sorted by namespace. */
export function namespaceFigures(rollouts: readonly RolloutHistory[], window: FiguresWindow): NamespaceFigures[] {
  const byNamespace = new Map<string, RolloutHistory[]>();
  for (const rollout of rollouts) {
    const namespace = rollout.metadata.namespace ?? '';
    byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), rollout]);
  }
  return [...byNamespace.keys()].sort().map((namespace) => figuresOfNamespace(namespace, byNamespace.get(namespace) ?? [], window));
}

function figuresOfNamespace(namespace: string, rollouts: readonly RolloutHistory[], window: FiguresWindow): NamespaceFigures {
  const now = window.now.getTime();
  const perRollout = rollouts.map((rollout) => ({ rollout, coverage: coverageOf(rollout, window) }));
  const samples = perRollout.flatMap(({ rollout, coverage }) => releasesIn(rollout, coverage.since, now).map((r) => samplesOf(r, now)));
  // Each Rollout's rate over the days its history covers, summed: a truncated Rollout does not dilute the others.
  const perDay = perRollout.reduce((sum, { rollout, coverage }) => {
    const days = daysBetween(coverage.since, now);
    return sum + (days > 0 ? countDeployments(releasesIn(rollout, coverage.since, now).map((r) => samplesOf(r, now))) / days : 0);
  }, 0);
  const truncatedRollouts = perRollout.filter((r) => r.coverage.truncated).map((r) => r.rollout.metadata.name ?? '').sort();
  const coveredSince = Math.max(window.since.getTime(), ...perRollout.map((r) => (r.coverage.truncated ? r.coverage.since : window.since.getTime())));
  const coverage = { since: coveredSince, truncated: truncatedRollouts.length > 0 };
  return { namespace, rollouts: rollouts.length, truncatedRollouts, ...summarise(samples, coverage, window.now, perDay) };
}

/**
 * How far back the history reaches. The controller keeps the last `historyKept` records, so a history that long whose
 * oldest record started after `since` may have lost releases in the window; a shorter one holds every release.
 */
function coverageOf(rollout: RolloutHistory, window: FiguresWindow): Coverage {
  const since = window.since.getTime();
  const history = rollout.status?.history ?? [];
  if (history.length < (window.historyKept ?? RELEASE_HISTORY_KEPT)) return { since, truncated: false };
  const oldest = Math.min(...history.map((r) => timeOf(r.startedAt) ?? Infinity));
  return oldest > since && Number.isFinite(oldest) ? { since: oldest, truncated: true } : { since, truncated: false };
}

/** Releases that ended (verdict, or superseded) in the window, and unfinished ones that started in it. */
function releasesIn(rollout: RolloutHistory, since: number, now: number): RevisionRecord[] {
  return (rollout.status?.history ?? []).filter((record) => {
    const at = record.outcome === 'Progressing' ? timeOf(record.startedAt) : verdictTime(record);
    return at !== undefined && at >= since && at <= now;
  });
}

function samplesOf(record: RevisionRecord, now: number): ReleaseSamples {
  const samples: ReleaseSamples = { outcome: record.outcome, ...releaseMeasures(record) };
  const openFor = record.outcome === 'Aborted' && record.restoredAt === undefined ? secondsBetween(verdictTime(record), now) : undefined;
  if (openFor !== undefined) samples.openFor = openFor;
  return samples;
}

function summarise(samples: readonly ReleaseSamples[], coverage: Coverage, now: Date, deploymentsPerDay: number): DeliveryFigures {
  const deployments = countOutcomes(samples);
  const values = (key: keyof Omit<ReleaseSamples, 'outcome'>): number[] => samples.flatMap((s) => {
    const value = s[key];
    return value === undefined ? [] : [value];
  });
  const openFor = values('openFor');
  const restore = marked(durations(values('restore')), DELIVERY_TARGETS.restoreSeconds, openFor);
  const ratio = deployments.total > 0 ? deployments.aborted / deployments.total : undefined;
  return {
    coveredSince: new Date(coverage.since).toISOString(),
    until: now.toISOString(),
    days: daysBetween(coverage.since, now.getTime()),
    truncated: coverage.truncated,
    deployments,
    deploymentsPerDay,
    leadTime: durations(values('leadTime')),
    changeFailureRate: {
      ...(ratio !== undefined ? { ratio } : {}),
      target: DELIVERY_TARGETS.changeFailureRate,
      mark: ratio === undefined ? 'no data' : ratio < DELIVERY_TARGETS.changeFailureRate ? 'met' : 'missed',
    },
    timeToRestore: { ...restore, open: openFor.length },
    rollback: {
      trafficReset: marked(durations(values('trafficReset')), DELIVERY_TARGETS.rollbackSeconds, []),
      revertPushed: durations(values('revertPushed')),
      gitopsHealthy: durations(values('gitopsHealthy')),
    },
  };
}

function countOutcomes(samples: readonly ReleaseSamples[]): DeploymentCounts {
  const count = (outcome: RevisionRecord['outcome']): number => samples.filter((s) => s.outcome === outcome).length;
  const promoted = count('Promoted');
  const aborted = count('Aborted');
  return { promoted, aborted, superseded: count('Superseded'), progressing: count('Progressing'), total: promoted + aborted };
}

function countDeployments(samples: readonly ReleaseSamples[]): number {
  return countOutcomes(samples).total;
}

/** Count, median, p90 and max of a list of seconds. */
export function durations(seconds: readonly number[]): DurationFigures {
  if (seconds.length === 0) return { count: 0 };
  const sorted = [...seconds].sort((a, b) => a - b);
  return { count: sorted.length, medianSeconds: percentile(sorted, 0.5), p90Seconds: percentile(sorted, 0.9), maxSeconds: sorted[sorted.length - 1] as number };
}

/** The q-quantile of sorted values, interpolating linearly between the closest ranks (numpy's default). */
function percentile(sorted: readonly number[], q: number): number {
  const rank = (sorted.length - 1) * q;
  const lower = sorted[Math.floor(rank)] as number;
  const upper = sorted[Math.ceil(rank)] as number;
  return lower + (upper - lower) * (rank - Math.floor(rank));
}

/** An aborted release still unrestored past the target has missed it already, whatever the finished ones say. */
function marked(figures: DurationFigures, targetSeconds: number, openFor: readonly number[]): MarkedDurationFigures {
  const overdue = openFor.some((s) => s >= targetSeconds);
  const mark: TargetMark = overdue ? 'missed' : figures.p90Seconds === undefined ? 'no data' : figures.p90Seconds < targetSeconds ? 'met' : 'missed';
  return { ...figures, targetSeconds, mark };
}

function daysBetween(since: number, now: number): number {
  return Math.max(0, (now - since) / 86_400_000);
}
