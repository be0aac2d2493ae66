// Starts a sandbox Kubernetes API with Vane's CRDs and the Vane API server in front of it, with users whose RBAC
// answers a test sets, and an audit log the test can read.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { KubeConfig } from '@kubernetes/client-node';
import { pino } from 'pino';
import { startSandbox, type Sandbox } from '../../../src/sandbox/sandbox.js';
import type { AccessReviewSpec } from '../../../src/sandbox/sandbox-auth.js';
import { KubeClient } from '../../../src/kube/kube-client.js';
import { KubeEventRecorder } from '../../../src/kube/event-recorder.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { KubeTransport } from '../../../src/kube/kube-transport.js';
import { Kinds } from '../../../src/kube/resource-kind.js';
import { AccessReviewAuthorizer } from '../../../src/server/access-review-authorizer.js';
import { createApiServer, type ListeningApi } from '../../../src/server/api-server.js';
import type { Authenticator } from '../../../src/server/authenticator.js';
import type { CommandPolicy } from '../../../src/server/command-policy.js';
import type { Readiness } from '../../../src/server/health-routes.js';
import { VaneMetrics } from '../../../src/server/metrics.js';
import type { RateLimit } from '../../../src/server/rate-limiter.js';
import { RolloutReadModel } from '../../../src/server/rollout-read-model.js';
import type { StreamLimits } from '../../../src/server/api-limits.js';
import { TokenReviewAuthenticator } from '../../../src/server/token-review-authenticator.js';

export const CRD_DIR = join(import.meta.dirname, '../../../crds');

export interface TestUser {
  name: string;
  token: string;
  groups: string[];
}

export const ALICE: TestUser = { name: 'alice', token: 'alice-token-0123456789', groups: ['deployers'] };
export const BOB: TestUser = { name: 'bob', token: 'bob-token-0123456789', groups: ['viewers'] };
/** Prometheus' service account, as far as the API can tell. */
export const SCRAPER: TestUser = { name: 'system:serviceaccount:monitoring:prometheus', token: 'prometheus-token-0123456789', groups: ['system:serviceaccounts'] };

/**
 * RBAC as the sandbox's SubjectAccessReview answers it: deployers may do everything on rollouts, viewers only read,
 * and the scraper may get the non-resource URL /metrics (nobody else may).
 */
export function defaultRbac(spec: AccessReviewSpec): { allowed: boolean; reason?: string } {
  if (spec.nonResourceAttributes) {
    const scrape = spec.user === SCRAPER.name && spec.nonResourceAttributes.verb === 'get' && spec.nonResourceAttributes.path === '/metrics';
    return scrape ? { allowed: true, reason: 'RBAC: metrics reader' } : { allowed: false, reason: `RBAC: no rule allows ${spec.nonResourceAttributes.verb} ${spec.nonResourceAttributes.path}` };
  }
  const groups = spec.groups ?? [];
  const attrs = spec.resourceAttributes ?? {};
  if (attrs.group !== 'vane.dev' || attrs.resource !== 'rollouts') return { allowed: false, reason: 'not a rollout' };
  if (groups.includes('deployers')) return { allowed: true, reason: 'RBAC: deployers' };
  const read = attrs.verb === 'get' || attrs.verb === 'list' || attrs.verb === 'watch';
  if (groups.includes('viewers') && read && !attrs.subresource) return { allowed: true, reason: 'RBAC: viewers' };
  return { allowed: false, reason: `RBAC: no rule allows ${attrs.verb} ${attrs.resource}${attrs.subresource ? `/${attrs.subresource}` : ''}` };
}

export interface HarnessOptions {
  authenticator?: (client: KubeClient) => Authenticator;
  commandPolicy?: CommandPolicy;
  rateLimit?: RateLimit;
  readiness?: () => Readiness;
  bodyLimitBytes?: number;
  allowAnonymous?: boolean;
  /** Run the sandbox's ReplicaSet/Pod simulator (for tests with the real controller). Off by default. */
  simulatePods?: boolean;
  /** Limits on open status streams; generous by default, as the production defaults are. */
  streams?: Partial<StreamLimits>;
  /** Requests per client address before authentication; high by default, so only the tests about it meet it. */
  clientRateLimit?: RateLimit;
  /** Proxies whose X-Forwarded-For to believe (express `trust proxy`); none by default. */
  trustProxy?: string;
  /** A built dashboard to serve under /dashboard/ (the browser tests' own build). */
  dashboardDir?: string;
}

