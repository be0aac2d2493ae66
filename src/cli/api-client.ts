// A client of Vane's HTTP API (for `--server`): JSON requests with a bearer token, API errors back as VaneErrors,
// and the server-sent event streams read message by message.
import { VaneError, type VaneErrorCode } from '../errors.js';
import type { CommandVerb } from '../server/command-body.js';
import type { RolloutDetail, RolloutSummary } from '../server/rollout-view.js';
import type { StreamMessage } from '../server/status-stream.js';
import type { CommandAction } from '../resources/rollout.js';

export interface CommandAccepted {
  id: string;
  action: CommandAction;
}

const KNOWN_CODES = new Set<string>(['InvalidSpec', 'NotFound', 'Conflict', 'AlreadyExists', 'Unavailable', 'Timeout', 'Unauthorized', 'Forbidden', 'BadRequest', 'RateLimited', 'Internal']);

export class VaneApiClient {
  private readonly base: URL;

  constructor(server: string, private readonly token?: string) {
    this.base = new URL(server.endsWith('/') ? server : `${server}/`);
  }

  async listRollouts(namespace?: string): Promise<RolloutSummary[]> {
    const query = namespace ? `?namespace=${encodeURIComponent(namespace)}` : '';
    const body = await this.request<{ items: RolloutSummary[] }>('GET', `api/v1/rollouts${query}`);
    return body.items;
  }

  getRollout(namespace: string, name: string): Promise<RolloutDetail> {
    return this.request<RolloutDetail>('GET', rolloutPath(namespace, name));
  }

  command(namespace: string, name: string, verb: CommandVerb, body?: Record<string, unknown>): Promise<CommandAccepted> {
    return this.request<CommandAccepted>('POST', `${rolloutPath(namespace, name)}/${verb}`, body ?? {});
  }

  /** Reads a rollout's (or, without a name, a namespace's) status stream until the signal aborts or the server ends it. */
  async watch(filter: { namespace?: string; name?: string }, onMessage: (message: StreamMessage) => void, signal: AbortSignal): Promise<void> {
    const path = filter.name && filter.namespace ? `${rolloutPath(filter.namespace, filter.name)}/watch` : `api/v1/watch${filter.namespace ? `?namespace=${encodeURIComponent(filter.namespace)}` : ''}`;
    let res: Response;
    try {
      res = await fetch(new URL(path, this.base), { headers: { ...this.headers(), Accept: 'text/event-stream' }, signal });
    } catch (err) {
      if (signal.aborted) return;
      throw unreachable(this.base, err);
    }
    if (!res.ok || !res.body) throw await apiError(res);
    try {
      await readEvents(res.body, (data) => onMessage(JSON.parse(data) as StreamMessage));
    } catch (err) {
      if (!signal.aborted) throw err;
    }
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { ...this.headers(), Accept: 'application/json' };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(new URL(path, this.base), { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    } catch (err) {
      throw unreachable(this.base, err);
    }
    if (!res.ok) throw await apiError(res);
    return (await res.json()) as T;
  }

  private headers(): Record<string, string> {
    return this.token ? { Authorization: `Bearer ${this.token}` } : {};
  }
}

function rolloutPath(namespace: string, name: string): string {
  return `api/v1/namespaces/${encodeURIComponent(namespace)}/rollouts/${encodeURIComponent(name)}`;
}

function unreachable(base: URL, err: unknown): VaneError {
  const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err instanceof Error ? err.message : String(err));
  return new VaneError('Unavailable', `cannot reach the Vane API at ${base.origin}: ${cause}`, { cause: err });
}

async function apiError(res: Response): Promise<VaneError> {
  const text = await res.text().catch(() => '');
  let code: VaneErrorCode = res.status === 404 ? 'NotFound' : res.status >= 500 ? 'Unavailable' : 'BadRequest';
  let message = text.slice(0, 300) || `HTTP ${res.status}`;
  try {
    const body = JSON.parse(text) as { error?: { code?: string; message?: string } };
    if (body.error?.code && KNOWN_CODES.has(body.error.code)) code = body.error.code as VaneErrorCode;
    if (body.error?.message) message = body.error.message;
  } catch {
    // Not JSON (a proxy's error page): keep the text.
  }
  return new VaneError(code, `${message} (HTTP ${res.status})`);
}

/** Splits an event stream into events and hands each event's data on; comments and other fields are skipped. */
async function readEvents(body: ReadableStream<Uint8Array>, onData: (data: string) => void): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true }).replace(/\r\n/g, '\n');
    let end = buffer.indexOf('\n\n');
    while (end >= 0) {
      const data = eventData(buffer.slice(0, end));
      buffer = buffer.slice(end + 2);
      if (data !== undefined) onData(data);
      end = buffer.indexOf('\n\n');
    }
  }
}

function eventData(block: string): string | undefined {
  const lines = block.split('\n').filter((line) => line.startsWith('data:'));
  if (lines.length === 0) return undefined;
  return lines.map((line) => line.slice(5).replace(/^ /, '')).join('\n');
}
