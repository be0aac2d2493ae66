// What the middleware chain learns about a request and later handlers read: its id, the caller's identity, and how
// to check that identity again (a long-lived stream outlives the check made when it opened).
import { randomUUID } from 'node:crypto';
import type { RequestHandler, Response } from 'express';
import { VaneError } from '../errors.js';
import type { Identity } from './authenticator.js';

const REQUEST_ID_HEADER = 'X-Request-Id';
// A caller-supplied id is kept (it ties the audit line to the pipeline run) only when it is short and plain.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestIdMiddleware(): RequestHandler {
  return (req, res, next) => {
    const given = req.get(REQUEST_ID_HEADER);
    const id = given && ACCEPTABLE_ID.test(given) ? given : randomUUID();
    res.locals.requestId = id;
    res.setHeader(REQUEST_ID_HEADER, id);
    next();
  };
}

export function requestIdOf(res: Response): string {
  return typeof res.locals.requestId === 'string' ? res.locals.requestId : '';
}

/** Authenticates the request's credentials again: the identity they name now, or undefined when they no longer do. */
export type Reauthenticate = () => Promise<Identity | undefined>;

export function setIdentity(res: Response, identity: Identity, reauthenticate: Reauthenticate = () => Promise.resolve(identity)): void {
  res.locals.identity = identity;
  res.locals.reauthenticate = reauthenticate;
}

/** Only reachable behind the authentication middleware, like identityOf. */
export function reauthenticationOf(res: Response): Reauthenticate {
  const reauthenticate = res.locals.reauthenticate as Reauthenticate | undefined;
  if (!reauthenticate) throw new VaneError('Internal', 'route reached without authentication');
  return reauthenticate;
}

/** The authenticated caller; only reachable behind the authentication middleware. */
export function identityOf(res: Response): Identity {
  const identity = res.locals.identity as Identity | undefined;
  if (!identity) throw new VaneError('Internal', 'route reached without authentication');
  return identity;
}
