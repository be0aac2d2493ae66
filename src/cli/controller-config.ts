// The controller's configuration: flags first, then environment variables, then defaults.
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LevelWithSilent } from 'pino';
import type { StreamLimits } from '../server/api-limits.js';
import { MAX_SHARDS } from '../kube/shard.js';
import { apiSettings, type ApiFlags } from './api-options.js';

export interface ControllerConfig {
  /** Path to a kubeconfig; absent → $KUBECONFIG, ~/.kube/config, then the in-cluster service account (kubeconfig-loader.ts). */
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
  /**
   * Split the Rollouts into this many shards over the replicas of the Deployment (docs/sharding.md); absent: one
   * replica acts on everything and the others stand by.
   */
  shards?: number;
  logLevel: LevelWithSilent;
  /** Port of the HTTP API, health and metrics; 0 picks a free port; -1 disables it. */
  apiPort: number;
  /** Where the API listens; absent: loopback only (DEFAULT_API_BIND_ADDRESS). */
  apiBindAddress?: string;
  /** Where rollback-by-git-revert keeps its cached clones. */
  gitWorkDir?: string;
  /**
   * Whether rollback by git revert may use `file://` URLs and paths on the controller's disk as repositories. Off by
   * default: a Rollout could otherwise name any repository on that disk, other teams' cached clones included.
   */
  allowLocalGitUrls?: boolean;
  /** Whether the notification outbox runs (default true; --no-notifications). */
  notifications?: boolean;
  /** Whether notifiers may send to loopback and other local URLs (a receiver on the controller's host); off by default. */
  allowLocalNotificationUrls?: boolean;
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

export interface ControllerFlags extends ApiFlags {
  kubeconfig?: string;
  namespace?: string;
  workers?: string;
  leaderElect?: boolean;
  leaseNamespace?: string;
  leaseDuration?: string;
  shards?: string;
  logLevel?: string;
  gitWorkDir?: string;
  allowLocalGitUrls?: boolean;
  notifications?: boolean;
  allowLocalNotificationUrls?: boolean;
}

/** The namespace deploy/kustomize installs into, and so where the controller's Lease lives unless told otherwise. */
export const DEFAULT_LEASE_NAMESPACE = 'vane-system';

const LEVELS: readonly LevelWithSilent[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export function controllerConfig(flags: ControllerFlags, env: NodeJS.ProcessEnv = process.env): ControllerConfig {
  const logLevel = (flags.logLevel ?? env.VANE_LOG_LEVEL ?? 'info') as LevelWithSilent;
  if (!LEVELS.includes(logLevel)) throw new Error(`--log-level must be one of ${LEVELS.join(', ')}; got "${logLevel}"`);
  const api = apiSettings(flags, env, { disablePort: true });
  const leaderElection = flags.leaderElect ?? env.VANE_LEADER_ELECT !== 'false';
  const shards = shardCount(flags.shards ?? env.VANE_SHARDS, leaderElection);
  return {
    // KUBECONFIG is read where the kubeconfig is loaded (kubeconfig-loader.ts): it may list several files.
    kubeconfig: flags.kubeconfig,
    namespace: flags.namespace ?? env.VANE_NAMESPACE,
    workers: positiveInt('--workers', flags.workers ?? env.VANE_WORKERS ?? '4'),
    leaderElection,
    leaseNamespace: flags.leaseNamespace ?? env.POD_NAMESPACE ?? DEFAULT_LEASE_NAMESPACE,
    leaseName: 'vane-controller',
    leaseDurationMs: positiveInt('--lease-duration', flags.leaseDuration ?? env.VANE_LEASE_DURATION_SECONDS ?? '15') * 1000,
    identity: env.POD_NAME ?? `${hostname()}-${process.pid}`,
    ...(shards !== undefined ? { shards } : {}),
    logLevel,
    apiPort: api.port,
    apiBindAddress: api.bindAddress,
    gitWorkDir: flags.gitWorkDir ?? env.VANE_GIT_WORKDIR ?? join(tmpdir(), 'vane-git'),
    allowLocalGitUrls: flags.allowLocalGitUrls ?? env.VANE_ALLOW_LOCAL_GIT_URLS === 'true',
    notifications: flags.notifications ?? env.VANE_NOTIFICATIONS !== 'false',
    allowLocalNotificationUrls: flags.allowLocalNotificationUrls ?? env.VANE_ALLOW_LOCAL_NOTIFICATION_URLS === 'true',
    ...(api.tokenFile ? { apiTokenFile: api.tokenFile } : {}),
    apiRateLimit: api.rateLimit,
    apiClientRateLimit: api.clientRateLimit,
    ...(api.trustProxy ? { apiTrustProxy: api.trustProxy } : {}),
    apiStreams: api.streams,
  };
}

/** --shards: 1 to MAX_SHARDS, and only with Leases, which are how replicas agree who acts on which shard. */
function shardCount(value: string | undefined, leaderElection: boolean): number | undefined {
  if (value === undefined || value === '') return undefined;
  const shards = positiveInt('--shards', value);
  if (shards > MAX_SHARDS) throw new Error(`--shards must be at most ${MAX_SHARDS}; got ${value}`);
  if (!leaderElection) throw new Error('--shards needs Leases to share the shards between replicas; it cannot be combined with --no-leader-elect');
  return shards;
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
