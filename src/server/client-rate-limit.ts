// The limit that applies before authentication: a token bucket per client address, so a flood of requests (each
// with a made-up bearer token, each worth a TokenReview) is refused before it reaches the authenticator.
import { isIPv6 } from 'node:net';
import type { Request, RequestHandler } from 'express';
import { ApiError } from './api-error.js';
import { DEFAULT_CLIENT_RATE_LIMIT, MAX_CLIENT_ADDRESSES } from './api-limits.js';
import { TokenBucketLimiter, type RateLimit } from './rate-limiter.js';

export function clientRateLimitMiddleware(limit: RateLimit = DEFAULT_CLIENT_RATE_LIMIT, now: () => number = Date.now): RequestHandler {
  const limiter = new TokenBucketLimiter(limit, now, MAX_CLIENT_ADDRESSES);
  return (req, _res, next) => {
    const client = clientOf(req);
    const decision = limiter.take(client);
    if (decision.allowed) {
      next();
      return;
    }
    next(new ApiError('RateLimited', `too many requests from ${client}; retry later`, { retryAfterSeconds: decision.retryAfterSeconds }));
  };
}

/**
 * Who a request counts against: its address (`req.ip`, which follows X-Forwarded-For only through the proxies the
 * `trust proxy` setting names). An IPv6 client counts by its /64, the block one host is normally given, so it cannot
 * step past the limit by changing its interface identifier.
 */
export function clientOf(req: Request): string {
  const address = (req.ip ?? req.socket.remoteAddress ?? 'unknown').replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  return isIPv6(address) ? `${ipv6Prefix64(address)}::/64` : address;
}

function ipv6Prefix64(address: string): string {
  const [head = '', tail] = (address.split('%')[0] ?? '').split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = tail ? tail.split(':') : [];
  const zeros = tail === undefined ? [] : Array<string>(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill('0');
  return [...headGroups, ...zeros, ...tailGroups]
    .slice(0, 4)
    .map((group) => Number.parseInt(group, 16).toString(16))
    .join(':');
}
