// A stand-in for GitHub's REST API on loopback: checks every request against the documented shapes of commit
// statuses and deployments (docs.github.com/rest/commits/statuses, /rest/deployments/deployments, /statuses), records it.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const COMMIT_STATES = new Set(['error', 'failure', 'pending', 'success']);
const DEPLOYMENT_STATES = new Set(['error', 'failure', 'inactive', 'in_progress', 'queued', 'pending', 'success']);
const DESCRIPTION_MAX = 140;
const SHA = /^[0-9a-f]{40}$/;
const NAME = '[A-Za-z0-9_.-]+';

export interface GitHubCall {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  body: Record<string, unknown> | undefined;
  /** What the receiver answered. */
  status: number;
  /** Set when the request broke a documented rule (the answer was then 4xx). */
  problem?: string;
}

export interface GitHubDeployment {
  id: number;
  repository: string;
  sha: string;
  environment: string;
  statuses: Array<{ id: number; state: string; description?: string; environment?: string }>;
}

export interface GitHubApiReceiver {
  url: string;
  token: string;
  calls: GitHubCall[];
  /** Commit statuses by `owner/repo@sha`, oldest first. */
  statuses: Map<string, Array<{ state: string; context: string; description?: string; target_url?: string }>>;
  deployments: GitHubDeployment[];
  /** Answers the next `count` requests with this status before checking them (to test retries). */
  failNext(status: number, count?: number): void;
  /** Never answers the next request (to test timeouts). */
  hangNext(): void;
  close(): Promise<void>;
}

class Refusal extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export async function startGitHubApiReceiver(options: { token?: string } = {}): Promise<GitHubApiReceiver> {
  const token = options.token ?? 'ghp_test_token';
  const calls: GitHubCall[] = [];
  const statuses: GitHubApiReceiver['statuses'] = new Map();
  const deployments: GitHubDeployment[] = [];
  let ids = 1000;
  let failures: { status: number; count: number } | undefined;
  let hang = false;

  function route(method: string, path: string, query: URLSearchParams, body: Record<string, unknown> | undefined): { status: number; answer: unknown } {
    let match = new RegExp(`^/repos/(${NAME})/(${NAME})/statuses/([^/]+)$`).exec(path);
    if (match && method === 'POST') return createCommitStatus(`${match[1]}/${match[2]}`, match[3] ?? '', requireBody(body));
    match = new RegExp(`^/repos/(${NAME})/(${NAME})/deployments$`).exec(path);
    if (match && method === 'GET') return listDeployments(`${match[1]}/${match[2]}`, query);
    if (match && method === 'POST') return createDeployment(`${match[1]}/${match[2]}`, requireBody(body));
    match = new RegExp(`^/repos/(${NAME})/(${NAME})/deployments/(\\d+)/statuses$`).exec(path);
    if (match && method === 'POST') return createDeploymentStatus(`${match[1]}/${match[2]}`, Number(match[3]), requireBody(body));
    throw new Refusal(404, `no such endpoint: ${method} ${path}`);
  }

  function createCommitStatus(repository: string, sha: string, body: Record<string, unknown>): { status: number; answer: unknown } {
    if (!SHA.test(sha)) throw new Refusal(422, `sha ${sha} is not a full commit SHA`);
    allowedFields(body, ['state', 'target_url', 'description', 'context']);
    const state = requireState(body, COMMIT_STATES);
    const description = optionalDescription(body);
    const context = optionalString(body, 'context') ?? 'default';
    const targetUrl = optionalString(body, 'target_url');
    const key = `${repository}@${sha}`;
    statuses.set(key, [...(statuses.get(key) ?? []), { state, context, ...(description !== undefined ? { description } : {}), ...(targetUrl !== undefined ? { target_url: targetUrl } : {}) }]);
    ids += 1;
    return { status: 201, answer: { id: ids, state, context, description: description ?? null, target_url: targetUrl ?? null } };
  }

  function listDeployments(repository: string, query: URLSearchParams): { status: number; answer: unknown } {
    const sha = query.get('sha');
    const environment = query.get('environment');
    const found = deployments
      .filter((d) => d.repository === repository && (sha === null || d.sha === sha) && (environment === null || d.environment === environment))
      .reverse();
    return { status: 200, answer: found.map((d) => ({ id: d.id, sha: d.sha, ref: d.sha, environment: d.environment })) };
  }

  function createDeployment(repository: string, body: Record<string, unknown>): { status: number; answer: unknown } {
    allowedFields(body, ['ref', 'task', 'auto_merge', 'required_contexts', 'payload', 'environment', 'description', 'transient_environment', 'production_environment']);
    const ref = optionalString(body, 'ref');
    if (ref === undefined) throw new Refusal(422, 'ref is required');
    if (!SHA.test(ref)) throw new Refusal(422, `ref ${ref} is not a full commit SHA (this stand-in knows no branches)`);
    for (const flag of ['auto_merge', 'transient_environment', 'production_environment']) {
      if (body[flag] !== undefined && typeof body[flag] !== 'boolean') throw new Refusal(422, `${flag} must be a boolean`);
    }
    const contexts = body['required_contexts'];
    if (contexts !== undefined && (!Array.isArray(contexts) || !contexts.every((c) => typeof c === 'string'))) throw new Refusal(422, 'required_contexts must be an array of strings');
    if (body['auto_merge'] !== false) throw new Refusal(409, 'this stand-in cannot merge: send auto_merge false');
    if (contexts === undefined || (Array.isArray(contexts) && contexts.length > 0)) throw new Refusal(409, 'this stand-in has no status checks: send required_contexts []');
    optionalDescription(body);
    ids += 1;
    const deployment = { id: ids, repository, sha: ref, environment: optionalString(body, 'environment') ?? 'production', statuses: [] };
    deployments.push(deployment);
    return { status: 201, answer: { id: deployment.id, sha: ref, ref, environment: deployment.environment } };
  }

