// The /api/v1 routes: read Rollouts from the caches, write commands into status, stream status changes.
import express, { type Express, type Request, type RequestHandler, type Response } from 'express';
import { VaneError, toVaneError } from '../errors.js';
import type { Authorizer, AccessRequest } from './authorizer.js';
import { commandAvailability } from './command-availability.js';
import type { CommandPolicy } from './command-policy.js';
import { accessMiddleware, accessRecheck, accessRefusal, authenticationMiddleware, rateLimitMiddleware, requireAccess, type AuthenticationOptions } from './auth-middleware.js';
import { commandRequest, COMMAND_VERBS, type CommandVerb } from './command-body.js';
import type { CommandAudit, CommandOutcome } from './command-audit.js';
import { CommandRejectedError, type RolloutCommandWriter } from './command-writer.js';
import type { TokenBucketLimiter } from './rate-limiter.js';
import { identityOf, requestIdOf } from './request-context.js';
import type { Identity } from './authenticator.js';
import type { RolloutReadModel } from './rollout-read-model.js';
import { describeRollout, summarizeRollout, type ActionAvailability, type WhoAmI } from './rollout-view.js';
import type { RolloutStatusStream, StreamOwner } from './status-stream.js';
import type { CommandAction } from '../resources/rollout.js';

export const API_PREFIX = '/api/v1';
const ROLLOUT_PATH = `${API_PREFIX}/namespaces/:namespace/rollouts/:name`;

export interface RolloutRouteDeps {
  readModel: RolloutReadModel;
  writer: RolloutCommandWriter;
  /** Asked ahead of a command, to tell a caller which buttons apply (the writer asks it again on the command). */
  commandPolicy: CommandPolicy;
  now: () => Date;
  audit: CommandAudit;
  stream: RolloutStatusStream;
  authentication: AuthenticationOptions;
  authorizer: Authorizer;
  limiter: TokenBucketLimiter;
  bodyLimitBytes: number;
}

export function registerRolloutRoutes(app: Express, deps: RolloutRouteDeps): void {
  const authenticated = [authenticationMiddleware(deps.authentication), rateLimitMiddleware(deps.limiter)];
  const canList = accessMiddleware(deps.authorizer, (req) => listAccess(req));
  const canGet = accessMiddleware(deps.authorizer, (req) => rolloutAccess(req, 'get'));

  app.get(`${API_PREFIX}/rollouts`, ...authenticated, canList, (req, res) => {
    res.json({ items: deps.readModel.listRollouts(namespaceQuery(req)).map(summarizeRollout) });
  });

  app.get(`${API_PREFIX}/whoami`, ...authenticated, (_req, res) => {
    const identity = identityOf(res);
    const body: WhoAmI = { user: identity.username, groups: identity.groups };
    res.json(body);
  });

  app.get(ROLLOUT_PATH, ...authenticated, canGet, async (req, res) => {
    const rollout = findRollout(deps.readModel, req);
    const related = { replicaSets: deps.readModel.replicaSetsOf(rollout), analysisRuns: deps.readModel.analysisRunsOf(rollout), events: deps.readModel.eventsOf(rollout) };
    const identity = identityOf(res);
    const access = await commandAccess(deps.authorizer, identity, statusUpdateAccess({ namespace: param(req, 'namespace'), name: param(req, 'name') }));
    const actions = commandAvailability(rollout, { access, policy: deps.commandPolicy, actor: identity.username, now: deps.now() });
    res.json({ ...describeRollout(rollout, related), actions });
  });

  app.get(`${API_PREFIX}/watch`, ...authenticated, canList, (req, res) => {
    const namespace = namespaceQuery(req);
    deps.stream.open(res, { namespace }, deps.readModel.listRollouts(namespace), streamOwner(deps, res, listAccess(req)));
  });

  app.get(`${ROLLOUT_PATH}/watch`, ...authenticated, canGet, (req, res) => {
    const rollout = findRollout(deps.readModel, req);
    deps.stream.open(res, { namespace: param(req, 'namespace'), name: param(req, 'name') }, [rollout], streamOwner(deps, res, rolloutAccess(req, 'get')));
  });

  const jsonBody = express.json({ limit: deps.bodyLimitBytes, strict: true });
  for (const verb of COMMAND_VERBS) {
    const limited = rateLimitMiddleware(deps.limiter, (req, res) => void auditFailure(deps, req, res, verb, 'rate-limited', 'rate limited'));
    app.post(`${ROLLOUT_PATH}/${verb}`, authenticationMiddleware(deps.authentication), limited, requireJson, jsonBody, commandHandler(deps, verb));
  }
}

