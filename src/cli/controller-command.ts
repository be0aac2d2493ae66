// `vane controller`: flags and environment → config → a running controller that stops cleanly on SIGTERM.
import type { Command } from 'commander';
import { controllerConfig, type ControllerFlags } from './controller-config.js';

export function registerControllerCommand(program: Command): void {
  program
    .command('controller')
    .description('run the Vane controller (leader-elected) against a cluster')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster)')
    .option('-n, --namespace <namespace>', 'watch only this namespace (env VANE_NAMESPACE)')
    .option('--workers <n>', 'concurrent reconciles (env VANE_WORKERS)')
    .option('--leader-elect', 'campaign for a Lease before acting (default; env VANE_LEADER_ELECT)')
    .option('--no-leader-elect', 'act at once, without a Lease')
    .option('--lease-namespace <namespace>', 'namespace of the Lease (env POD_NAMESPACE; default vane-system)')
    .option('--lease-duration <seconds>', 'lease validity; a standby takes over this long after the leader dies (env VANE_LEASE_DURATION_SECONDS; default 15)')
    .option('--log-level <level>', 'fatal|error|warn|info|debug|trace|silent (env VANE_LOG_LEVEL)')
    .option('--git-work-dir <dir>', 'cached clones for rollback by git revert (env VANE_GIT_WORKDIR)')
    .option('--allow-local-git-urls', 'let rollback by git revert use file:// URLs and local paths as repositories; off by default (env VANE_ALLOW_LOCAL_GIT_URLS=true)')
    .option('--api-token-file <file>', 'static API tokens (hashed); default: TokenReview (env VANE_API_TOKEN_FILE)')
    .option('--api-port <port>', 'HTTP API, health and metrics port; -1 disables (env VANE_API_PORT)')
    .option('--api-rate-limit <perSecond>', 'steady API requests per second per caller (env VANE_API_RATE_LIMIT; default 10)')
    .option('--api-rate-burst <n>', 'API request burst per caller (env VANE_API_RATE_BURST; default 30)')
    .option('--api-client-rate-limit <perSecond>', 'steady API requests per second per client address, before authentication (env VANE_API_CLIENT_RATE_LIMIT; default 20)')
    .option('--api-client-rate-burst <n>', 'API request burst per client address (env VANE_API_CLIENT_RATE_BURST; default 60)')
    .option('--api-trust-proxy <addresses>', "proxies whose X-Forwarded-For names the client address: addresses, CIDRs, 'loopback', 'uniquelocal' (env VANE_API_TRUST_PROXY; default none)")
    .option('--api-max-streams <n>', 'open status streams, all users together (env VANE_API_MAX_STREAMS; default 200)')
    .option('--api-max-streams-per-user <n>', 'open status streams per user (env VANE_API_MAX_STREAMS_PER_USER; default 10)')
    .option('--api-stream-lifetime <seconds>', 'a status stream ends after this long and the client reconnects (env VANE_API_STREAM_LIFETIME_SECONDS; default 900)')
    .option('--api-stream-recheck <seconds>', "how often an open stream's caller is authenticated and authorized again (env VANE_API_STREAM_RECHECK_SECONDS; default 60)")
    .action(async (flags: ControllerFlags, command: Command) => {
      const leaderElectGiven = command.getOptionValueSource('leaderElect') === 'cli';
      const config = controllerConfig({ ...flags, leaderElect: leaderElectGiven ? flags.leaderElect : undefined });
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
