// `vane serve`: runs the HTTP API on its own (without the controller), for standalone use or a separate deployment.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import type { LevelWithSilent } from 'pino';
import { VaneError } from '../errors.js';
import { createLogger } from '../logger.js';

interface ServeFlags {
  port: string;
  host?: string;
  kubeconfig?: string;
  namespace?: string;
  tokenFile?: string;
  anonymous?: boolean;
  rateLimit: string;
  rateBurst: string;
  logLevel: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the Vane HTTP API (rollouts, commands, watch streams, /metrics) without the controller')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '8080')
    .option('--host <address>', 'address to listen on (default: all)')
    .option('--kubeconfig <path>', 'kubeconfig (default: in-cluster, then KUBECONFIG / ~/.kube/config)')
    .option('-n, --namespace <namespace>', 'serve rollouts of one namespace only')
    .option('--token-file <path>', 'static bearer tokens (sha256 digests, YAML or JSON); default: Kubernetes TokenReview')
    .option('--anonymous', 'let requests without a token through as system:anonymous (authorization still applies)')
    .option('--rate-limit <perSecond>', 'steady requests per second per subject', '10')
    .option('--rate-burst <n>', 'burst of requests per subject', '30')
    .option('--log-level <level>', 'log level', 'info')
    .action(async (flags: ServeFlags) => {
      const logger = createLogger(flags.logLevel as LevelWithSilent);
      const { startApiServer } = await import('./start-api-server.js');
      const server = await startApiServer(
        {
          kubeconfig: flags.kubeconfig,
          namespace: flags.namespace,
          port: integerFlag('--port', flags.port),
          host: flags.host,
          tokenFile: flags.tokenFile,
          allowAnonymous: flags.anonymous === true,
          rateLimit: { perSecond: numberFlag('--rate-limit', flags.rateLimit), burst: integerFlag('--rate-burst', flags.rateBurst) },
          identity: process.env.POD_NAME ?? `${hostname()}-${process.pid}`,
        },
        logger,
      );
      // Printed (not only logged) so scripts and tests can find a port picked with --port 0.
      process.stdout.write(`listening on ${server.url}\n`);
      await new Promise<void>((resolve) => {
        process.once('SIGINT', resolve);
        process.once('SIGTERM', resolve);
      });
      await server.close();
    });
}

function integerFlag(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new VaneError('BadRequest', `${flag} must be a non-negative integer; got "${value}"`);
  return n;
}

function numberFlag(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new VaneError('BadRequest', `${flag} must be a positive number; got "${value}"`);
  return n;
}
