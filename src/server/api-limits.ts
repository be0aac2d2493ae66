// The API's limits on callers and their defaults, in one place without runtime imports, so the CLI can show them in
// --help without loading the server.
import type { RateLimit } from './rate-limiter.js';

/** Per client address, before authentication. Above the per-user default (30, then 10/s): several users may share
 * an address (a NAT, an egress gateway). */
export const DEFAULT_CLIENT_RATE_LIMIT: RateLimit = { burst: 60, perSecond: 20 };

/** Client addresses remembered at once; past that, the least recently seen are forgotten. */
export const MAX_CLIENT_ADDRESSES = 10_000;

export interface StreamLimits {
  /** Open streams one user may hold at once. */
  maxPerUser: number;
  /** Open streams the server holds at once, all users together (each is a connection and a file descriptor). */
  maxTotal: number;
  /** A stream ends after this long (less up to a tenth, so that reconnects spread out); the client reconnects. */
  maxLifetimeMs: number;
  /** How often a stream's caller is authenticated and authorized again; a stream that fails the check is closed. */
  recheckMs: number;
}

export const DEFAULT_STREAM_LIMITS: StreamLimits = { maxPerUser: 10, maxTotal: 200, maxLifetimeMs: 15 * 60_000, recheckMs: 60_000 };
