// One HTTP request of a sink, classified the way the outbox retries: 2xx ok, 429/5xx/network retryable, other 4xx not.
import type { LookupFunction } from 'node:net';
import { Agent } from 'undici';
import { checkPublicHost, guardedLookup, LOCAL_ADDRESS_REFUSED } from './local-address-guard.js';
import type { SendResult } from './notification-sink.js';

/** Enough for any API answer a sink reads (a deployment list, an error); more is not read. */
const MAX_ANSWER_BYTES = 256 * 1024;
const EXCERPT_CHARS = 200;
/** A Retry-After beyond this is not honoured as such: the outbox's own backoff cap applies. */
const MAX_RETRY_AFTER_MS = 60 * 60 * 1000;

export interface SinkRequest {
  method: 'GET' | 'POST';
  url: string;
  headers: Record<string, string>;
  body?: string;
  /** Names the receiver in reasons (`the Slack webhook`): Slack and Teams URLs are credentials and are never shown. */
  label: string;
}

export interface SinkRequestOptions {
  /** Operator opt-in (--allow-local-notification-urls) for loopback, link-local and private hosts. */
  allowLocalUrls: boolean;
}

export type SinkResponse = { ok: true; status: number; body: string } | Extract<SendResult, { ok: false }>;

/** Connections whose every resolved address is checked at connect time too (see guardedLookup). */
let guardedDispatcher: Agent | undefined;

function dispatcher(options: SinkRequestOptions): { dispatcher?: Agent } {
  if (options.allowLocalUrls) return {};
  guardedDispatcher ??= new Agent({ connect: { lookup: guardedLookup as unknown as LookupFunction } });
  return { dispatcher: guardedDispatcher };
}

/** Sends the request; never throws. A non-2xx answer or a failure comes back as a `SendResult` failure. */
export async function sinkRequest(request: SinkRequest, options: SinkRequestOptions, signal: AbortSignal): Promise<SinkResponse> {
  const url = parseSinkUrl(request);
  if (!(url instanceof URL)) return url;
  try {
    if (!options.allowLocalUrls) {
      const check = await checkPublicHost(url.hostname);
      if (!check.ok) return { ok: false, retryable: false, reason: `${request.label}: refused: ${check.reason}` };
    }
    signal.throwIfAborted();
    const response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      ...(request.body !== undefined ? { body: request.body } : {}),
      signal,
      // A redirect could lead anywhere, an internal host included; receivers that move say so with a 3xx we report.
      redirect: 'manual',
      ...dispatcher(options),
    } as RequestInit);
    const body = await boundedText(response);
    if (response.status >= 200 && response.status <= 299) return { ok: true, status: response.status, body };
    return classifyAnswer(request.label, response.status, body, response.headers);
  } catch (err) {
    return classifyFailure(request.label, err, signal);
  }
}

function parseSinkUrl(request: SinkRequest): URL | Extract<SendResult, { ok: false }> {
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return { ok: false, retryable: false, reason: `${request.label}: the URL is not a valid absolute URL` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return { ok: false, retryable: false, reason: `${request.label}: ${url.protocol} URLs are refused; only http and https are sent to` };
  }
  return url;
}

/** POSTs a chat webhook's JSON payload (Slack, Teams): any 2xx is delivered. */
export async function postChatPayload(url: string, payload: unknown, label: string, options: SinkRequestOptions, signal: AbortSignal): Promise<SendResult> {
  const response = await sinkRequest({ method: 'POST', url, headers: { 'content-type': 'application/json', 'user-agent': 'vane-notifications' }, body: JSON.stringify(payload), label }, options, signal);
  return response.ok ? { ok: true, detail: `HTTP ${response.status}` } : response;
}

/** A non-2xx answer: 408, 429 and 5xx are worth trying again; every other status is the request's fault. */
export function classifyAnswer(label: string, status: number, body: string, headers: Headers): Extract<SendResult, { ok: false }> {
  const excerpt = excerptOf(body);
  const reason = `${label} answered HTTP ${status}${excerpt !== '' ? `: ${excerpt}` : ''}`;
  if (status === 408 || status === 429 || status >= 500) {
    const retryAfterMs = retryAfter(headers.get('retry-after'));
    return { ok: false, retryable: true, reason, ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) };
  }
  if (status >= 300 && status <= 399) {
    return { ok: false, retryable: false, reason: `${label} answered HTTP ${status} (a redirect); notifications do not follow redirects, configure the final URL` };
  }
  return { ok: false, retryable: false, reason };
}

/** Retry-After in seconds or as an HTTP date (RFC 9110 §10.2.3); undefined when absent or unreadable. */
export function retryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * 1000 : Date.parse(trimmed) - now;
  if (!Number.isFinite(ms)) return undefined;
  return Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS);
}

function classifyFailure(label: string, err: unknown, signal: AbortSignal): Extract<SendResult, { ok: false }> {
  if (signal.aborted) return { ok: false, retryable: true, reason: `${label} did not answer in time` };
  // undici reports "fetch failed" and keeps the reason (ECONNREFUSED, ENOTFOUND, our refusal) in `cause`.
  const cause = (err as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : (err as { code?: unknown } | null)?.code;
  if (code === LOCAL_ADDRESS_REFUSED) return { ok: false, retryable: false, reason: `${label}: refused: ${String(cause?.message ?? '')}` };
  const detail = typeof cause?.message === 'string' ? cause.message : err instanceof Error ? err.message : String(err);
  return { ok: false, retryable: true, reason: `${label} is unreachable: ${typeof code === 'string' && !detail.includes(code) ? `${code}: ` : ''}${scrubUrls(detail)}` };
}

async function boundedText(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    chunks.push(chunk);
    size += chunk.byteLength;
    if (size >= MAX_ANSWER_BYTES) {
      await response.body.cancel().catch(() => undefined);
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8').slice(0, MAX_ANSWER_BYTES);
}

/** The start of an answer, on one line, for a reason people read in an Event. */
export function excerptOf(body: string): string {
  const line = scrubUrls(body.replace(/\s+/g, ' ').trim());
  return line.length > EXCERPT_CHARS ? `${line.slice(0, EXCERPT_CHARS)}…` : line;
}

/** Error texts may echo the URL, and a Slack or Teams URL is a credential: only its origin is kept. */
function scrubUrls(text: string): string {
  return text.replace(/(https?:\/\/[^/\s'"]+)[^\s'"]*/gi, '$1/…');
}
