// `vane controller`: flags and environment → config → a running controller that stops cleanly on SIGTERM.
import type { Command } from 'commander';
import { addApiOptions } from './api-options.js';
import { controllerConfig, DEFAULT_LEASE_NAMESPACE, type ControllerFlags } from './controller-config.js';

export function registerControllerCommand(program: Command): void {
  const controller = program
    .command('controller')
    .description('run the Vane controller (leader-elected) against a cluster')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account)')
    .option('-n, --namespace <namespace>', 'watch only this namespace (env VANE_NAMESPACE; default: all namespaces)')
    .option('--workers <n>', 'concurrent reconciles (env VANE_WORKERS; default: 4)')
    .option('--leader-elect', 'campaign for a Lease before acting (env VANE_LEADER_ELECT; default: on)')
    .option('--no-leader-elect', 'act at once, without a Lease (for a single controller)')
    .option('--lease-namespace <namespace>', `namespace of the Lease, which must exist (env POD_NAMESPACE; default: ${DEFAULT_LEASE_NAMESPACE})`)
    .option('--lease-duration <seconds>', 'lease validity; a standby takes over this long after the leader dies (env VANE_LEASE_DURATION_SECONDS; default: 15)')
    .option('--shards <count>', 'split the Rollouts into this many shards over the replicas, each acting on the shards whose Leases it holds (env VANE_SHARDS; default: none, one replica acts on all)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env VANE_LOG_LEVEL; default: info)')
    .option('--git-work-dir <dir>', 'cached clones for rollback by git revert (env VANE_GIT_WORKDIR; default: vane-git in the temporary directory)')
    .option('--allow-local-git-urls', 'let rollback by git revert use file:// URLs and local paths as repositories; off by default (env VANE_ALLOW_LOCAL_GIT_URLS=true)')
    .option('--no-notifications', 'do not run the notification outbox (Notifiers, ClusterNotifiers) (env VANE_NOTIFICATIONS=false)')
    .option('--allow-local-notification-urls', 'let notifiers send to loopback and other local URLs; off by default (env VANE_ALLOW_LOCAL_NOTIFICATION_URLS=true)');
  addApiOptions(controller, { disablePort: true });
  controller.action(async (flags: ControllerFlags, command: Command) => {
    const leaderElectGiven = command.getOptionValueSource('leaderElect') === 'cli';
    const notificationsGiven = command.getOptionValueSource('notifications') === 'cli';
    const config = controllerConfig({ ...flags, leaderElect: leaderElectGiven ? flags.leaderElect : undefined, notifications: notificationsGiven ? flags.notifications : undefined });
    // Loaded here, not at the top: other subcommands should not pay for the controller's imports.
    const { startController } = await import('./start-controller.js');
    const running = await startController(config, {
      onLostLeadership: () => {
        running.logger.error('lost leadership; exiting so a fresh process campaigns again');
        process.exit(1);
      },
    });
    await new Promise<void>((resolve) => {
      const stop = (signal: NodeJS.Signals): void => {
        running.logger.info({ signal }, 'stopping: finishing reconciles in flight');
        resolve();
      };
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    });
    await running.stop();
  });
}
