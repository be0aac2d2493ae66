// HTTP transport to the Kubernetes API: a kubeconfig for credentials, one keep-alive agent for traffic.
//
// client-node 1.4's generated clients build a new https.Agent for every call, so no connection is ever reused
// (a TLS handshake per request); see docs/adr/0001-kube-transport.md. Credentials come from the kubeconfig
// (kubeconfig.ts: files, in-cluster service accounts, exec plugins, client certificates), asked per request so that
// rotating tokens keep working.
import * as http from 'node:http';
import * as https from 'node:https';
import { createInterface } from 'node:readline';
import { VaneError } from '../errors.js';
import { VANE_USER_AGENT } from '../vane-package.js';
import { KubeApiError, type ApiStatus } from './kube-api-error.js';
import { excludeManagedFields } from './managed-fields-excision.js';
import type { ReachabilityObserver } from './api-reachability.js';

export type PatchType = 'merge' | 'json' | 'strategic';

const PATCH_CONTENT_TYPE: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  json: 'application/json-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  patchType?: PatchType;
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Leave every `managedFields` out of the answer, cut from its text before parsing (managed-fields-excision.ts). */
  dropManagedFields?: boolean;
}

/** How a watch's events are decoded. */
export interface WatchOptions {
  /** Leave every `managedFields` out of each event's object, cut from the line before parsing. */
  dropManagedFields?: boolean;
}

export interface TransportStats {
  requests: number;
  byVerb: Record<string, number>;
}

/** One line of a watch stream. */
export interface WatchLine {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: Record<string, unknown>;
}

/**
 * What the transport needs of a kubeconfig: its current cluster, and credentials applied to each request. Vane's
 * Kubeconfig has this shape, and so has client-node's KubeConfig.
 */
export interface KubeAccess {
  getCurrentCluster(): { server: string; skipTLSVerify: boolean; tlsServerName?: string } | null;
  applyToHTTPSOptions(opts: https.RequestOptions): Promise<void>;
}

export class KubeTransport {
  private readonly server: URL;
  private readonly agent: http.Agent;
  private readonly stats: TransportStats = { requests: 0, byVerb: {} };

  private constructor(
    private readonly kc: KubeAccess,
    tls: https.AgentOptions,
    private readonly defaultTimeoutMs: number,
    private readonly reachability: ReachabilityObserver | undefined,
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new VaneError('BadRequest', 'kubeconfig has no current cluster');
    this.server = new URL(cluster.server);
    const isHttps = this.server.protocol === 'https:';
    if (!isHttps && !cluster.skipTLSVerify) {
      throw new VaneError('BadRequest', `refusing plain HTTP to ${cluster.server} without insecure-skip-tls-verify`);
    }
    const agentOptions = { ...tls, keepAlive: true, maxSockets: 64, maxFreeSockets: 16 };
    this.agent = isHttps ? new https.Agent(agentOptions) : new http.Agent(agentOptions);
  }

  /** `reachability` hears of every answer and every failure to get one (see api-reachability.ts). */
  static async fromKubeConfig(kc: KubeAccess, options: { timeoutMs?: number; reachability?: ReachabilityObserver } = {}): Promise<KubeTransport> {
    const probe: https.RequestOptions = {};
    await kc.applyToHTTPSOptions(probe);
    const cluster = kc.getCurrentCluster();
    const tls: https.AgentOptions = {
      ca: probe.ca,
      cert: probe.cert,
      key: probe.key,
      pfx: probe.pfx,
      passphrase: probe.passphrase,
      servername: cluster?.tlsServerName,
      rejectUnauthorized: cluster?.skipTLSVerify ? false : true,
    };
    return new KubeTransport(kc, tls, options.timeoutMs ?? 30_000, options.reachability);
  }

  /** Whether connection and credential failures are summarised elsewhere, so callers may log them quietly. */
  get reportsReachability(): boolean {
    return this.reachability?.reporting === true;
  }

  get requestStats(): TransportStats {
    return { requests: this.stats.requests, byVerb: { ...this.stats.byVerb } };
  }

