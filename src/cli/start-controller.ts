// The composition root of the controller process: config in, running controller out (used by the CLI, demo, tests).
import { createLogger, type Logger } from '../logger.js';
import { KubeClient } from '../kube/kube-client.js';
import { KubeEventRecorder } from '../kube/event-recorder.js';
import { KubeTransport, type KubeAccess } from '../kube/kube-transport.js';
import { loadKubeConfig } from '../kube/kubeconfig-loader.js';
import { ApiReachability } from '../kube/api-reachability.js';
import { LeaderElector } from '../kube/leader-election.js';
import { WriteTracker } from '../kube/write-tracker.js';
import type { Reconcile, ReconcileObserver } from '../kube/controller-runner.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { SupervisedInformer } from '../kube/supervised-informer.js';
import { RolloutController } from '../reconcile/rollout-controller.js';
import { RolloutInformers } from '../reconcile/rollout-informers.js';
import { HeldStatusWrites } from '../reconcile/held-status-writes.js';
import { ShardRuntime } from '../reconcile/shard-runtime.js';
import { createRolloutReconciler } from '../reconcile/rollout-reconciler.js';
import { createGitExecutor, createGitRollback, createReleaseTracking } from '../reconcile/git-rollback.js';
import { createReleaseSourceReconciler, type ReleaseSourceTiming } from '../reconcile/release-source-reconciler.js';
import { createGitRollbackReconciler, type RetryPolicy } from '../reconcile/git-rollback-reconciler.js';
import { createAnalysisRunReconciler } from '../reconcile/analysis-run-reconciler.js';
import { createExperimentReconciler } from '../reconcile/experiment-reconciler.js';
import { reportTemplateProblems, type AnalysisTemplateObject } from '../reconcile/analysis-template-checker.js';
import { createProviderFor } from '../analysis/providers/provider-factory.js';
import { routerFor } from '../traffic/router-factory.js';
import type { ListeningApi } from '../server/api-server.js';
import { createVaneApi } from './start-api-server.js';
import { DEFAULT_API_BIND_ADDRESS, listenError } from './api-options.js';
import { VaneMetrics } from '../server/metrics.js';
import { NotificationOutbox, type DeliveryPolicy } from '../delivery/notification-outbox.js';
import type { ControllerConfig } from './controller-config.js';

export interface RunningController {
  readonly informers: RolloutInformers;
  readonly controller: RolloutController;
  /** Undefined with --no-notifications. */
  readonly notifications: NotificationOutbox | undefined;
  readonly client: KubeClient;
  readonly logger: Logger;
  /** Undefined unless started with --shards. */
  readonly sharding: ShardRuntime | undefined;
  /** Where the HTTP API, health and metrics listen; undefined when disabled (--api-port -1). */
  readonly apiUrl: string | undefined;
  isLeader(): boolean;
  leader(): string | undefined;
  /** Stops leading (releasing the lease), finishes reconciles in flight, stops watches. */
  stop(): Promise<void>;
}

export interface StartOverrides {
  kubeConfig?: KubeAccess;
  logger?: Logger;
  clock?: () => number;
  observer?: ReconcileObserver;
  /** How the git rollback queue retries transient failures; tests shorten it. */
  gitRetry?: RetryPolicy;
  /** How the release source queue polls and retries; tests shorten it. */
  releaseSourceTiming?: ReleaseSourceTiming;
  /** How the notification outbox retries and what it skips as too old; tests shorten it. */
  notificationPolicy?: Partial<DeliveryPolicy>;
  /** Called when leadership is lost; the CLI exits so a fresh process campaigns again. */
  onLostLeadership?: () => void;
}

