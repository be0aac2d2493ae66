// The HTTP front of the sandbox: bearer-token authentication, request statistics, fault injection, authorization,
// body decoding, then discovery or the resource handler; every failure answered as a Status.
import type { IncomingMessage, ServerResponse } from 'node:http';
import yaml from 'js-yaml';
import type { Logger } from '../logger.js';
import {
  ApiStatusError,
  badRequest,
  methodNotAllowed,
  qualifiedResource,
  requestEntityTooLarge,
  resourceNotFound,
  toApiStatusError,
  unauthorized,
  unsupportedMediaType,
  type StatusDetails,
} from './api-status.js';
import type { ApiHandler, ApiResponse } from './api-handler.js';
import { apiGroup, apiGroupList, apiResourceList, apiVersions } from './discovery.js';
import type { FaultInjector } from './fault-injector.js';
import { openApiGroupVersion, openApiRoot } from './openapi-document.js';
import { parseRequestInfo, type DiscoveryRequestInfo, type ResourceRequestInfo } from './request-info.js';
import type { RequestStats } from './request-stats.js';
import type { ResourceRegistry } from './resource-registry.js';
import type { SandboxAuth, UserInfo } from './sandbox-auth.js';

export interface ApiServerDeps {
  auth: SandboxAuth;
  stats: RequestStats;
  faults: FaultInjector;
  handler: ApiHandler;
  registry: ResourceRegistry;
  logger: Logger;
  /** host:port as clients reach the server, for /api's serverAddressByClientCIDRs. */
  serverAddress: () => string;
  maxBodyBytes: number;
}

/** What /version reports: a 1.29 server, the API behaviour the sandbox follows (1.19+ semantics). */
export const SANDBOX_VERSION = {
  major: '1',
  minor: '29',
  gitVersion: 'v1.29.0-vane-sandbox',
  gitCommit: '0000000000000000000000000000000000000000',
  gitTreeState: 'clean',
  buildDate: '2024-01-01T00:00:00Z',
  goVersion: 'go1.21.0',
  compiler: 'gc',
  platform: 'linux/amd64',
};

const HEALTH_PATHS = new Set(['/healthz', '/livez', '/readyz']);
const JSON_TYPES = new Set(['', 'application/json', '*/*']);
const YAML_TYPES = new Set(['application/yaml', 'application/apply-patch+yaml']);
const PATCH_TYPES = new Set(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);