  /** Sends one request and returns the decoded JSON body; a non-2xx answer throws KubeApiError. */
  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.observed(this.send(method, path, options), options.signal);
    const text = await readBody(res);
    const status = res.statusCode ?? 0;
    if (status < 200 || status >= 300) {
      throw this.answeredWith(new KubeApiError(status, parseStatus(text), `${method} ${path}`, retryAfter(res)));
    }
    if (!text) return {} as T;
    return JSON.parse(options.dropManagedFields ? excludeManagedFields(text) : text) as T;
  }

  /**
   * Opens a watch stream and calls `onLine` per event until the server closes it, the signal aborts or an error
   * occurs. Resolves when the stream ends cleanly; rejects on transport errors and non-200 answers.
   */
  async watch(
    path: string,
    query: RequestOptions['query'],
    onLine: (line: WatchLine) => void,
    signal: AbortSignal,
    options: WatchOptions = {},
  ): Promise<void> {
    const res = await this.observed(this.send('GET', path, { query: { ...query, watch: 'true' }, signal, timeoutMs: 0 }), signal);
    const status = res.statusCode ?? 0;
    if (status !== 200) {
      const text = await readBody(res);
      throw this.answeredWith(new KubeApiError(status, parseStatus(text), `WATCH ${path}`, retryAfter(res)));
    }
    await new Promise<void>((resolve, reject) => {
      const lines = createInterface({ input: res, crlfDelay: Infinity });
      // readline re-emits the stream's errors (a dropped or aborted connection) on the interface.
      const fail = (err: Error): void => (signal.aborted ? resolve() : reject(err));
      lines.on('line', (line) => {
        if (line.trim() === '') return;
        try {
          onLine(JSON.parse(options.dropManagedFields ? excludeManagedFields(line) : line) as WatchLine);
        } catch (err) {
          res.destroy(err instanceof Error ? err : new Error(String(err)));
        }
      });
      lines.on('error', fail);
      res.on('error', fail);
      res.on('close', () => resolve());
      lines.on('close', () => resolve());
    });
  }

  close(): void {
    this.agent.destroy();
  }

  /** Reports a failure to get any answer (unless we aborted the request ourselves); an answer is reported by status. */
  private async observed(sent: Promise<http.IncomingMessage>, signal: AbortSignal | undefined): Promise<http.IncomingMessage> {
    try {
      const res = await sent;
      if (res.statusCode !== 401) this.reachability?.answered();
      return res;
    } catch (err) {
      if (!signal?.aborted) this.reachability?.failed(err);
      throw err;
    }
  }

  private answeredWith(err: KubeApiError): KubeApiError {
    if (err.status === 401) this.reachability?.failed(err);
    return err;
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<http.IncomingMessage> {
    this.stats.requests++;
    this.stats.byVerb[method] = (this.stats.byVerb[method] ?? 0) + 1;
    const url = new URL(path, this.server);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    const headers = await this.authHeaders();
    headers['Accept'] = 'application/json';
    headers['User-Agent'] = VANE_USER_AGENT;
    let payload: string | undefined;
    if (options.body !== undefined) {
      payload = JSON.stringify(options.body);
      headers['Content-Type'] = options.patchType ? PATCH_CONTENT_TYPE[options.patchType] : 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    const timeoutMs = options.timeoutMs ?? this.defaultTimeoutMs;
    return new Promise((resolve, reject) => {
      const lib = url.protocol === 'https:' ? https : http;
      const req = lib.request(url, { method, headers, agent: this.agent, signal: options.signal }, (res) => {
        // A socket closed mid-body destroys the response with an error; the readers below report it, and this
        // listener keeps it from becoming an uncaught exception when no reader is attached any more.
        res.on('error', () => undefined);
        resolve(res);
      });
      if (timeoutMs > 0) {
        req.setTimeout(timeoutMs, () => req.destroy(new VaneError('Timeout', `${method} ${url.pathname} timed out after ${timeoutMs} ms`)));
      }
      req.on('error', (err) => reject(err instanceof VaneError ? err : new VaneError('Unavailable', `${method} ${url.pathname}: ${err.message}`, { cause: err })));
      req.end(payload);
    });
  }

  private async authHeaders(): Promise<Record<string, string>> {
    const opts: https.RequestOptions = { headers: {} };
    await this.kc.applyToHTTPSOptions(opts);
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(opts.headers ?? {})) {
      if (typeof value === 'string' || typeof value === 'number') headers[key] = String(value);
    }
    if (opts.auth) headers['Authorization'] = `Basic ${Buffer.from(opts.auth).toString('base64')}`;
    return headers;
  }
}

function readBody(res: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    res.on('error', reject);
  });
}

function parseStatus(text: string): ApiStatus | undefined {
  try {
    const parsed = JSON.parse(text) as ApiStatus;
    return parsed && typeof parsed === 'object' ? parsed : undefined;
  } catch {
    return text ? { message: text.slice(0, 500) } : undefined;
  }
}

function retryAfter(res: http.IncomingMessage): number | undefined {
  const header = res.headers['retry-after'];
  const seconds = header === undefined ? NaN : Number(header);
  return Number.isFinite(seconds) ? seconds : undefined;
}
