// `vane serve`: runs the HTTP API on its own (without the controller), for standalone use or a separate deployment.
import { hostname } from 'node:os';
import type { Command } from 'commander';
import type { LevelWithSilent } from 'pino';
import { VaneError } from '../errors.js';
import { createLogger } from '../logger.js';
import { DEFAULT_CLIENT_RATE_LIMIT, DEFAULT_STREAM_LIMITS } from '../server/api-limits.js';

interface ServeFlags {
  port: string;
  host?: string;
  kubeconfig?: string;
  namespace?: string;
  tokenFile?: string;
  anonymous?: boolean;
  rateLimit: string;
  rateBurst: string;
  clientRateLimit: string;
  clientRateBurst: string;
  trustProxy?: string;
  maxStreams: string;
  maxStreamsPerUser: string;
  streamLifetime: string;
  streamRecheck: string;
  logLevel: string;
}

export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('serve the Vane HTTP API (rollouts, commands, watch streams, /metrics for callers allowed get on it) without the controller')
    .option('-p, --port <port>', 'port to listen on (0 picks a free one)', '8080')
    .option('--host <address>', 'address to listen on (default: all)')
    .option('--kubeconfig <path>', 'kubeconfig (default: in-cluster, then KUBECONFIG / ~/.kube/config)')
    .option('-n, --namespace <namespace>', 'serve rollouts of one namespace only')
    .option('--token-file <path>', 'static bearer tokens (sha256 digests, YAML or JSON); default: Kubernetes TokenReview')
    .option('--anonymous', 'let requests without a token through as system:anonymous (authorization still applies)')
    .option('--rate-limit <perSecond>', 'steady requests per second per subject', '10')
    .option('--rate-burst <n>', 'burst of requests per subject', '30')
    .option('--client-rate-limit <perSecond>', 'steady requests per second per client address, before authentication', String(DEFAULT_CLIENT_RATE_LIMIT.perSecond))
    .option('--client-rate-burst <n>', 'burst of requests per client address, before authentication', String(DEFAULT_CLIENT_RATE_LIMIT.burst))
    .option('--trust-proxy <addresses>', "proxies whose X-Forwarded-For names the client address (comma-separated addresses, CIDRs, or 'loopback', 'uniquelocal'); default: none")
    .option('--max-streams <n>', 'open status streams, all users together', String(DEFAULT_STREAM_LIMITS.maxTotal))
    .option('--max-streams-per-user <n>', 'open status streams per user', String(DEFAULT_STREAM_LIMITS.maxPerUser))
    .option('--stream-lifetime <seconds>', 'a status stream ends after this long and the client reconnects', String(DEFAULT_STREAM_LIMITS.maxLifetimeMs / 1000))
    .option('--stream-recheck <seconds>', "how often an open stream's caller is authenticated and authorized again", String(DEFAULT_STREAM_LIMITS.recheckMs / 1000))
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
          rateLimit: { perSecond: numberFlag('--rate-limit', flags.rateLimit), burst: positiveIntegerFlag('--rate-burst', flags.rateBurst) },
          clientRateLimit: { perSecond: numberFlag('--client-rate-limit', flags.clientRateLimit), burst: positiveIntegerFlag('--client-rate-burst', flags.clientRateBurst) },
          trustProxy: flags.trustProxy,
          streams: {
            maxTotal: positiveIntegerFlag('--max-streams', flags.maxStreams),
            maxPerUser: positiveIntegerFlag('--max-streams-per-user', flags.maxStreamsPerUser),
            maxLifetimeMs: numberFlag('--stream-lifetime', flags.streamLifetime) * 1000,
            recheckMs: numberFlag('--stream-recheck', flags.streamRecheck) * 1000,
          },
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

function positiveIntegerFlag(flag: string, value: string): number {
  const n = integerFlag(flag, value);
  if (n < 1) throw new VaneError('BadRequest', `${flag} must be at least 1; got "${value}"`);
  return n;
}

function numberFlag(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new VaneError('BadRequest', `${flag} must be a positive number; got "${value}"`);
  return n;
}