function mediaType(req: IncomingMessage): string {
  return (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

function bearerToken(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization ?? '';
  const m = /^Bearer\s+(.+)$/i.exec(header);
  return m?.[1]?.trim();
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(requestEntityTooLarge(limit));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function decodeBody(raw: Buffer, type: string): unknown {
  if (raw.length === 0) return undefined;
  const text = raw.toString('utf8');
  try {
    if (YAML_TYPES.has(type)) return yaml.load(text);
    if (JSON_TYPES.has(type) || PATCH_TYPES.has(type)) return JSON.parse(text) as unknown;
  } catch (err) {
    throw badRequest(`error decoding request body: ${err instanceof Error ? err.message : String(err)}`);
  }
  throw unsupportedMediaType(['application/json', 'application/yaml']);
}

function sendJson(res: ServerResponse, status: number, body: string, headers: Record<string, string | string[]> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', ...headers });
  res.end(body);
}

function sendStatus(res: ServerResponse, err: ApiStatusError): void {
  const headers: Record<string, string> = {};
  const retryAfter = err.details?.retryAfterSeconds;
  if (retryAfter !== undefined) headers['Retry-After'] = String(retryAfter);
  sendJson(res, err.httpCode, JSON.stringify(err.toStatus()), headers);
}

/** The apiserver's 403 for a resource request its authorizer denied, naming the (qualified) resource and the object. */
function forbiddenRequest(user: UserInfo, info: ResourceRequestInfo): ApiStatusError {
  const resource = info.subresource ? `${info.resource}/${info.subresource}` : info.resource;
  const scope = info.namespace ? ` in the namespace "${info.namespace}"` : ' at the cluster scope';
  const subject = `${qualifiedResource(info.group, info.resource)}${info.name ? ` "${info.name}"` : ''}`;
  const message = `${subject} is forbidden: User "${user.username}" cannot ${info.verb} resource "${resource}" in API group "${info.group}"${scope}`;
  const details: StatusDetails = { ...(info.name ? { name: info.name } : {}), ...(info.group ? { group: info.group } : {}), kind: info.resource };
  return new ApiStatusError(403, 'Forbidden', message, details);
}

/** The apiserver's 403 for a non-resource path (discovery, OpenAPI) the user may not read. */
function forbiddenPath(user: UserInfo, method: string, path: string): ApiStatusError {
  return new ApiStatusError(403, 'Forbidden', `forbidden: User "${user.username}" cannot ${method.toLowerCase()} path "${path}"`, {});
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export class ApiServer {
  constructor(private readonly deps: ApiServerDeps) {}

  /** The request listener for node's https server. */
  readonly listener = (req: IncomingMessage, res: ServerResponse): void => {
    this.serve(req, res).catch((err: unknown) => {
      this.deps.logger.error({ err }, 'sandbox request failed');
      sendStatus(res, toApiStatusError(err));
    });
  };

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://sandbox');
    if (HEALTH_PATHS.has(url.pathname)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    const user = this.deps.auth.authenticate(bearerToken(req));
    if (!user) {
      sendStatus(res, unauthorized());
      return;
    }
    const method = req.method ?? 'GET';
    const info = parseRequestInfo(method, url.pathname, url.searchParams);
    if (info.kind === 'badMethod') {
      sendStatus(res, methodNotAllowed());
      return;
    }
    if (info.kind !== 'resource') {
      this.deps.stats.countNonResource(url.pathname);
      if (!this.deps.auth.authorizePath(user, url.pathname)) sendStatus(res, forbiddenPath(user, method, url.pathname));
      else this.serveNonResource(res, info.kind === 'discovery' ? info : undefined, url.pathname);
      return;
    }
    await this.serveResource(req, res, info, user, url.searchParams);
  }

  private serveNonResource(res: ServerResponse, info: DiscoveryRequestInfo | undefined, path: string): void {
    const doc = info ? this.discovery(info) : this.nonResourceDocument(path.replace(/\/+$/, ''));
    if (doc) sendJson(res, 200, JSON.stringify(doc));
    else sendStatus(res, resourceNotFound());
  }

  /** /version and OpenAPI v3; OpenAPI v2 is absent, as clients accept (kubectl falls back to v3). */
  private nonResourceDocument(path: string): Record<string, unknown> | undefined {
    if (path === '/version') return SANDBOX_VERSION;
    if (path === '/openapi/v3') return openApiRoot(this.deps.registry);
    if (path.startsWith('/openapi/v3/')) return openApiGroupVersion(this.deps.registry, path.slice('/openapi/v3/'.length));
    return undefined;
  }

  private discovery(info: DiscoveryRequestInfo): Record<string, unknown> | undefined {
    const { registry, serverAddress } = this.deps;
    if (info.prefix === 'api') return info.version === undefined ? apiVersions(serverAddress()) : apiResourceList(registry, '', info.version);
    if (info.group === undefined) return apiGroupList(registry);
    if (info.version === undefined) return apiGroup(registry, info.group);
    return apiResourceList(registry, info.group, info.version);
  }

  private async serveResource(req: IncomingMessage, res: ServerResponse, info: ResourceRequestInfo, user: UserInfo, query: URLSearchParams): Promise<void> {
    const started = Date.now();
    const { stats, faults, auth, handler } = this.deps;
    stats.count({ verb: info.verb, group: info.group, resource: info.resource, subresource: info.subresource, namespace: info.namespace, user: user.username });
    let code = 200;
    // 'close' rather than 'finish': a watch the client hangs up never finishes, but it does close.
    res.once('close', () => {
      stats.finished({ ...info, user: user.username, code, durationMs: Date.now() - started });
    });
    try {
      if (!user.faultExempt) {
        const decision = faults.decide(info);
        if (decision.delayMs > 0) await delay(decision.delayMs);
        if (decision.error) throw decision.error;
      }
      const attributes = { user, verb: info.verb, group: info.group, resource: info.resource, subresource: info.subresource, namespace: info.namespace, name: info.name };
      if (!auth.authorize(attributes)) throw forbiddenRequest(user, info);
      const type = mediaType(req);
      const raw = ['POST', 'PUT', 'PATCH', 'DELETE'].includes(req.method ?? '') ? await readBody(req, this.deps.maxBodyBytes) : Buffer.alloc(0);
      const body = decodeBody(raw, type);
      const response = await handler.handle({ info, query, body, contentType: type, accept: req.headers.accept ?? '', user, userAgent: req.headers['user-agent'] }, res);
      this.respond(res, response, (status) => (code = status));
    } catch (err) {
      const status = toApiStatusError(err);
      code = status.httpCode;
      if (status.httpCode >= 500) this.deps.logger.warn({ err, path: req.url }, 'sandbox answered with a server error');
      sendStatus(res, status);
    }
  }

  private respond(res: ServerResponse, response: ApiResponse, setCode: (code: number) => void): void {
    if (response === 'streaming') return;
    setCode(response.status);
    const headers: Record<string, string | string[]> = {};
    if (response.warnings.length > 0) headers['Warning'] = response.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
    sendJson(res, response.status, response.body, headers);
  }
}
