// Wires the informers to the work queues: which change wakes which Rollout, and the reconcile loops (Rollouts,
// AnalysisRuns, and the git rollback and release source queues beside the Rollouts). Holds no decision logic.
import type { Logger } from '../logger.js';
import { ControllerRunner, type Reconcile, type ReconcileObserver } from '../kube/controller-runner.js';
import { objectKey, type KubeObject } from '../kube/kube-object.js';
import type { InformerEvent } from '../kube/supervised-informer.js';
import type { Rollout } from '../resources/rollout.js';
import { awaitsGitRollback } from './git-rollback-reconciler.js';
import { awaitsReleaseSource } from './release-source-reconciler.js';
import { carriesNewCommand, wakesReconcile } from './rollout-update-filter.js';
import type { RolloutInformers } from './rollout-informers.js';

export interface RolloutControllerOptions {
  informers: RolloutInformers;
  reconcileRollout: Reconcile;
  /** Absent: AnalysisRuns are not measured by this process (no analysis providers configured). */
  reconcileAnalysisRun?: Reconcile;
  /** Absent: Experiments are not run by this process. */
  reconcileExperiment?: Reconcile;
  /** Absent: no git rollback configured. Its own queue, so a slow remote never holds up a Rollout's passes. */
  reconcileGitRollback?: Reconcile;
  /** Absent: release records get no source commit nor gitopsHealthyAt. Its own queue: git and GitOps reads never hold up a pass. */
  reconcileReleaseSource?: Reconcile;
  /** Checks a created or changed AnalysisTemplate (reports conditions that do not compile); leader only. */
  checkTemplate?: (template: KubeObject) => Promise<void>;
  /** Whether this replica checks templates (one replica does; default: every one that started). */
  checksTemplates?: () => boolean;
  workers: number;
  logger: Logger;
  observer?: ReconcileObserver;
}

export class RolloutController {
  readonly rollouts: ControllerRunner;
  readonly analysisRuns: ControllerRunner | undefined;
  readonly gitRollbacks: ControllerRunner | undefined;
  readonly releaseSources: ControllerRunner | undefined;
  readonly experiments: ControllerRunner | undefined;
  private readonly informers: RolloutInformers;
  private readonly options: RolloutControllerOptions;
  private wired = false;
  private started = false;

  constructor(options: RolloutControllerOptions) {
    this.informers = options.informers;
    this.options = options;
    this.rollouts = new ControllerRunner(options.reconcileRollout, {
      name: 'rollouts',
      workers: options.workers,
      logger: options.logger,
      observer: options.observer,
    });
    this.analysisRuns = options.reconcileAnalysisRun && new ControllerRunner(options.reconcileAnalysisRun, {
      name: 'analysisruns',
      workers: Math.max(1, Math.ceil(options.workers / 2)),
      logger: options.logger,
      observer: options.observer,
    });
    this.experiments = options.reconcileExperiment && new ControllerRunner(options.reconcileExperiment, {
      name: 'experiments',
      workers: Math.max(1, Math.ceil(options.workers / 2)),
      logger: options.logger,
      observer: options.observer,
    });
    this.gitRollbacks = options.reconcileGitRollback && new ControllerRunner(options.reconcileGitRollback, {
      name: 'gitrollbacks',
      workers: Math.max(1, Math.ceil(options.workers / 2)),
      logger: options.logger,
    });
    this.releaseSources = options.reconcileReleaseSource && new ControllerRunner(options.reconcileReleaseSource, {
      name: 'releasesources',
      workers: Math.max(1, Math.ceil(options.workers / 2)),
      logger: options.logger,
    });
  }

