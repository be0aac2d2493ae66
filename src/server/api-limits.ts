// The API's limits on callers and their defaults, in one place without runtime imports, so the CLI can show them in
// --help without loading the server.
import type { RateLimit } from './rate-limiter.js';

/** Per client address, before authentication. Above the per-user default (30, then 10/s): several users may share
 * an address (a NAT, an egress gateway). */
export const DEFAULT_CLIENT_RATE_LIMIT: RateLimit = { burst: 60, perSecond: 20 };

/** Client addresses remembered at once; past that, the least recently seen are forgotten. */
export const MAX_CLIENT_ADDRESSES = 10_000;
