// The web MetricProvider: one HTTP GET or POST to a JSON endpoint, one value picked by a JSON path.
import { Agent } from 'undici';
import type { Metric, WebMetric } from '../../resources/analysis.js';
import { substituteArgs } from '../arg-substitution.js';
import { MetricError, type MeasureContext, type MeasuredValue, type MetricProvider } from '../metric-provider.js';
import { selectJsonPath } from './json-path.js';
import { leavesOrigin, withoutCredentials } from './redirect-credentials.js';
import { resolveHeaders, secretHeaderNames } from './request-headers.js';
import { MAX_ANSWER_BYTES, excerpt, httpUrl, positiveDurationMs, shownUrl } from './request-settings.js';

export { MAX_ANSWER_BYTES };

const DEFAULT_TIMEOUT_MS = 10_000;
/** As many hops as curl's default is generous for a metrics endpoint; a loop ends as a BadResponse. */
const MAX_REDIRECTS = 10;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Node's codes for a certificate that does not verify. */
const CERTIFICATE_ERROR = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER/;

interface WebRequest {
  metricName: string;
  url: URL;
  method: 'GET' | 'POST';
  headers: Record<string, string>;
  /** Names of the headers read from Secrets: never sent to another origin after a redirect. */
  secretHeaders: string[];
  body?: string;
  jsonPath: string;
  timeoutMs: number;
  /** Argo's `insecure`: the server's certificate is not verified. */
  insecure: boolean;
}

/** One connection pool for every `insecure` request, so skipping verification never leaks into the others. */
let insecureDispatcher: Agent | undefined;

function dispatcherFor(request: WebRequest): { dispatcher?: Agent } {
  if (!request.insecure) return {};
  insecureDispatcher ??= new Agent({ connect: { rejectUnauthorized: false } });
  return { dispatcher: insecureDispatcher };
}

/** One hop of a request that may be redirected. */
interface Hop {
  method: string;
  headers: Record<string, string>;
  body?: string;
}

interface WebAnswer {
  status: number;
  text: string;
}

export class WebProvider implements MetricProvider {
  readonly type = 'web' as const;

  async measure(metric: Metric, context: MeasureContext): Promise<MeasuredValue> {
    const spec = metric.provider.web;
    if (!spec) throw new MetricError('BadQuery', `metric "${metric.name}" has no provider.web`);
    const request = await resolveRequest(metric.name, spec, context);
    const answer = await send(request, context.signal);
    return readAnswer(request, answer);
  }
}

async function resolveRequest(metricName: string, spec: WebMetric, context: MeasureContext): Promise<WebRequest> {
  const method = spec.method ?? 'GET';
  if (method !== 'GET' && method !== 'POST') {
    throw new MetricError('BadQuery', `metric "${metricName}": web method must be GET or POST, got ${JSON.stringify(method)}`);
  }
  const url = httpUrl(metricName, 'web url', substituteArgs(spec.url, context.args));
  const headers = { accept: 'application/json', ...basicAuthorization(url), ...(await resolveHeaders(metricName, spec.headers, context)) };
  // fetch refuses URLs with credentials (and would echo them in its message): they travel as Basic auth instead.
  url.username = '';
  url.password = '';
  const request: WebRequest = {
    metricName,
    url,
    method,
    headers,
    secretHeaders: secretHeaderNames(spec.headers),
    jsonPath: spec.jsonPath ?? '$',
    timeoutMs: positiveDurationMs(metricName, 'web timeout', spec.timeout, DEFAULT_TIMEOUT_MS),
    insecure: spec.insecure === true,
  };
  if (spec.body !== undefined) {
    if (method === 'GET') throw new MetricError('BadQuery', `metric "${metricName}": a web body needs method POST`);
    request.body = substituteArgs(spec.body, context.args);
    if (!Object.keys(request.headers).some((key) => key.toLowerCase() === 'content-type')) {
      request.headers['content-type'] = 'application/json';
    }
  }
  return request;
}