export interface ApiHarness {
  sandbox: Sandbox;
  /** A client of the sandbox as its admin, for arranging state and checking results. */
  kube: KubeClient;
  api: ListeningApi;
  metrics: VaneMetrics;
  readModel: RolloutReadModel;
  auditLines: Array<Record<string, unknown>>;
  /** Event streams the server is serving right now. */
  streamsOpen(): number;
  stop(): Promise<void>;
}

export async function startApiHarness(options: HarnessOptions = {}): Promise<ApiHarness> {
  const crdFiles = readdirSync(CRD_DIR).filter((f) => f.endsWith('.yaml')).map((f) => join(CRD_DIR, f));
  const sandbox = await startSandbox({ crdFiles, simulator: { enabled: options.simulatePods ?? false, readyDelayMs: 20 }, users: [ALICE, BOB, SCRAPER] });
  sandbox.auth.setAccessReview(defaultRbac);
  const kc = new KubeConfig();
  kc.loadFromString(sandbox.kubeconfig);
  const transport = await KubeTransport.fromKubeConfig(kc);
  const kube = new KubeClient(transport);
  const auditLines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done): void {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) auditLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  const readModel = new RolloutReadModel(kube, { logger });
  const metrics = new VaneMetrics();
  const server = createApiServer({
    readModel,
    reader: kube,
    status: kube,
    // No caching in tests: each case changes the answers it wants.
    authenticator: options.authenticator?.(kube) ?? new TokenReviewAuthenticator(kube, { cacheTtlMs: 0, negativeCacheTtlMs: 0 }),
    authorizer: new AccessReviewAuthorizer(kube, { allowedTtlMs: 0, deniedTtlMs: 0 }),
    events: new KubeEventRecorder(kube, 'vane.dev/api-server', 'test-instance', logger),
    commandPolicy: options.commandPolicy,
    metrics,
    logger,
    readiness: options.readiness,
    rateLimit: options.rateLimit ?? { burst: 1000, perSecond: 1000 },
    clientRateLimit: options.clientRateLimit ?? { burst: 10_000, perSecond: 10_000 },
    trustProxy: options.trustProxy,
    streams: options.streams,
    bodyLimitBytes: options.bodyLimitBytes,
    allowAnonymous: options.allowAnonymous,
    heartbeatMs: 60_000,
    dashboardDir: options.dashboardDir,
  });
  readModel.start();
  await readModel.waitForSync();
  const api = await server.listen(0, '127.0.0.1');
  return {
    sandbox,
    kube,
    api,
    metrics,
    readModel,
    auditLines,
    streamsOpen: () => server.stream.openStreams,
    async stop() {
      await api.close();
      await readModel.stop();
      transport.close();
      await sandbox.stop();
    },
  };
}

export async function createNamespace(kube: KubeClient, name: string): Promise<void> {
  await kube.create(Kinds.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

export async function create(kube: KubeClient, kind: keyof typeof Kinds, obj: KubeObject): Promise<KubeObject> {
  return kube.create(Kinds[kind], obj);
}

/**
 * Writes status as the controller does: read, then PUT the status subresource with the resourceVersion read. Not a
 * merge patch, whose nulls mean "delete": status.machine holds nulls that must survive.
 */
export async function writeStatus(kube: KubeClient, kind: 'Rollout' | 'AnalysisRun', namespace: string, name: string, status: object): Promise<KubeObject> {
  const current = await kube.get<KubeObject>(Kinds[kind], namespace, name);
  if (!current) throw new Error(`${kind} ${namespace}/${name} not found`);
  return kube.replaceStatus(Kinds[kind], { ...current, status: { ...(current.status as Record<string, unknown> | undefined), ...status } });
}

/** Polls the read model until `check` holds (the informer has seen a write). Bounded by the test timeout. */
export async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  body: unknown;
}

export async function call(api: ListeningApi, method: string, path: string, options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<HttpAnswer> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers['Authorization'] = `Bearer ${options.token}`;
  let payload: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const res = await fetch(`${api.url}${path}`, { method, headers, body: payload });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (metrics text): keep the text.
  }
  return { status: res.status, headers: res.headers, body };
}
