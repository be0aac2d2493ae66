// Reads a text/event-stream with fetch (EventSource cannot send an Authorization header): a pure parser for the
// wire format, and a connection that reconnects with backoff, honours `retry:`, and stops for good on 401/403.
import { type ApiRequestError, authorizationHeader, errorFromResponse } from './api-client.js';

/** One dispatched event: its data lines joined, with the last `id:` and the `event:` type if sent. */
export interface StreamEvent {
  data: string;
  id?: string;
  event?: string;
}

/** Incremental parser of the event-stream format (HTML Living Standard, "Server-sent events", parsing rules). */
export class EventStreamParser {
  private buffer = '';
  private data: string[] = [];
  private eventType: string | undefined;
  private lastId: string | undefined;
  private droppedCarriageReturn = false;
  /** The last `retry:` hint, in milliseconds. */
  retryMs: number | undefined;

  /** Feeds a chunk of text; returns the events it completes. */
  push(chunk: string): StreamEvent[] {
    let text = chunk;
    // A CRLF split across chunks: the CR ended the line already, so the LF must not end an empty one.
    if (this.droppedCarriageReturn && text.startsWith('\n')) text = text.slice(1);
    this.droppedCarriageReturn = false;
    this.buffer += text;
    const events: StreamEvent[] = [];
    let start = 0;
    for (let i = 0; i < this.buffer.length; i++) {
      const ch = this.buffer[i];
      if (ch !== '\n' && ch !== '\r') continue;
      const line = this.buffer.slice(start, i);
      if (ch === '\r') {
        if (i + 1 < this.buffer.length) {
          if (this.buffer[i + 1] === '\n') i++;
        } else {
          this.droppedCarriageReturn = true;
        }
      }
      start = i + 1;
      const event = this.line(line);
      if (event) events.push(event);
    }
    this.buffer = this.buffer.slice(start);
    return events;
  }

  /** The id of the last event seen, to resume from. */
  get lastEventId(): string | undefined {
    return this.lastId;
  }

  private line(line: string): StreamEvent | undefined {
    if (line === '') return this.dispatch();
    if (line.startsWith(':')) return undefined;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'data') this.data.push(value);
    else if (field === 'event') this.eventType = value;
    else if (field === 'id' && !value.includes('\0')) this.lastId = value;
    else if (field === 'retry' && /^\d+$/.test(value)) this.retryMs = Number(value);
    return undefined;
  }

  private dispatch(): StreamEvent | undefined {
    const data = this.data;
    const eventType = this.eventType;
    this.data = [];
    this.eventType = undefined;
    if (data.length === 0) return undefined;
    return { data: data.join('\n'), ...(this.lastId !== undefined ? { id: this.lastId } : {}), ...(eventType !== undefined ? { event: eventType } : {}) };
  }
}

export const DEFAULT_RETRY_MS = 3_000;
export const MAX_BACKOFF_MS = 30_000;

/**
 * How long to wait before reconnect number `attempt` (1 for the first after a drop): the server's hint after a clean
 * end, doubling from it while connections keep failing, capped.
 */
export function reconnectDelay(attempt: number, retryHintMs: number | undefined): number {
  const base = retryHintMs ?? DEFAULT_RETRY_MS;
  const factor = 2 ** Math.max(0, Math.min(attempt - 1, 10));
  return Math.min(Math.max(base, 250) * factor, Math.max(MAX_BACKOFF_MS, base));
}

/** Statuses after which reconnecting cannot help without the user doing something. */
export function isFatalStatus(status: number): boolean {
  return status === 401 || status === 403 || status === 404;
}

export interface EventStreamOptions {
  url: string;
  token: string;
  onEvent: (event: StreamEvent) => void;
  /** Each (re)connection that was answered 200: the server sends the current state again. */
  onOpen?: () => void;
  /** The stream stopped for good (401/403/404): no more reconnects. */
  onFatal?: (error: ApiRequestError) => void;
  /** A connection dropped or was refused; a reconnect follows after `delayMs`. */
  onRetry?: (delayMs: number, reason: string) => void;
}

export interface EventStreamHandle {
  close(): void;
}

/** Opens the stream and keeps it open until closed or refused for good. */
export function openEventStream(options: EventStreamOptions): EventStreamHandle {
  let closed = false;
  let controller: AbortController | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let failures = 0;
  let retryHint: number | undefined;

  const schedule = (reason: string): void => {
    if (closed) return;
    failures++;
    const delay = reconnectDelay(failures, retryHint);
    options.onRetry?.(delay, reason);
    timer = setTimeout(() => void connect(), delay);
  };

  const connect = async (): Promise<void> => {
    if (closed) return;
    controller = new AbortController();
    const parser = new EventStreamParser();
    let reason = 'the stream ended';
    try {
      const res = await fetch(options.url, {
        headers: { ...authorizationHeader(options.token), Accept: 'text/event-stream' },
        signal: controller.signal,
        cache: 'no-store',
        credentials: 'omit',
      });
      if (!res.ok || !res.body) {
        const error = await errorFromResponse(res);
        if (isFatalStatus(error.status)) {
          closed = true;
          options.onFatal?.(error);
          return;
        }
        const after = Number(res.headers.get('Retry-After'));
        if (Number.isFinite(after) && after > 0) retryHint = after * 1000;
        schedule(error.message);
        return;
      }
      options.onOpen?.();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const events = parser.push(value);
        if (parser.retryMs !== undefined) retryHint = parser.retryMs;
        // A stream that delivers data is healthy: the next drop starts the backoff again.
        if (events.length > 0) failures = 0;
        for (const event of events) options.onEvent(event);
      }
    } catch (err) {
      if (closed) return;
      reason = err instanceof Error ? err.message : String(err);
    }
    if (parser.retryMs !== undefined) retryHint = parser.retryMs;
    schedule(reason);
  };

  void connect();
  return {
    close(): void {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      controller?.abort();
    },
  };
}
