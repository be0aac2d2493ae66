// The operator HTTP API: composes the guards, routes, streams, health and metrics into one express app, served by
// the controller process or on its own (`vane serve`).
import type { AddressInfo, Socket } from 'node:net';
import type { Server } from 'node:http';
import express, { type Express, type RequestHandler } from 'express';
import { VaneError } from '../errors.js';
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { EventRecorder } from '../kube/event-recorder.js';
import type { LiveReader, StatusWriter } from '../kube/kube-client.js';
import { errorHandler } from './api-error.js';
import { DEFAULT_CLIENT_RATE_LIMIT, type StreamLimits } from './api-limits.js';
import type { AuthenticationOptions } from './auth-middleware.js';
import type { Authenticator } from './authenticator.js';
import type { Authorizer } from './authorizer.js';
import { clientRateLimitMiddleware } from './client-rate-limit.js';
import { CommandAudit } from './command-audit.js';
import type { CommandPolicy } from './command-policy.js';
import { RolloutCommandWriter } from './command-writer.js';
import { defaultDashboardDir, registerDashboardRoutes } from './dashboard-routes.js';
import { registerHealthRoutes, type Readiness } from './health-routes.js';
import { machineCommandPolicy } from './machine-command-policy.js';
import type { VaneMetrics } from './metrics.js';
import { registerMetricsRoute } from './metrics-route.js';
import { openApiDocument } from './openapi-document.js';
import { DEFAULT_RATE_LIMIT, TokenBucketLimiter, type RateLimit } from './rate-limiter.js';
import { requestIdMiddleware } from './request-context.js';
import type { RolloutReadModel } from './rollout-read-model.js';
import { API_PREFIX, registerRolloutRoutes } from './rollout-routes.js';
import { securityHeaders } from './security-headers.js';
import { RolloutStatusStream } from './status-stream.js';

export const DEFAULT_BODY_LIMIT_BYTES = 16 * 1024;

/** What `GET /` answers: where the API is described, for someone who opens the address with a browser or curl. */
export const API_INDEX = {
  name: 'Vane API',
  documentation: 'docs/api.md in the Vane repository',
  openapi: `${API_PREFIX}/openapi.json`,
  dashboard: '/dashboard/',
} as const;

export interface ApiServerDeps {
  readModel: RolloutReadModel;
  /** Live reads, used when a command's status write loses a race and must decide again on fresh state. */
  reader: Pick<LiveReader, 'get'>;
  status: Pick<StatusWriter, 'patchStatus'>;
  authenticator: Authenticator;
  authorizer: Authorizer;
  /** Where the audit Events go; absent: commands are audited in the log only. */
  events?: EventRecorder;
  /** Whether a command applies now; the state machine's verdict by default. */
  commandPolicy?: CommandPolicy;
  metrics?: VaneMetrics;
  /** Feed the rollout gauges and outcome counters from the read model (turn off when the controller already does). */
  trackRolloutMetrics?: boolean;
  logger?: Logger;
  readiness?: () => Readiness;
  allowAnonymous?: boolean;
  bodyLimitBytes?: number;
  /** Per authenticated subject. */
  rateLimit?: RateLimit;
  /** Per client address, before authentication. */
  clientRateLimit?: RateLimit;
  /**
   * Which proxies' X-Forwarded-For to believe for the client address (express's `trust proxy`: addresses, CIDRs,
   * `loopback`, `uniquelocal`...); absent: none, the address is the connection's.
   */
  trustProxy?: string;
  streams?: Partial<StreamLimits>;
  heartbeatMs?: number;
  now?: () => Date;
  /** The dashboard's built files; `dist/dashboard` of the package by default. */
  dashboardDir?: string;
}

export interface ListeningApi {
  port: number;
  url: string;
  close(): Promise<void>;
}

export interface ApiServer {
  app: Express;
  stream: RolloutStatusStream;
  listen(port: number, host?: string): Promise<ListeningApi>;
}

