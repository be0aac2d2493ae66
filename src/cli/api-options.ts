// The HTTP API's command-line options, shared by `vane controller` and `vane serve`: one spelling, one environment
// variable and one default each, all shown in --help. The names `vane serve` had before (`--token-file`, ...) still
// work there, with a warning.
import { Option, type Command } from 'commander';
import { VaneError } from '../errors.js';
import { DEFAULT_CLIENT_RATE_LIMIT, DEFAULT_STREAM_LIMITS, type StreamLimits } from '../server/api-limits.js';
import type { RateLimit } from '../server/rate-limiter.js';

export interface ApiFlags {
  apiPort?: string;
  apiBindAddress?: string;
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

/** What the flags, the environment and the defaults together ask of the API. */
export interface ApiSettings {
  /** 0 picks a free port; -1 (the controller only) runs without the API. */
  port: number;
  bindAddress: string;
  /** Static token file; absent: bearer tokens are checked with TokenReview. */
  tokenFile?: string;
  /** Per authenticated subject. */
  rateLimit: RateLimit;
  /** Per client address, before authentication. */
  clientRateLimit: RateLimit;
  trustProxy?: string;
  streams: StreamLimits;
}

/** Loopback: an API on a laptop is not offered to the network unless asked (the Deployment asks for 0.0.0.0). */
export const DEFAULT_API_BIND_ADDRESS = '127.0.0.1';

interface ApiOptionSpec {
  key: keyof ApiFlags;
  flags: string;
  env: string;
  /** Shown in --help and used when neither the flag nor the environment variable is given. */
  default?: string;
  /** What --help says the default is, when it is a behaviour rather than a value. */
  defaultText?: string;
  description: string;
  /** The name `vane serve` used before the two commands agreed. */
  formerly: string;
}

const API_OPTIONS: readonly ApiOptionSpec[] = [
  { key: 'apiPort', flags: '--api-port <port>', env: 'VANE_API_PORT', default: '8080', description: 'HTTP API, health and metrics port; 0 picks a free one', formerly: '--port <port>' },
  {
    key: 'apiBindAddress',
    flags: '--api-bind-address <address>',
    env: 'VANE_API_BIND_ADDRESS',
    default: DEFAULT_API_BIND_ADDRESS,
    description: 'address the API listens on; 0.0.0.0 (or ::) for every interface, as in a pod',
    formerly: '--host <address>',
  },
  { key: 'apiTokenFile', flags: '--api-token-file <file>', env: 'VANE_API_TOKEN_FILE', description: 'static bearer tokens (sha256 digests, YAML or JSON)', defaultText: 'tokens are checked with Kubernetes TokenReview', formerly: '--token-file <file>' },
  { key: 'apiRateLimit', flags: '--api-rate-limit <perSecond>', env: 'VANE_API_RATE_LIMIT', default: '10', description: 'steady API requests per second per caller', formerly: '--rate-limit <perSecond>' },
  { key: 'apiRateBurst', flags: '--api-rate-burst <n>', env: 'VANE_API_RATE_BURST', default: '30', description: 'API request burst per caller', formerly: '--rate-burst <n>' },
  {
    key: 'apiClientRateLimit',
    flags: '--api-client-rate-limit <perSecond>',
    env: 'VANE_API_CLIENT_RATE_LIMIT',
    default: String(DEFAULT_CLIENT_RATE_LIMIT.perSecond),
    description: 'steady API requests per second per client address, before authentication',
    formerly: '--client-rate-limit <perSecond>',
  },
  { key: 'apiClientRateBurst', flags: '--api-client-rate-burst <n>', env: 'VANE_API_CLIENT_RATE_BURST', default: String(DEFAULT_CLIENT_RATE_LIMIT.burst), description: 'API request burst per client address', formerly: '--client-rate-burst <n>' },
  {
    key: 'apiTrustProxy',
    flags: '--api-trust-proxy <addresses>',
    env: 'VANE_API_TRUST_PROXY',
    description: "proxies whose X-Forwarded-For names the client address: addresses, CIDRs, 'loopback', 'uniquelocal'",
    defaultText: 'none',
    formerly: '--trust-proxy <addresses>',
  },
  { key: 'apiMaxStreams', flags: '--api-max-streams <n>', env: 'VANE_API_MAX_STREAMS', default: String(DEFAULT_STREAM_LIMITS.maxTotal), description: 'open status streams, all users together', formerly: '--max-streams <n>' },
  { key: 'apiMaxStreamsPerUser', flags: '--api-max-streams-per-user <n>', env: 'VANE_API_MAX_STREAMS_PER_USER', default: String(DEFAULT_STREAM_LIMITS.maxPerUser), description: 'open status streams per user', formerly: '--max-streams-per-user <n>' },
  {
    key: 'apiStreamLifetime',
    flags: '--api-stream-lifetime <seconds>',
    env: 'VANE_API_STREAM_LIFETIME_SECONDS',
    default: String(DEFAULT_STREAM_LIMITS.maxLifetimeMs / 1000),
    description: 'a status stream ends after this long and the client reconnects',
    formerly: '--stream-lifetime <seconds>',
  },
  {
    key: 'apiStreamRecheck',
    flags: '--api-stream-recheck <seconds>',
    env: 'VANE_API_STREAM_RECHECK_SECONDS',
    default: String(DEFAULT_STREAM_LIMITS.recheckMs / 1000),
    description: "how often an open stream's caller is authenticated and authorized again",
    formerly: '--stream-recheck <seconds>',
  },
];

export interface ApiOptionsMode {
  /** `vane controller`: port -1 runs without the API. */
  disablePort?: boolean;
  /** `vane serve`: `-p` for the port, and the former names as hidden, deprecated aliases. */
  serveNames?: boolean;
}

/** Adds the API options; defaults and environment variables are in the help text, applied by `apiSettings`. */
export function addApiOptions(command: Command, mode: ApiOptionsMode = {}): Command {
  for (const spec of API_OPTIONS) {
    const flags = mode.serveNames && spec.key === 'apiPort' ? `-p, ${spec.flags}` : spec.flags;
    const description = mode.disablePort && spec.key === 'apiPort' ? `${spec.description}; -1 runs without it` : spec.description;
    const shownDefault = spec.defaultText ?? spec.default;
    command.addOption(new Option(flags, `${description} (env ${spec.env}${shownDefault === undefined ? '' : `; default: ${shownDefault}`})`));
    if (mode.serveNames) command.addOption(new Option(spec.formerly).hideHelp());
  }
  return command;
}

/**
 * The API flags with values given under a former name moved to the current one; `warn` hears of each. A current name
 * given as well wins.
 */
export function adoptFormerNames(flags: Record<string, unknown>, warn: (message: string) => void): ApiFlags {
  const adopted: ApiFlags = {};
  for (const spec of API_OPTIONS) {
    const current = flags[spec.key];
    const former = flags[new Option(spec.formerly).attributeName()];
    const flag = spec.flags.split(' ')[0] ?? spec.flags;
    if (typeof former === 'string') warn(`${spec.formerly.split(' ')[0]} is deprecated; use ${flag}`);
    const value = typeof current === 'string' ? current : typeof former === 'string' ? former : undefined;
    if (value !== undefined) adopted[spec.key] = value;
  }
  return adopted;
}

/** Flags over environment over defaults; a bad value is a BadRequest naming the flag. */
export function apiSettings(flags: ApiFlags, env: NodeJS.ProcessEnv, mode: Pick<ApiOptionsMode, 'disablePort'> = {}): ApiSettings {
  const value = (key: keyof ApiFlags): string | undefined => {
    const spec = specOf(key);
    return flags[key] ?? (env[spec.env] || undefined) ?? spec.default;
  };
  const number = (key: keyof ApiFlags): number => positiveNumber(nameOf(key), value(key) ?? '');
  const count = (key: keyof ApiFlags): number => positiveInteger(nameOf(key), value(key) ?? '');
  const tokenFile = value('apiTokenFile');
  const trustProxy = value('apiTrustProxy');
  return {
    port: port(value('apiPort') ?? '', mode.disablePort === true),
    bindAddress: value('apiBindAddress') ?? DEFAULT_API_BIND_ADDRESS,
    ...(tokenFile ? { tokenFile } : {}),
    rateLimit: { perSecond: number('apiRateLimit'), burst: count('apiRateBurst') },
    clientRateLimit: { perSecond: number('apiClientRateLimit'), burst: count('apiClientRateBurst') },
    ...(trustProxy ? { trustProxy } : {}),
    streams: {
      maxTotal: count('apiMaxStreams'),
      maxPerUser: count('apiMaxStreamsPerUser'),
      maxLifetimeMs: number('apiStreamLifetime') * 1000,
      recheckMs: number('apiStreamRecheck') * 1000,
    },
  };
}

function specOf(key: keyof ApiFlags): ApiOptionSpec {
  const spec = API_OPTIONS.find((s) => s.key === key);
  if (!spec) throw new TypeError(`no API option ${key}`);
  return spec;
}

function nameOf(key: keyof ApiFlags): string {
  return specOf(key).flags.split(' ')[0] ?? key;
}

function port(text: string, disablePort: boolean): number {
  const n = Number(text);
  const lowest = disablePort ? -1 : 0;
  if (!Number.isInteger(n) || n < lowest || n > 65_535) {
    throw new VaneError('BadRequest', `--api-port must be an integer from ${lowest} to 65535${disablePort ? ' (-1 runs without the API)' : ''}; got "${text}"`);
  }
  return n;
}

function positiveInteger(flag: string, text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new VaneError('BadRequest', `${flag} must be an integer of at least 1; got "${text}"`);
  return n;
}

function positiveNumber(flag: string, text: string): number {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n <= 0) throw new VaneError('BadRequest', `${flag} must be a positive number; got "${text}"`);
  return n;
}

/** Why the API could not listen, in the terms of the flags that choose where; the process should exit with it. */
export function listenError(err: unknown, bindAddress: string, port: number): VaneError {
  const code = (err as { code?: unknown }).code;
  const where = `${bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress}:${port}`;
  const hint =
    code === 'EADDRINUSE'
      ? 'another process holds the port: choose another with --api-port (0 picks a free one)'
      : code === 'EADDRNOTAVAIL' || code === 'ENOTFOUND'
        ? 'no interface of this machine has that address: choose another with --api-bind-address'
        : code === 'EACCES'
          ? 'ports below 1024 need privileges: choose another with --api-port'
          : 'check --api-port and --api-bind-address';
  const reason = err instanceof Error ? err.message : String(err);
  return new VaneError('Unavailable', `the API cannot listen on ${where}: ${reason} (${hint})`, { cause: err });
}
