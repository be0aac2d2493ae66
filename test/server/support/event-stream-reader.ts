// Reads a server-sent event stream over fetch and collects its messages, so a test can wait for the one it expects.
// A refused stream (any answer but 200) keeps its JSON error body instead.
import type { StreamMessage } from '../../../src/server/status-stream.js';

export interface EventStreamReader {
  status: number;
  contentType: string | null;
  headers: Headers;
  messages: StreamMessage[];
  /** Everything the server sent, comments and fields included (retry hints, closing notes). */
  readonly raw: string;
  /** The error body of a refused stream; undefined for a stream that opened. */
  errorBody: unknown;
  /** Resolves once a message satisfies `match` (already received or arriving later). */
  waitFor(match: (message: StreamMessage) => boolean, what: string, timeoutMs?: number): Promise<StreamMessage>;
  /** Resolves true once the server ended the stream, false if it is still open after `timeoutMs`. */
  endedWithin(timeoutMs: number): Promise<boolean>;
  close(): void;
}

export async function openEventStream(url: string, token: string): Promise<EventStreamReader> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' }, signal: abort.signal });
  const messages: StreamMessage[] = [];
  const waiters: Array<() => void> = [];
  const received = { raw: '' };
  let errorBody: unknown;
  let ended: Promise<void> = Promise.resolve();
  // A connection the server cuts (rather than ends) counts as ended too.
  if (res.ok && res.body) ended = pump(res.body, messages, waiters, received, abort.signal).catch(() => undefined);
  else errorBody = await res.json().catch(() => undefined);
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    headers: res.headers,
    messages,
    get raw() {
      return received.raw;
    },
    errorBody,
    async waitFor(match, what, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = messages.find(match);
        if (found) return found;
        if (Date.now() > deadline) throw new Error(`no stream message ${what}; got ${JSON.stringify(messages.map((m) => [m.type, m.rollout.name, m.rollout.phase]))}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    endedWithin: (timeoutMs) => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
      return Promise.race([ended.then(() => true), timeout]).finally(() => clearTimeout(timer));
    },
    close: () => abort.abort(),
  };
}

async function pump(body: ReadableStream<Uint8Array>, messages: StreamMessage[], waiters: Array<() => void>, received: { raw: string }, signal: AbortSignal): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      const text = decoder.decode(chunk, { stream: true });
      received.raw += text;
      buffer += text;
      let end = buffer.indexOf('\n\n');
      while (end >= 0) {
        const data = buffer.slice(0, end).split('\n').filter((l) => l.startsWith('data: ')).map((l) => l.slice(6)).join('\n');
        buffer = buffer.slice(end + 2);
        if (data) messages.push(JSON.parse(data) as StreamMessage);
        end = buffer.indexOf('\n\n');
      }
      for (const wake of waiters.splice(0)) wake();
    }
  } catch (err) {
    if (!signal.aborted) throw err;
  }
}
