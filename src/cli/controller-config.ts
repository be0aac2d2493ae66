// The controller's configuration: flags first, then environment variables, then defaults.
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LevelWithSilent } from 'pino';
import { DEFAULT_CLIENT_RATE_LIMIT, DEFAULT_STREAM_LIMITS, type StreamLimits } from '../server/api-limits.js';

export interface ControllerConfig {
  /** Path to a kubeconfig; absent → in-cluster service account, then the default kubeconfig locations. */
  kubeconfig?: string;
  /** Watch one namespace only; absent → all namespaces. */
  namespace?: string;
  workers: number;
  leaderElection: boolean;
  leaseNamespace: string;
  leaseName: string;
  /** How long a lease is valid without renewal; a standby takes over this long after the leader dies. */
  leaseDurationMs: number;
  identity: string;
  logLevel: LevelWithSilent;
  /** Port of the HTTP API, health and metrics; 0 picks a free port; -1 disables it. */
  apiPort: number;
  /** Where rollback-by-git-revert keeps its cached clones. */
  gitWorkDir?: string;
  /**
   * Whether rollback by git revert may use `file://` URLs and paths on the controller's disk as repositories. Off by
   * default: a Rollout could otherwise name any repository on that disk, other teams' cached clones included.
   */
  allowLocalGitUrls?: boolean;
  /** Static API token file (hashed tokens); absent: bearer tokens are checked with TokenReview. */
  apiTokenFile?: string;
  /** Requests per second (steady, and burst) each API subject may make. */
  apiRateLimit?: { perSecond: number; burst: number };
  /** Requests per second (steady, and burst) each client address may make, before authentication. */
  apiClientRateLimit?: { perSecond: number; burst: number };
  /** Proxies whose X-Forwarded-For names the API client's address; absent: none. */
  apiTrustProxy?: string;
  apiStreams?: StreamLimits;
}

export interface ControllerFlags {
  kubeconfig?: string;
  namespace?: string;
  workers?: string;
  leaderElect?: boolean;
  leaseNamespace?: string;
  leaseDuration?: string;
  logLevel?: string;
  apiPort?: string;
  gitWorkDir?: string;
  allowLocalGitUrls?: boolean;
  apiTokenFile?: string;
  apiRateLimit?: string;
  apiRateBurst?: string;
  apiClientRateLimit?: string;
  apiClientRateBurst?: string;
  apiTrustProxy?: string;
  apiMaxStreams?: string;
  apiMaxStreamsPerUser?: string;
  apiStreamLifetime?: string;
  apiStreamRecheck?: string;
}

const LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function controllerConfig(flags: ControllerFlags, env: NodeJS.ProcessEnv = process.env): ControllerConfig {
  const logLevel = (flags.logLevel ?? env.VANE_LOG_LEVEL ?? 'info') as LevelWithSilent;
  if (!LEVELS.includes(logLevel)) throw new Error(`--log-level must be one of ${LEVELS.join(', ')}; got "${logLevel}"`);
  return {
    kubeconfig: flags.kubeconfig ?? env.KUBECONFIG,
    namespace: flags.namespace ?? env.VANE_NAMESPACE,
    workers: positiveInt('--workers', flags.workers ?? env.VANE_WORKERS ?? '4'),
    leaderElection: flags.leaderElect ?? env.VANE_LEADER_ELECT !== 'false',
    leaseNamespace: flags.leaseNamespace ?? env.POD_NAMESPACE ?? 'vane-system',
    leaseName: 'vane-controller',
    leaseDurationMs: positiveInt('--lease-duration', flags.leaseDuration ?? env.VANE_LEASE_DURATION_SECONDS ?? '15') * 1000,
    identity: env.POD_NAME ?? `${hostname()}-${process.pid}`,
    logLevel,
    apiPort: integer('--api-port', flags.apiPort ?? env.VANE_API_PORT ?? '8080'),
    gitWorkDir: flags.gitWorkDir ?? env.VANE_GIT_WORKDIR ?? join(tmpdir(), 'vane-git'),
    allowLocalGitUrls: flags.allowLocalGitUrls ?? env.VANE_ALLOW_LOCAL_GIT_URLS === 'true',
    apiTokenFile: flags.apiTokenFile ?? env.VANE_API_TOKEN_FILE,
    apiRateLimit: {
      perSecond: positiveInt('--api-rate-limit', flags.apiRateLimit ?? env.VANE_API_RATE_LIMIT ?? '10'),
      burst: positiveInt('--api-rate-burst', flags.apiRateBurst ?? env.VANE_API_RATE_BURST ?? '30'),
    },
    apiClientRateLimit: {
      perSecond: positiveInt('--api-client-rate-limit', flags.apiClientRateLimit ?? env.VANE_API_CLIENT_RATE_LIMIT ?? String(DEFAULT_CLIENT_RATE_LIMIT.perSecond)),
      burst: positiveInt('--api-client-rate-burst', flags.apiClientRateBurst ?? env.VANE_API_CLIENT_RATE_BURST ?? String(DEFAULT_CLIENT_RATE_LIMIT.burst)),
    },
    apiTrustProxy: flags.apiTrustProxy ?? (env.VANE_API_TRUST_PROXY || undefined),
    apiStreams: apiStreams(flags, env),
  };
}

function apiStreams(flags: ControllerFlags, env: NodeJS.ProcessEnv): StreamLimits {
  const seconds = (flag: string, value: string): number => positiveInt(flag, value) * 1000;
  return {
    maxTotal: positiveInt('--api-max-streams', flags.apiMaxStreams ?? env.VANE_API_MAX_STREAMS ?? String(DEFAULT_STREAM_LIMITS.maxTotal)),
    maxPerUser: positiveInt('--api-max-streams-per-user', flags.apiMaxStreamsPerUser ?? env.VANE_API_MAX_STREAMS_PER_USER ?? String(DEFAULT_STREAM_LIMITS.maxPerUser)),
    maxLifetimeMs: seconds('--api-stream-lifetime', flags.apiStreamLifetime ?? env.VANE_API_STREAM_LIFETIME_SECONDS ?? String(DEFAULT_STREAM_LIMITS.maxLifetimeMs / 1000)),
    recheckMs: seconds('--api-stream-recheck', flags.apiStreamRecheck ?? env.VANE_API_STREAM_RECHECK_SECONDS ?? String(DEFAULT_STREAM_LIMITS.recheckMs / 1000)),
  };
}

function positiveInt(flag: string, value: string): number {
  const n = integer(flag, value);
  if (n < 1) throw new Error(`${flag} must be at least 1; got ${value}`);
  return n;
}

function integer(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new Error(`${flag} must be an integer; got "${value}"`);
  return n;
}