  function createDeploymentStatus(repository: string, id: number, body: Record<string, unknown>): { status: number; answer: unknown } {
    const deployment = deployments.find((d) => d.id === id && d.repository === repository);
    if (!deployment) throw new Refusal(404, `no deployment ${id} in ${repository}`);
    allowedFields(body, ['state', 'target_url', 'log_url', 'description', 'environment', 'environment_url', 'auto_inactive']);
    const state = requireState(body, DEPLOYMENT_STATES);
    const description = optionalDescription(body);
    const environment = optionalString(body, 'environment');
    if (body['auto_inactive'] !== undefined && typeof body['auto_inactive'] !== 'boolean') throw new Refusal(422, 'auto_inactive must be a boolean');
    ids += 1;
    deployment.statuses.push({ id: ids, state, ...(description !== undefined ? { description } : {}), ...(environment !== undefined ? { environment } : {}) });
    return { status: 201, answer: { id: ids, state, description: description ?? '', environment: environment ?? deployment.environment } };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://receiver');
    const call: GitHubCall = { method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body: undefined, status: 0 };
    calls.push(call);
    if (hang) {
      hang = false;
      return;
    }
    let status: number;
    let answer: unknown;
    try {
      if (failures && failures.count > 0) {
        failures.count -= 1;
        throw new Refusal(failures.status, 'failure injected by the test');
      }
      checkHeaders(req, token);
      call.body = parseBody(raw, req.method ?? '');
      ({ status, answer } = route(call.method, call.path, url.searchParams, call.body));
    } catch (err) {
      if (!(err instanceof Refusal)) throw err;
      status = err.status;
      call.problem = err.message;
      answer = { message: err.message, documentation_url: 'https://docs.github.com/rest' };
    }
    call.status = status;
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(answer));
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => res.writeHead(500).end(String(err)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    calls,
    statuses,
    deployments,
    failNext(status: number, count = 1): void {
      failures = { status, count };
    },
    hangNext(): void {
      hang = true;
    },
    async close(): Promise<void> {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** GitHub's documented request headers: the JSON media type, a bearer token, the API version and a User-Agent. */
function checkHeaders(req: IncomingMessage, token: string): void {
  if (req.headers['user-agent'] === undefined || req.headers['user-agent'] === '') throw new Refusal(403, 'a User-Agent header is required');
  if (req.headers['authorization'] !== `Bearer ${token}`) throw new Refusal(401, 'Bad credentials');
  if (req.headers['accept'] !== 'application/vnd.github+json') throw new Refusal(415, `Accept must be application/vnd.github+json, got ${String(req.headers['accept'])}`);
  const version = req.headers['x-github-api-version'];
  if (version !== '2022-11-28') throw new Refusal(400, `X-GitHub-Api-Version ${String(version)} is not supported`);
}

function parseBody(raw: string, method: string): Record<string, unknown> | undefined {
  if (method === 'GET') return undefined;
  try {
    const value = JSON.parse(raw) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Refusal(400, 'the body must be a JSON object');
    return value as Record<string, unknown>;
  } catch (err) {
    if (err instanceof Refusal) throw err;
    throw new Refusal(400, 'Problems parsing JSON');
  }
}

function requireBody(body: Record<string, unknown> | undefined): Record<string, unknown> {
  if (body === undefined) throw new Refusal(400, 'a JSON body is required');
  return body;
}

function allowedFields(body: Record<string, unknown>, allowed: readonly string[]): void {
  const extra = Object.keys(body).filter((key) => !allowed.includes(key));
  if (extra.length > 0) throw new Refusal(422, `unknown fields: ${extra.join(', ')}`);
}

function requireState(body: Record<string, unknown>, states: ReadonlySet<string>): string {
  const state = body['state'];
  if (typeof state !== 'string' || !states.has(state)) throw new Refusal(422, `state must be one of ${[...states].join(', ')}; got ${JSON.stringify(state)}`);
  return state;
}

function optionalString(body: Record<string, unknown>, field: string): string | undefined {
  const value = body[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw new Refusal(422, `${field} must be a string`);
  return value;
}

function optionalDescription(body: Record<string, unknown>): string | undefined {
  const description = optionalString(body, 'description');
  if (description !== undefined && [...description].length > DESCRIPTION_MAX) throw new Refusal(422, `description is longer than ${DESCRIPTION_MAX} characters`);
  return description;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