  /** Routes informer events to queue keys. Call once, before the informers start, so no event is missed. */
  wire(): void {
    if (this.wired) return;
    this.wired = true;
    const { informers } = this;
    informers.rollouts.addHandler((e) => {
      const rollout = e.object as Rollout & KubeObject;
      const before = e.oldObject as (Rollout & KubeObject) | undefined;
      if (e.type !== 'update' || wakesReconcile(before, rollout)) this.rollouts.enqueue(e.key, carriesNewCommand(before, rollout) ? 'urgent' : 'bulk');
      if (e.type !== 'delete') this.wakeGitRollback(e.key, e.object as Rollout);
      if (e.type !== 'delete') this.wakeReleaseSource(e.key, e.object as Rollout);
    });
    informers.replicaSets.addHandler((e) => {
      this.wake(e, 'ReplicaSet');
      this.wakeExperiment(e);
    });
    informers.services.addHandler((e) => this.wake(e, 'Service'));
    informers.deployments.addHandler((e) => this.wake(e, 'Deployment'));
    // A template appearing or changing can unblock an analysis gate: wake the Rollouts that may reference it.
    informers.analysisTemplates.addHandler((e) => {
      this.check(e);
      this.wakeNamespace(e.object.metadata.namespace);
    });
    informers.clusterAnalysisTemplates.addHandler((e) => {
      this.check(e);
      this.wakeNamespace(undefined);
    });
    informers.analysisRuns.addHandler((e) => {
      this.analysisRuns?.enqueue(e.key);
      this.wake(e, 'AnalysisRun');
      this.wakeExperiment(e);
    });
    // An experiment step waits on its Experiment: a change of phase wakes the Rollout that owns it.
    informers.experiments.addHandler((e) => {
      this.experiments?.enqueue(e.key);
      this.wake(e, 'Experiment');
    });
  }

  /** Starts the reconcile loops (on the leader only); the informers may already be running on a standby. */
  start(): void {
    this.wire();
    this.started = true;
    this.checkTemplates();
    this.rollouts.start();
    this.analysisRuns?.start();
    this.experiments?.start();
    this.gitRollbacks?.start();
    this.releaseSources?.start();
    this.requeue(() => true);
  }

  /** Checks every AnalysisTemplate once: at start, or when this replica becomes the one that checks them. */
  checkTemplates(): void {
    for (const template of [...this.informers.analysisTemplates.list(), ...this.informers.clusterAnalysisTemplates.list()]) {
      this.check({ type: 'add', key: '', object: template });
    }
  }

  /** Looks again at every cached object `wanted` picks: all of them at start, a shard's when it is taken up. */
  requeue(wanted: (obj: KubeObject) => boolean): void {
    if (!this.started) return;
    for (const rollout of this.informers.rollouts.list()) {
      if (!wanted(rollout)) continue;
      const key = objectKey(rollout);
      this.rollouts.enqueue(key);
      this.wakeGitRollback(key, rollout);
      this.wakeReleaseSource(key, rollout);
    }
    for (const run of this.informers.analysisRuns.list()) if (wanted(run)) this.analysisRuns?.enqueue(objectKey(run));
    for (const experiment of this.informers.experiments.list()) if (wanted(experiment)) this.experiments?.enqueue(objectKey(experiment));
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([this.rollouts.stop(), this.analysisRuns?.stop(), this.experiments?.stop(), this.gitRollbacks?.stop(), this.releaseSources?.stop()]);
  }

  private wakeGitRollback(key: string, rollout: Rollout): void {
    if (awaitsGitRollback(rollout)) this.gitRollbacks?.enqueue(key);
  }

  /** Only once leading: a standby's informers run too, and must not queue work nobody will do. */
  private wakeReleaseSource(key: string, rollout: Rollout): void {
    if (this.started && awaitsReleaseSource(rollout, Date.now())) this.releaseSources?.enqueue(key);
  }

  private check(event: InformerEvent<KubeObject>): void {
    const { checkTemplate, logger } = this.options;
    if (!this.started || !checkTemplate || event.type === 'delete' || event.type === 'resync') return;
    if (this.options.checksTemplates?.() === false) return;
    checkTemplate(event.object).catch((err: unknown) => logger.warn({ err: err instanceof Error ? err.message : String(err), template: event.object.metadata.name }, 'could not report template problems'));
  }

  private wakeNamespace(namespace: string | undefined): void {
    for (const rollout of this.informers.rollouts.list(namespace)) this.rollouts.enqueue(`${rollout.metadata.namespace}/${rollout.metadata.name}`);
  }

  private wakeExperiment(event: InformerEvent<KubeObject>): void {
    if (event.type === 'resync') return;
    const key = this.informers.experimentKeyFor(event.object);
    if (key !== undefined) this.experiments?.enqueue(key);
  }

  private wake(event: InformerEvent<KubeObject>, kind: 'ReplicaSet' | 'AnalysisRun' | 'Service' | 'Deployment' | 'Experiment'): void {
    if (event.type === 'resync') return;
    for (const key of this.informers.rolloutKeysFor(event.object, kind)) this.rollouts.enqueue(key);
  }
}