export async function startController(config: ControllerConfig, overrides: StartOverrides = {}): Promise<RunningController> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const { kubeConfig: kc, source } = overrides.kubeConfig ? { kubeConfig: overrides.kubeConfig, source: undefined } : loadKubeConfig({ path: config.kubeconfig });
  const reachability = new ApiReachability({ server: kc.getCurrentCluster()?.server ?? '(no server)', credentials: source, logger });
  const transport = await KubeTransport.fromKubeConfig(kc, { reachability });
  const sharding = config.shards === undefined ? undefined : new ShardRuntime({
    shards: config.shards,
    identity: config.identity,
    ...(config.namespace !== undefined ? { namespace: config.namespace } : {}),
    leaseNamespace: config.leaseNamespace,
    leaseGroup: config.leaseName,
    leaseDurationMs: config.leaseDurationMs,
    logger,
  });
  const client = new KubeClient(transport, sharding ? { labelsOnCreate: sharding.labelsOnCreate } : {});
  const informers = new RolloutInformers(client, { namespace: config.namespace, logger, ...(sharding ? { shards: config.shards } : {}) });
  // Sharded, every replica acts on its own shards; otherwise only the leader acts.
  const byRollout = (reconcile: Reconcile): Reconcile => (sharding ? sharding.guardRollouts(reconcile) : reconcile);
  const byLabel = <T extends KubeObject>(informer: SupervisedInformer<T>, reconcile: Reconcile): Reconcile => (sharding ? sharding.guardObjects(informer, reconcile) : reconcile);
  const leads = (): boolean => elector?.isLeader ?? !config.leaderElection;
  const events = new KubeEventRecorder(client, 'vane.dev/rollout-controller', config.identity, logger);
  const clock = overrides.clock ?? Date.now;
  let elector: LeaderElector | undefined;
  // Releases are counted only while this process leads: a standby watches the same Rollouts (elector is set below).
  const metrics = new VaneMetrics({ isLeader: sharding ? (rollout) => sharding.actsOn(rollout) : leads });
  // One tracker for every writer of a Rollout's status: the reconciler, the git rollback and release source queues.
  const rolloutWrites = new WriteTracker();
  const gitOptions = config.gitWorkDir ? { reader: client, workDir: config.gitWorkDir, allowLocalGitUrls: config.allowLocalGitUrls === true, logger } : undefined;
  const executor = gitOptions ? createGitExecutor(gitOptions) : undefined;
  const revert = gitOptions && executor ? createGitRollback({ ...gitOptions, executor }) : undefined;
  const tracking = gitOptions && executor ? createReleaseTracking({ ...gitOptions, executor }) : undefined;
  const controller = new RolloutController({
    informers,
    workers: config.workers,
    logger,
    observer: overrides.observer ?? metrics,
    reconcileRollout: byRollout(createRolloutReconciler({
      cache: informers,
      client,
      events,
      clock,
      logger,
      writes: rolloutWrites,
      routerFor: (rollout) => routerFor(rollout, { reader: client, writer: client }),
      gitRollback: revert !== undefined,
      held: new HeldStatusWrites(),
    })),
    ...(revert ? { reconcileGitRollback: byRollout(createGitRollbackReconciler({ cache: informers, client, events, clock, logger, revert, writes: rolloutWrites, ...(overrides.gitRetry ? { retry: overrides.gitRetry } : {}) })) } : {}),
    ...(tracking
      ? { reconcileReleaseSource: byRollout(createReleaseSourceReconciler({ cache: informers, client, events, clock, logger, tracking, writes: rolloutWrites, ...(overrides.releaseSourceTiming ? { timing: overrides.releaseSourceTiming } : {}) })) }
      : {}),
    reconcileAnalysisRun: byLabel(informers.analysisRuns, createAnalysisRunReconciler({ runs: informers.analysisRuns, client, events, providerFor: createProviderFor(client), clock, logger, writes: new WriteTracker() })),
    reconcileExperiment: byLabel(informers.experiments, createExperimentReconciler({ cache: informers, client, events, clock, logger, writes: new WriteTracker() })),
    checkTemplate: (template) => reportTemplateProblems(template as AnalysisTemplateObject, events, logger),
    ...(sharding ? { checksTemplates: leads } : {}),
  });
  controller.wire();
  // Its own informers, queue and workers: a reconcile pass never waits on a notification.
  const notifications = config.notifications === false ? undefined : new NotificationOutbox({
    client,
    rollouts: informers.rollouts,
    events,
    writes: rolloutWrites,
    ...(config.namespace !== undefined ? { namespace: config.namespace } : {}),
    controllerNamespace: config.leaseNamespace,
    allowLocalUrls: config.allowLocalNotificationUrls === true,
    clock,
    logger,
    observer: metrics,
    reconcilerBusy: () => controller.rollouts.queue.depth > 0,
    ...(sharding ? { guard: byRollout, reportsNotifierStatus: leads } : {}),
    ...(overrides.notificationPolicy ? { policy: overrides.notificationPolicy } : {}),
  });
  notifications?.wire();
  sharding?.attach(client, informers, (wanted) => controller.requeue(wanted), (wanted) => notifications?.requeue(wanted));
  metrics.watchQueueDepth('rollouts', () => controller.rollouts.queue.depth);
  if (controller.analysisRuns) metrics.watchQueueDepth('analysisruns', () => controller.analysisRuns?.queue.depth ?? 0);
  if (controller.experiments) metrics.watchQueueDepth('experiments', () => controller.experiments?.queue.depth ?? 0);
  if (controller.gitRollbacks) metrics.watchQueueDepth('gitrollbacks', () => controller.gitRollbacks?.queue.depth ?? 0);
  if (controller.releaseSources) metrics.watchQueueDepth('releasesources', () => controller.releaseSources?.queue.depth ?? 0);
  if (notifications) metrics.watchQueueDepth('notifications', () => notifications.queueDepth);
  let api: Awaited<ReturnType<typeof serveApi>> | undefined;
  try {
    api = config.apiPort >= 0 ? await serveApi(config, client, informers, metrics, logger, () => elector) : undefined;
  } catch (err) {
    // Nothing may keep running after a failed start: the process must exit with the error, not linger half-started.
    transport.close();
    throw err;
  }
  informers.start();
  notifications?.startInformers();
  await informers.waitForSync();
  await notifications?.waitForSync();
  logger.info({ namespace: config.namespace ?? '(all)', workers: config.workers }, 'caches synced');

  let stopping = false;
  let stopped: Promise<void> | undefined;
  if (config.leaderElection) {
    elector = new LeaderElector(client, {
      namespace: config.leaseNamespace,
      name: config.leaseName,
      leaseDurationMs: config.leaseDurationMs,
      renewDeadlineMs: Math.round(config.leaseDurationMs * 2 / 3),
      retryPeriodMs: Math.max(100, Math.round(config.leaseDurationMs / 7)),
      identity: config.identity,
      logger,
      onStartedLeading: () => {
        if (sharding) {
          // Every replica already acts on its shards; the leader also labels what is on none, checks templates and
          // reports notifiers' status.
          sharding.lead();
          controller.checkTemplates();
          notifications?.requeue(() => false);
          return;
        }
        controller.start();
        notifications?.start();
      },
      onStoppedLeading: () => {
        if (stopping) return;
        if (sharding) {
          void sharding.stopLeading();
          return;
        }
        void controller.stop();
        void notifications?.stop();
        overrides.onLostLeadership?.();
      },
    });
    elector.start();
    if (sharding) {
      controller.start();
      notifications?.start();
      sharding.start();
    }
  } else {
    controller.start();
    notifications?.start();
  }

  return {
    informers,
    controller,
    notifications,
    client,
    logger,
    sharding,
    isLeader: () => elector?.isLeader ?? true,
    leader: () => (elector ? elector.leader : config.identity),
    apiUrl: api?.url,
    stop() {
      // Idempotent: a signal handler and a caller may both stop the controller.
      stopped ??= (async () => {
        stopping = true;
        await api?.close();
        // Hands the shards over first: their passes drain and their Leases are released for the others to take.
        await sharding?.stop();
        await controller.stop();
        await notifications?.stop();
        await elector?.stop();
        await informers.stop();
        transport.close();
      })();
      return stopped;
    },
  };
}

