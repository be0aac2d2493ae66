// The request guards: authenticate the bearer token, rate-limit per subject, and authorize the action; and the same
// checks again, later, for a stream that outlives the request that opened it.
import type { Request, RequestHandler, Response } from 'express';
import type { Authenticator, Identity } from './authenticator.js';
import { ANONYMOUS } from './authenticator.js';
import { describeAccess, type AccessDecision, type AccessRequest, type Authorizer } from './authorizer.js';
import { ApiError } from './api-error.js';
import type { TokenBucketLimiter } from './rate-limiter.js';
import { identityOf, reauthenticationOf, setIdentity } from './request-context.js';
import type { StreamRecheck } from './status-stream.js';

export interface AuthenticationOptions {
  authenticator: Authenticator;
  /** Treat requests without a token as system:anonymous (still subject to authorization). Off by default. */
  allowAnonymous?: boolean;
}

export function authenticationMiddleware(options: AuthenticationOptions): RequestHandler {
  return async (req, res, next) => {
    const token = bearerToken(req);
    if (token === undefined) {
      if (!options.allowAnonymous) throw unauthorized(res, 'missing bearer token (send "Authorization: Bearer <token>")');
      setIdentity(res, ANONYMOUS);
      next();
      return;
    }
    if (token === '') throw unauthorized(res, 'the Authorization header must be "Bearer <token>"');
    const identity = await options.authenticator.authenticate(token);
    if (!identity) throw unauthorized(res, 'invalid or expired bearer token');
    setIdentity(res, identity, () => options.authenticator.authenticate(token));
    next();
  };
}

/** `onLimited` lets a caller note the refusal (command routes audit it). */
export function rateLimitMiddleware(limiter: TokenBucketLimiter, onLimited?: (req: Request, res: Response) => void): RequestHandler {
  return (req, res, next) => {
    const identity = identityOf(res);
    const decision = limiter.take(identity.username);
    if (!decision.allowed) {
      onLimited?.(req, res);
      next(new ApiError('RateLimited', `too many requests from ${identity.username}; retry later`, { retryAfterSeconds: decision.retryAfterSeconds }));
      return;
    }
    next();
  };
}

/** Throws Forbidden unless the caller may do `request`. */
export async function requireAccess(authorizer: Authorizer, identity: Identity, request: AccessRequest): Promise<void> {
  const decision = await authorizer.authorize(identity, request);
  if (decision.allowed) return;
  throw new ApiError('Forbidden', accessRefusal(identity, request, decision));
}

/** Why the caller may not do `request`, as a 403, a closing stream and a disabled button all say it. */
export function accessRefusal(identity: Identity, request: AccessRequest, decision: AccessDecision): string {
  return `${identity.username} may not ${describeAccess(request)}${decision.reason ? `: ${decision.reason}` : ''}`;
}

/**
 * The check a stream repeats while it is open: the caller's credentials still name the same user, and that user may
 * still do `request`. Answers why not, or undefined while access holds.
 */
export function accessRecheck(authorizer: Authorizer, res: Response, request: AccessRequest): StreamRecheck {
  const opener = identityOf(res);
  const reauthenticate = reauthenticationOf(res);
  return async () => {
    const identity = await reauthenticate();
    if (identity?.username !== opener.username) return 'authentication no longer valid';
    const decision = await authorizer.authorize(identity, request);
    if (decision.allowed) return undefined;
    return `access revoked: ${accessRefusal(identity, request, decision)}`;
  };
}

export function accessMiddleware(authorizer: Authorizer, describe: (req: Request) => AccessRequest): RequestHandler {
  return async (req, res, next) => {
    await requireAccess(authorizer, identityOf(res), describe(req));
    next();
  };
}

function bearerToken(req: Request): string | undefined {
  const header = req.get('Authorization');
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1] ?? '';
}

function unauthorized(res: Response, message: string): ApiError {
  res.setHeader('WWW-Authenticate', 'Bearer realm="vane"');
  return new ApiError('Unauthorized', message);
}
