// `vane serve`: runs the HTTP API on its own (without the controller), for standalone use or a separate deployment.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import type { LevelWithSilent } from 'pino';
import { createLogger } from '../logger.js';
import { addApiOptions, adoptFormerNames, apiSettings } from './api-options.js';

interface ServeFlags {
  kubeconfig?: string;
  namespace?: string;
  anonymous?: boolean;
  logLevel: string;
}

export function registerServeCommand(program: Command): void {
  const serve = program
    .command('serve')
    .description('serve the Vane HTTP API (rollouts, commands, watch streams, /metrics for callers allowed get on it) without the controller')
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then the in-cluster service account)')
    .option('-n, --namespace <namespace>', 'serve rollouts of one namespace only (default: all namespaces)')
    .option('--anonymous', 'let requests without a token through as system:anonymous (authorization still applies)')
    .option('--log-level <level>', 'log level', 'info');
  addApiOptions(serve, { serveNames: true });
  serve.action(async (flags: ServeFlags & Record<string, unknown>) => {
    const api = apiSettings(adoptFormerNames(flags, (message) => process.stderr.write(`vane: ${message}\n`)), process.env);
    const logger = createLogger(flags.logLevel as LevelWithSilent);
    const { startApiServer } = await import('./start-api-server.js');
    const server = await startApiServer(
      {
        kubeconfig: flags.kubeconfig,
        namespace: flags.namespace,
        port: api.port,
        host: api.bindAddress,
        tokenFile: api.tokenFile,
        allowAnonymous: flags.anonymous === true,
        rateLimit: api.rateLimit,
        clientRateLimit: api.clientRateLimit,
        trustProxy: api.trustProxy,
        streams: api.streams,
        identity: process.env.POD_NAME ?? `${hostname()}-${process.pid}`,
      },
      logger,
    );
    // Printed (not only logged) so scripts and tests can find a port picked with --api-port 0.
    process.stdout.write(`listening on ${server.url}\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await server.close();
  });
}
