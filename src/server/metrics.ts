// Vane's Prometheus metrics in one registry, shared by the controller (reconcile observer, work queue depth) and the
// API server (requests, rollout gauges, delivery figures). Rollout series are labelled by namespace and rollout and are
// dropped when the Rollout is deleted, so the number of series stays bounded by the live Rollouts.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { releaseMeasures, type ReleaseMeasure } from '../delivery/release-measures.js';
import type { ReconcileObserver } from '../kube/controller-runner.js';
import type { InformerEvent, SupervisedInformer } from '../kube/supervised-informer.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { AnalysisRun, MetricResult } from '../resources/analysis.js';
import type { RevisionRecord, Rollout, RolloutPhase } from '../resources/rollout.js';

const DEPLOYMENT_OUTCOMES = { Promoted: 'promoted', Aborted: 'aborted', Superseded: 'superseded' } as const;
type DeploymentOutcome = (typeof DEPLOYMENT_OUTCOMES)[keyof typeof DEPLOYMENT_OUTCOMES];

/** Seconds to days, fine around the targets (rollback 2 min, restore 30 min); lead time may take a week. */
export const DELIVERY_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400, 604800];

/** The rollback stages as `vane_rollback_seconds` labels them, and the measure each one observes. */
const ROLLBACK_STAGES: ReadonlyArray<[stage: string, measure: ReleaseMeasure]> = [
  ['traffic_reset', 'trafficReset'],
  ['revert_pushed', 'revertPushed'],
  ['gitops_healthy', 'gitopsHealthy'],
];

const PHASES: readonly RolloutPhase[] = ['Progressing', 'Paused', 'Healthy', 'Degraded'];
const MEASUREMENT_PHASES = ['successful', 'failed', 'inconclusive', 'error'] as const;
const MISNAMED_DEFAULT_GAUGES = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

export interface MetricsOptions {
  /** Also expose the process and Node.js runtime metrics (on by default). */
  defaultMetrics?: boolean;
  /**
   * Whether this process leads: release transitions are counted only then, because a standby watches the same
   * Rollouts and would count them a second time. Without it every transition is counted (a single process). Given
   * the Rollout, it answers whether this replica acts on it (sharded replicas each count their own shards').
   */
  isLeader?: (rollout: Rollout) => boolean;
}

export class VaneMetrics implements ReconcileObserver {
  readonly registry = new Registry();
  private readonly rolloutPhase: Gauge<'namespace' | 'rollout' | 'phase'>;
  private readonly rolloutStep: Gauge<'namespace' | 'rollout'>;
  private readonly canaryWeight: Gauge<'namespace' | 'rollout'>;
  private readonly deployments: Counter<'namespace' | 'rollout' | 'outcome'>;
  private readonly leadTime: Histogram<'namespace'>;
  private readonly timeToRestore: Histogram<'namespace'>;
  private readonly rollbackTime: Histogram<'namespace' | 'stage'>;
  private readonly isLeader: (rollout: Rollout) => boolean;
  private readonly namespacesSeen = new Set<string>();
  private readonly timeToPromote: Histogram;
  private readonly timeToRollback: Histogram;
  private readonly reconcileDuration: Histogram<'outcome'>;
  private readonly reconcileErrors: Counter<'kind'>;
  private readonly measurements: Counter<'phase'>;
  private readonly apiRequests: Counter<'method' | 'route' | 'code'>;
  private readonly apiDuration: Histogram<'method' | 'route'>;
  private readonly notifications: Counter<'sink' | 'result'>;
  private readonly queueDepths = new Map<string, () => number>();