export function createApiServer(deps: ApiServerDeps): ApiServer {
  const logger = deps.logger ?? silentLogger;
  const bodyLimitBytes = deps.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const stream = new RolloutStatusStream(deps.readModel.rollouts, { heartbeatMs: deps.heartbeatMs, limits: deps.streams });
  if (deps.metrics && (deps.trackRolloutMetrics ?? true)) {
    deps.metrics.trackRollouts(deps.readModel.rollouts);
    deps.metrics.trackAnalysisRuns(deps.readModel.analysisRuns);
  }

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);
  app.use(securityHeaders());
  app.use(requestIdMiddleware());
  if (deps.metrics) app.use(requestMetrics(deps.metrics));

  // Probes first: neither limited nor authenticated, so a flood cannot make a healthy pod look dead.
  registerHealthRoutes(app, { readModel: deps.readModel, readiness: deps.readiness });
  app.use(clientRateLimitMiddleware(deps.clientRateLimit ?? DEFAULT_CLIENT_RATE_LIMIT));
  app.get('/', (_req, res) => {
    res.json(API_INDEX);
  });
  app.get(`${API_PREFIX}/openapi.json`, (_req, res) => {
    res.json(openApiDocument());
  });
  registerDashboardRoutes(app, deps.dashboardDir ?? defaultDashboardDir());
  const authentication: AuthenticationOptions = { authenticator: deps.authenticator, allowAnonymous: deps.allowAnonymous ?? false };
  const limiter = new TokenBucketLimiter(deps.rateLimit ?? DEFAULT_RATE_LIMIT);
  registerMetricsRoute(app, { metrics: deps.metrics, authentication, authorizer: deps.authorizer, limiter });
  const commandPolicy = deps.commandPolicy ?? machineCommandPolicy;
  registerRolloutRoutes(app, {
    readModel: deps.readModel,
    writer: new RolloutCommandWriter({ reader: deps.reader, status: deps.status, policy: commandPolicy, now: deps.now }),
    commandPolicy,
    now: deps.now ?? (() => new Date()),
    audit: new CommandAudit(logger, deps.events),
    stream,
    authentication,
    authorizer: deps.authorizer,
    limiter,
    bodyLimitBytes,
  });
  app.use((req, _res, next) => next(new VaneError('NotFound', `no route for ${req.method} ${req.path}`)));
  app.use(errorHandler(logger, bodyLimitBytes));

  return {
    app,
    stream,
    listen: (port, host) => listen(app, stream, port, host),
  };
}

function listen(app: Express, stream: RolloutStatusStream, port: number, host?: string): Promise<ListeningApi> {
  return new Promise((resolve, reject) => {
    const sockets = new Set<Socket>();
    const onListening = (err?: Error): void => {
      if (err) {
        reject(err);
        return;
      }
      const address = server.address() as AddressInfo;
      const shownHost = host ?? 'localhost';
      resolve({
        port: address.port,
        url: `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${address.port}`,
        close: () => close(server, sockets, stream),
      });
    };
    // Without a host Node listens on every interface, IPv6 or not, as the platform allows.
    const server: Server = host === undefined ? app.listen(port, onListening) : app.listen(port, host, onListening);
    server.on('error', reject);
    server.on('connection', (socket: Socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
  });
}

/**
 * Streams never end on their own, so they are ended first; then idle keep-alive connections, and connections a client
 * opened ahead of need (fetch does) that never carried a request, which Node does not count as idle. Requests in
 * flight finish.
 */
function close(server: Server, sockets: Set<Socket>, stream: RolloutStatusStream): Promise<void> {
  stream.closeAll();
  return new Promise((resolve, reject) => {
    server.close((err) => (err ? reject(err) : resolve()));
    server.closeIdleConnections();
    for (const socket of sockets) if (socket.bytesRead === 0) socket.destroy();
  });
}

/** Counts each request under its route template (never the raw path, which would make unbounded series). */
function requestMetrics(metrics: VaneMetrics): RequestHandler {
  return (req, res, next) => {
    const started = performance.now();
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      const template = (req.route as { path?: unknown } | undefined)?.path;
      const route = typeof template === 'string' ? template : 'unmatched';
      metrics.observeApiRequest(req.method, route, res.statusCode, (performance.now() - started) / 1000);
    };
    res.on('finish', finish);
    res.on('close', finish);
    next();
  };
}