/** `http://user:password@host` means Basic auth, as curl and axios read it; an explicit Authorization header wins. */
function basicAuthorization(url: URL): Record<string, string> {
  if (url.username === '' && url.password === '') return {};
  const credentials = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
  return { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` };
}

/** Sends the request and reads the whole body under one deadline, which also aborts a body that trickles in. */
async function send(request: WebRequest, callerSignal: AbortSignal | undefined): Promise<WebAnswer> {
  const timeoutSignal = AbortSignal.timeout(request.timeoutMs);
  const signal = callerSignal ? AbortSignal.any([callerSignal, timeoutSignal]) : timeoutSignal;
  try {
    const response = await fetchFollowingRedirects(request, signal);
    return { status: response.status, text: await boundedText(request, response) };
  } catch (err) {
    if (err instanceof MetricError) throw err;
    throw fetchError(request, err, timeoutSignal, callerSignal);
  }
}

/**
 * Follows redirects itself (fetch would keep every header but Authorization and Cookie across origins): a hop to
 * another origin drops the Secret-sourced headers and Basic auth; 303, and 301/302 after a POST, continue as GET.
 */
async function fetchFollowingRedirects(request: WebRequest, signal: AbortSignal): Promise<Response> {
  let url = request.url;
  let hop: Hop = { method: request.method, headers: request.headers, body: request.body };
  for (let hops = 0; ; hops += 1) {
    const response = await fetch(url, { ...hop, signal, redirect: 'manual', ...dispatcherFor(request) } as RequestInit);
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || location === null) return response;
    await response.body?.cancel().catch(() => undefined);
    if (hops === MAX_REDIRECTS) throw new MetricError('BadResponse', `${describeRequest(request)} redirected more than ${MAX_REDIRECTS} times`);
    const next = redirectTarget(request, url, location);
    hop = redirectedHop(hop, response.status, leavesOrigin(url, next) ? request.secretHeaders : undefined);
    url = next;
  }
}

function redirectTarget(request: WebRequest, from: URL, location: string): URL {
  let next: URL;
  try {
    next = new URL(location, from);
  } catch {
    throw new MetricError('BadResponse', `${describeRequest(request)} redirected to an unreadable location ${JSON.stringify(excerpt(location, 100))}`);
  }
  if (next.protocol !== 'http:' && next.protocol !== 'https:') {
    throw new MetricError('BadResponse', `${describeRequest(request)} redirected to a ${next.protocol} URL; only http and https are followed`);
  }
  return next;
}

/** The next hop; `secretHeaders` is set when it leaves the origin, and then those and the credential headers are dropped. */
function redirectedHop(hop: Hop, status: number, secretHeaders: readonly string[] | undefined): Hop {
  const headers = secretHeaders === undefined ? hop.headers : withoutCredentials(hop.headers, secretHeaders);
  const becomesGet = status === 303 ? hop.method !== 'GET' : (status === 301 || status === 302) && hop.method === 'POST';
  if (!becomesGet) return { ...hop, headers };
  const withoutBody = Object.fromEntries(Object.entries(headers).filter(([name]) => !name.toLowerCase().startsWith('content-')));
  return { method: 'GET', headers: withoutBody };
}

async function boundedText(request: WebRequest, response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    size += chunk.byteLength;
    if (size > MAX_ANSWER_BYTES) {
      await response.body.cancel().catch(() => undefined);
      throw new MetricError('BadResponse', `${describeRequest(request)} answered more than ${MAX_ANSWER_BYTES} bytes; not read further`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function fetchError(request: WebRequest, err: unknown, timeoutSignal: AbortSignal, callerSignal: AbortSignal | undefined): MetricError {
  const where = describeRequest(request);
  if (callerSignal?.aborted) return new MetricError('Unavailable', `${where}: measurement cancelled`);
  if (timeoutSignal.aborted) return new MetricError('Timeout', `${where} did not answer within ${request.timeoutMs}ms`);
  // undici reports "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND, ...) in `cause`.
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' && cause.code !== '' ? cause.code : undefined;
  const detail = [cause?.message, err instanceof Error ? err.message : String(err)].find(
    (part): part is string => typeof part === 'string' && part !== '',
  );
  const reason = code !== undefined && detail !== undefined && !detail.includes(code) ? `${code}: ${detail}` : (code ?? detail);
  const hint = code !== undefined && CERTIFICATE_ERROR.test(code) ? ' (insecure: true skips certificate verification)' : '';
  return new MetricError('Unavailable', `${where} is unreachable: ${reason ?? 'network error'}${hint}`, { cause: { code: cause?.code } });
}

function readAnswer(request: WebRequest, answer: WebAnswer): MeasuredValue {
  const where = describeRequest(request);
  if (answer.status < 200 || answer.status > 299) throw statusError(where, answer);
  let document: unknown;
  try {
    document = JSON.parse(answer.text);
  } catch {
    throw new MetricError('BadResponse', `${where} answered HTTP ${answer.status} with a body that is not JSON: ${excerpt(answer.text)}`);
  }
  const selection = selectJsonPath(document, request.jsonPath);
  if (!selection.found) {
    throw new MetricError('BadResponse', `${where}: JSON path ${request.jsonPath} not found in the answer: ${selection.reason}`);
  }
  return { result: selection.value, text: formatValue(selection.value) };
}

function statusError(where: string, answer: WebAnswer): MetricError {
  const message = `${where} answered HTTP ${answer.status}: ${excerpt(answer.text)}`;
  if (answer.status === 401 || answer.status === 403) return new MetricError('Unauthorized', message);
  if (answer.status >= 500 || answer.status === 429 || answer.status === 408) return new MetricError('Unavailable', message);
  return new MetricError('BadResponse', message);
}

function describeRequest(request: WebRequest): string {
  return `metric "${request.metricName}": ${request.method} ${shownUrl(request.url)}`;
}

/** Strings as they are, everything else as compact JSON. */
function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