/** What a command needs, and what the detail asks ahead to tell which buttons the caller may press. */
function statusUpdateAccess(target: { namespace: string; name: string }): AccessRequest {
  return { verb: 'update', resource: 'rollouts', subresource: 'status', ...target };
}

async function commandAccess(authorizer: Authorizer, identity: Identity, request: AccessRequest): Promise<ActionAvailability> {
  const decision = await authorizer.authorize(identity, request);
  return decision.allowed ? { allowed: true } : { allowed: false, reason: accessRefusal(identity, request, decision) };
}

/** A stream belongs to its caller, and stays open only while the access checked at its opening still holds. */
function streamOwner(deps: RolloutRouteDeps, res: Response, access: AccessRequest): StreamOwner {
  return { user: identityOf(res).username, recheck: accessRecheck(deps.authorizer, res, access) };
}

function commandHandler(deps: RolloutRouteDeps, verb: CommandVerb): RequestHandler {
  return async (req, res) => {
    const identity = identityOf(res);
    const target = { namespace: param(req, 'namespace'), name: param(req, 'name') };
    let action: CommandAction = verb;
    let outcome: CommandOutcome = 'error';
    try {
      await requireAccess(deps.authorizer, identity, statusUpdateAccess(target));
      const request = commandRequest(verb, req.body);
      action = request.action;
      const { command, rollout } = await deps.writer.write(target, action, identity.username, deps.readModel.rollout(target.namespace, target.name), request);
      outcome = 'accepted';
      await deps.audit.record({ requestId: requestIdOf(res), actor: identity, action, ...target, outcome, commandId: command.id, ...(request.reason ? { commandReason: request.reason } : {}) }, rollout);
      res.status(202).json({ id: command.id, action });
    } catch (err) {
      if (outcome === 'accepted') throw err;
      await deps.audit.record({ requestId: requestIdOf(res), actor: identity, action, ...target, outcome: outcomeOf(err), message: toVaneError(err).message });
      throw err;
    }
  };
}

async function auditFailure(deps: RolloutRouteDeps, req: Request, res: Response, verb: CommandVerb, outcome: CommandOutcome, message: string): Promise<void> {
  const identity = identityOf(res);
  await deps.audit.record({ requestId: requestIdOf(res), actor: identity, action: verb, namespace: param(req, 'namespace'), name: param(req, 'name'), outcome, message });
}

function outcomeOf(err: unknown): CommandOutcome {
  if (err instanceof CommandRejectedError) return 'rejected';
  const code = toVaneError(err).code;
  if (code === 'Forbidden') return 'forbidden';
  if (code === 'NotFound') return 'not-found';
  if (code === 'BadRequest') return 'invalid';
  return 'error';
}

/** A body in another format would be silently ignored by the JSON parser; say so instead. */
const requireJson: RequestHandler = (req, _res, next) => {
  // An empty POST (Content-Length: 0, as fetch and curl send) is fine: the command takes its defaults.
  const hasBody = req.get('transfer-encoding') !== undefined || Number(req.get('content-length') ?? 0) > 0;
  if (hasBody && !req.is('application/json')) {
    next(new VaneError('BadRequest', 'body: must be JSON (Content-Type: application/json)'));
    return;
  }
  next();
};

function findRollout(readModel: RolloutReadModel, req: Request): NonNullable<ReturnType<RolloutReadModel['rollout']>> {
  const namespace = param(req, 'namespace');
  const name = param(req, 'name');
  const rollout = readModel.rollout(namespace, name);
  if (!rollout) throw new VaneError('NotFound', `rollout ${namespace}/${name} not found`);
  return rollout;
}

function listAccess(req: Request): AccessRequest {
  const namespace = namespaceQuery(req);
  return { verb: 'list', resource: 'rollouts', ...(namespace ? { namespace } : {}) };
}

function rolloutAccess(req: Request, verb: 'get'): AccessRequest {
  return { verb, resource: 'rollouts', namespace: param(req, 'namespace'), name: param(req, 'name') };
}

function namespaceQuery(req: Request): string | undefined {
  const value = req.query.namespace;
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new VaneError('BadRequest', 'namespace: must be given once, as a plain string');
  return value;
}

function param(req: Request, name: string): string {
  const value = (req.params as Record<string, string | undefined>)[name];
  if (!value) throw new VaneError('BadRequest', `${name}: missing path parameter`);
  return value;
}