  constructor(options: MetricsOptions = {}) {
    const registers = [this.registry];
    this.isLeader = options.isLeader ?? ((): boolean => true);
    if (options.defaultMetrics ?? true) this.collectProcessMetrics();
    this.rolloutPhase = new Gauge({
      name: 'vane_rollout_phase',
      help: 'Phase of each Rollout: one series per Rollout, at 1, labelled with its current phase (none before it has one).',
      labelNames: ['namespace', 'rollout', 'phase'],
      registers,
    });
    this.rolloutStep = new Gauge({ name: 'vane_rollout_step', help: 'Zero-based index of the canary step each Rollout is at (status.currentStepIndex).', labelNames: ['namespace', 'rollout'], registers });
    this.canaryWeight = new Gauge({ name: 'vane_rollout_canary_weight', help: 'Traffic weight of the canary version, in percent (0-100).', labelNames: ['namespace', 'rollout'], registers });
    this.deployments = new Counter({
      name: 'vane_deployments_total',
      help: 'Releases finished, by outcome: promoted and aborted are deployments; superseded were replaced before a verdict.',
      labelNames: ['namespace', 'rollout', 'outcome'],
      registers,
    });
    this.leadTime = new Histogram({
      name: 'vane_lead_time_seconds',
      help: 'Lead time for changes: from the released commit\'s author time to the promotion verdict.',
      labelNames: ['namespace'],
      buckets: DELIVERY_BUCKETS,
      registers,
    });
    this.timeToRestore = new Histogram({
      name: 'vane_time_to_restore_seconds',
      help: 'Time to restore: from a failure verdict until the Rollout was Healthy again.',
      labelNames: ['namespace'],
      buckets: DELIVERY_BUCKETS,
      registers,
    });
    this.rollbackTime = new Histogram({
      name: 'vane_rollback_seconds',
      help: 'Rollback time from the failure verdict, by stage: traffic_reset (back on stable), revert_pushed (revert commit on the remote), gitops_healthy (synced and Healthy).',
      labelNames: ['namespace', 'stage'],
      buckets: DELIVERY_BUCKETS,
      registers,
    });
    this.timeToPromote = new Histogram({
      name: 'vane_rollout_time_to_promote_seconds',
      help: 'Time from a revision starting to roll out until it was promoted.',
      buckets: [30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400],
      registers,
    });
    this.timeToRollback = new Histogram({
      name: 'vane_rollout_time_to_rollback_seconds',
      help: 'Time from a revision starting to roll out until it was aborted and traffic went back to stable.',
      buckets: [5, 15, 30, 60, 120, 300, 600, 1200, 3600],
      registers,
    });
    this.reconcileDuration = new Histogram({
      name: 'vane_reconcile_duration_seconds',
      help: 'Duration of one reconcile pass, by outcome (ok, error, terminal).',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.reconcileErrors = new Counter({ name: 'vane_reconcile_errors_total', help: 'Reconcile passes that failed, by kind (error: retried, terminal: not retried).', labelNames: ['kind'], registers });
    this.notifications = new Counter({ name: 'vane_notifications_total', help: 'Notifications by sink and result (sent, failed, skipped, retried).', labelNames: ['sink', 'result'], registers });
    this.measurements = new Counter({ name: 'vane_analysis_measurements_total', help: 'Analysis measurements taken, by phase.', labelNames: ['phase'], registers });
    this.apiRequests = new Counter({ name: 'vane_api_requests_total', help: 'HTTP API requests, by method, route template and status code.', labelNames: ['method', 'route', 'code'], registers });
    this.apiDuration = new Histogram({
      name: 'vane_api_request_duration_seconds',
      help: 'HTTP API request duration, by method and route template (streams count until they close).',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    const depths = this.queueDepths;
    new Gauge({
      name: 'vane_workqueue_depth',
      help: 'Keys waiting in each work queue.',
      labelNames: ['queue'],
      registers,
      collect(this: Gauge<'queue'>): void {
        for (const [queue, depth] of depths) this.set({ queue }, depth());
      },
    });
  }

  /**
   * prom-client's process and runtime metrics, less the gauges it names `..._total`, which break the exposition
   * conventions (`promtool check metrics` rejects them).
   */
  private collectProcessMetrics(): void {
    // The event-loop-lag monitor samples every 10 ms by default, which alone kept an idle controller at ~0.8% of a
    // core; 100 ms resolution is plenty for a lag histogram.
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 100 });
    for (const name of MISNAMED_DEFAULT_GAUGES) this.registry.removeSingleMetric(name);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** The text exposition format, for /metrics. */
  exposition(): Promise<string> {
    return this.registry.metrics();
  }

  /**
   * Sets the gauges of one Rollout from its status. Only the current phase has a series: the other phases at 0 were
   * three series per Rollout that no query reads (`== 1`, `sum by (phase)` and `count by (phase)` need only the 1).
   */
  observeRollout(rollout: Rollout): void {
    const labels = rolloutLabels(rollout);
    const status = rollout.status ?? {};
    for (const phase of PHASES) {
      if (status.phase === phase) this.rolloutPhase.set({ ...labels, phase }, 1);
      else this.rolloutPhase.remove({ ...labels, phase });
    }
    if (status.currentStepIndex !== undefined) this.rolloutStep.set(labels, status.currentStepIndex);
    else this.rolloutStep.remove(labels);
    if (status.canary?.weights) this.canaryWeight.set(labels, status.canary.weights.canary);
    else this.canaryWeight.remove(labels);
  }

  /** Drops the series of a deleted Rollout. */
  forgetRollout(namespace: string, name: string): void {
    const labels = { namespace, rollout: name };
    for (const phase of PHASES) this.rolloutPhase.remove({ ...labels, phase });
    this.rolloutStep.remove(labels);
    this.canaryWeight.remove(labels);
    for (const outcome of Object.values(DEPLOYMENT_OUTCOMES)) this.deployments.remove({ ...labels, outcome });
  }

  recordDeployment(namespace: string, rollout: string, outcome: DeploymentOutcome): void {
    this.deployments.inc({ namespace, rollout, outcome });
  }

  observeTimeToPromote(seconds: number): void {
    if (seconds >= 0) this.timeToPromote.observe(seconds);
  }

  observeTimeToRollback(seconds: number): void {
    if (seconds >= 0) this.timeToRollback.observe(seconds);
  }

  onReconciled(_key: string, durationMs: number, outcome: 'ok' | 'error' | 'terminal'): void {
    this.reconcileDuration.observe({ outcome }, durationMs / 1000);
    if (outcome !== 'ok') this.reconcileErrors.inc({ kind: outcome });
  }

  /** Reports a work queue's depth at every scrape. */
  watchQueueDepth(queue: string, depth: () => number): void {
    this.queueDepths.set(queue, depth);
  }

  /** The notification outbox's observer (delivery/notification-outbox.ts NotificationObserver). */
  countNotification(sink: string, result: 'sent' | 'failed' | 'skipped' | 'retried'): void {
    this.notifications.inc({ sink, result });
  }

  recordMeasurement(phase: (typeof MEASUREMENT_PHASES)[number], count = 1): void {
    if (count > 0) this.measurements.inc({ phase }, count);
  }

  observeApiRequest(method: string, route: string, code: number, seconds: number): void {
    this.apiRequests.inc({ method, route, code: String(code) });
    this.apiDuration.observe({ method, route }, seconds);
  }

  /**
   * Keeps the rollout gauges in step with an informer, and counts releases from their records in status.history: a
   * record turning Promoted, Aborted or Superseded, and each duration once both its ends are recorded. Only updates
   * count, never the initial list, so a restarted process does not count history twice; and only while this process
   * leads (see MetricsOptions.isLeader). Around a leader change a transition may go uncounted (written after the old
   * leader's last scrape, or seen by the standby just before it led) but is never counted twice: the figures of
   * `vane report`, computed from the records themselves, are the exact ones.
   */
  trackRollouts(informer: SupervisedInformer<Rollout & KubeObject>): void {
    informer.addHandler((event) => {
      if (event.type === 'delete') {
        this.forgetRollout(event.object.metadata.namespace ?? '', event.object.metadata.name ?? '');
        return;
      }
      this.observeRollout(event.object);
      this.initialiseDeliverySeries(event.object);
      if (event.type === 'update' && event.oldObject) this.countOutcomes(event.oldObject, event.object);
    });
  }

  /**
   * Exposes the delivery series at zero as soon as a Rollout (or its namespace) is known, so that the first release
   * counted is an increase Prometheus can see: `increase()` cannot tell a series born at 1 from one that was always 1.
   */
  private initialiseDeliverySeries(rollout: Rollout): void {
    const { namespace, rollout: name } = rolloutLabels(rollout);
    for (const outcome of Object.values(DEPLOYMENT_OUTCOMES)) this.deployments.inc({ namespace, rollout: name, outcome }, 0);
    if (this.namespacesSeen.has(namespace)) return;
    this.namespacesSeen.add(namespace);
    this.leadTime.zero({ namespace });
    this.timeToRestore.zero({ namespace });
    for (const [stage] of ROLLBACK_STAGES) this.rollbackTime.zero({ namespace, stage });
  }

  /** Counts new measurements by phase from AnalysisRun status updates. */
  trackAnalysisRuns(informer: SupervisedInformer<AnalysisRun & KubeObject>): void {
    informer.addHandler((event: InformerEvent<AnalysisRun & KubeObject>) => {
      if (event.type !== 'update' || !event.oldObject) return;
      const before = new Map((event.oldObject.status?.metricResults ?? []).map((m) => [m.name, m]));
      for (const after of event.object.status?.metricResults ?? []) this.countMeasurements(before.get(after.name), after);
    });
  }

  private countMeasurements(before: MetricResult | undefined, after: MetricResult): void {
    for (const phase of MEASUREMENT_PHASES) this.recordMeasurement(phase, (after[phase] ?? 0) - (before?.[phase] ?? 0));
  }

  private countOutcomes(before: Rollout, after: Rollout): void {
    if (!this.isLeader(after)) return;
    const { namespace, rollout } = rolloutLabels(after);
    const previous = new Map((before.status?.history ?? []).map((r) => [recordKey(r), r]));
    for (const record of after.status?.history ?? []) {
      const old = previous.get(recordKey(record));
      if (old?.outcome !== record.outcome) this.countOutcome(namespace, rollout, record, after);
      this.observeNewMeasures(namespace, old, record);
    }
  }

  private countOutcome(namespace: string, rollout: string, record: RevisionRecord, after: Rollout): void {
    if (record.outcome === 'Progressing') return;
    this.recordDeployment(namespace, rollout, DEPLOYMENT_OUTCOMES[record.outcome]);
    if (record.outcome === 'Promoted') this.observeTimeToPromote(elapsedSeconds(record));
    if (record.outcome === 'Aborted') this.observeTimeToRollback(elapsedSeconds(record, after.status?.rollback?.at));
  }

  /** Observes each duration of the release the first time both its ends are in the record. */
  private observeNewMeasures(namespace: string, before: RevisionRecord | undefined, after: RevisionRecord): void {
    const was = before ? releaseMeasures(before) : {};
    const now = releaseMeasures(after);
    const isNew = (measure: ReleaseMeasure): boolean => now[measure] !== undefined && was[measure] === undefined;
    if (isNew('leadTime')) this.leadTime.observe({ namespace }, now.leadTime ?? 0);
    if (isNew('restore')) this.timeToRestore.observe({ namespace }, now.restore ?? 0);
    for (const [stage, measure] of ROLLBACK_STAGES) if (isNew(measure)) this.rollbackTime.observe({ namespace, stage }, now[measure] ?? 0);
  }
}

/** A release record's identity across status updates: its revision and when it started (a re-release starts anew). */
function recordKey(record: RevisionRecord): string {
  return `${record.podTemplateHash}@${record.startedAt}`;
}

function rolloutLabels(rollout: Rollout): { namespace: string; rollout: string } {
  return { namespace: rollout.metadata.namespace ?? '', rollout: rollout.metadata.name ?? '' };
}

function elapsedSeconds(record: RevisionRecord, fallbackEnd?: string): number {
  const finished = Date.parse(record.finishedAt ?? fallbackEnd ?? '');
  const started = Date.parse(record.startedAt);
  return Number.isFinite(finished) && Number.isFinite(started) ? (finished - started) / 1000 : -1;
}
