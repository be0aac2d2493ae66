// The composition root of the controller process: config in, running controller out (used by the CLI, demo, tests).
import { KubeConfig } from '@kubernetes/client-node';
import { createLogger, type Logger } from '../logger.js';
import { KubeClient } from '../kube/kube-client.js';
import { KubeEventRecorder } from '../kube/event-recorder.js';
import { KubeTransport } from '../kube/kube-transport.js';
import { LeaderElector } from '../kube/leader-election.js';
import { WriteTracker } from '../kube/write-tracker.js';
import type { ReconcileObserver } from '../kube/controller-runner.js';
import { RolloutController } from '../reconcile/rollout-controller.js';
import { RolloutInformers } from '../reconcile/rollout-informers.js';
import { createRolloutReconciler } from '../reconcile/rollout-reconciler.js';
import type { ControllerConfig } from './controller-config.js';

export interface RunningController {
  readonly informers: RolloutInformers;
  readonly controller: RolloutController;
  readonly client: KubeClient;
  readonly logger: Logger;
  isLeader(): boolean;
  leader(): string | undefined;
  /** Stops leading (releasing the lease), finishes reconciles in flight, stops watches. */
  stop(): Promise<void>;
}

export interface StartOverrides {
  kubeConfig?: KubeConfig;
  logger?: Logger;
  clock?: () => number;
  observer?: ReconcileObserver;
  /** Called when leadership is lost; the CLI exits so a fresh process campaigns again. */
  onLostLeadership?: () => void;
}

export function loadKubeConfig(path: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (path) kc.loadFromFile(path);
  else kc.loadFromDefault();
  return kc;
}

export async function startController(config: ControllerConfig, overrides: StartOverrides = {}): Promise<RunningController> {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const kc = overrides.kubeConfig ?? loadKubeConfig(config.kubeconfig);
  const transport = await KubeTransport.fromKubeConfig(kc);
  const client = new KubeClient(transport);
  const informers = new RolloutInformers(client, { namespace: config.namespace, logger });
  const events = new KubeEventRecorder(client, 'vane.dev/rollout-controller', config.identity, logger);
  const clock = overrides.clock ?? Date.now;
  const controller = new RolloutController({
    informers,
    workers: config.workers,
    logger,
    observer: overrides.observer,
    reconcileRollout: createRolloutReconciler({ cache: informers, client, events, clock, logger, writes: new WriteTracker() }),
  });
  controller.wire();
  informers.start();
  await informers.waitForSync();
  logger.info({ namespace: config.namespace ?? '(all)', workers: config.workers }, 'caches synced');

  let elector: LeaderElector | undefined;
  let stopping = false;
  if (config.leaderElection) {
    elector = new LeaderElector(client, {
      namespace: config.leaseNamespace,
      name: config.leaseName,
      leaseDurationMs: config.leaseDurationMs,
      renewDeadlineMs: Math.round(config.leaseDurationMs * 2 / 3),
      retryPeriodMs: Math.max(100, Math.round(config.leaseDurationMs / 7)),
      identity: config.identity,
      logger,
      onStartedLeading: () => controller.start(),
      onStoppedLeading: () => {
        if (stopping) return;
        void controller.stop();
        overrides.onLostLeadership?.();
      },
    });
    elector.start();
  } else {
    controller.start();
  }

  return {
    informers,
    controller,
    client,
    logger,
    isLeader: () => elector?.isLeader ?? true,
    leader: () => (elector ? elector.leader : config.identity),
    async stop() {
      stopping = true;
      await controller.stop();
      await elector?.stop();
      await informers.stop();
      transport.close();
    },
  };
}