/** The HTTP API, health and metrics, reading from the controller's own informers (no second cache). */
async function serveApi(
  config: ControllerConfig,
  client: KubeClient,
  informers: RolloutInformers,
  metrics: VaneMetrics,
  logger: Logger,
  elector: () => LeaderElector | undefined,
): Promise<ListeningApi & { close(): Promise<void> }> {
  const { api, readModel } = await createVaneApi({
    client,
    config: {
      namespace: config.namespace,
      identity: config.identity,
      allowAnonymous: false,
      ...(config.apiRateLimit ? { rateLimit: config.apiRateLimit } : {}),
      ...(config.apiClientRateLimit ? { clientRateLimit: config.apiClientRateLimit } : {}),
      ...(config.apiTrustProxy ? { trustProxy: config.apiTrustProxy } : {}),
      ...(config.apiStreams ? { streams: config.apiStreams } : {}),
      ...(config.apiTokenFile ? { tokenFile: config.apiTokenFile } : {}),
    },
    metrics,
    logger,
    shared: { rollouts: informers.rollouts as never, replicaSets: informers.replicaSets, analysisRuns: informers.analysisRuns as never },
    readiness: () => {
      const problem = elector()?.problem;
      if (problem) return { ready: false, reason: `${problem} (--lease-namespace names another, --no-leader-elect runs without a Lease)` };
      const leader = config.leaderElection ? elector()?.leader : config.identity;
      return leader === undefined ? { ready: false, reason: 'leader not known yet' } : { ready: true };
    },
  });
  readModel.start();
  const bindAddress = config.apiBindAddress ?? DEFAULT_API_BIND_ADDRESS;
  let listening: ListeningApi;
  try {
    listening = await api.listen(config.apiPort, bindAddress);
  } catch (err) {
    await readModel.stop();
    throw listenError(err, bindAddress, config.apiPort);
  }
  logger.info({ url: listening.url }, 'Vane API, health and metrics listening');
  return {
    ...listening,
    async close() {
      await listening.close();
      await readModel.stop();
    },
  };
}
