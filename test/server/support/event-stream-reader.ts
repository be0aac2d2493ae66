// Reads a server-sent event stream over fetch and collects its messages, so a test can wait for the one it expects.
import type { StreamMessage } from '../../../src/server/status-stream.js';

export interface EventStreamReader {
  status: number;
  contentType: string | null;
  messages: StreamMessage[];
  /** Resolves once a message satisfies `match` (already received or arriving later). */
  waitFor(match: (message: StreamMessage) => boolean, what: string, timeoutMs?: number): Promise<StreamMessage>;
  close(): void;
}

export async function openEventStream(url: string, token: string): Promise<EventStreamReader> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' }, signal: abort.signal });
  const messages: StreamMessage[] = [];
  const waiters: Array<() => void> = [];
  if (res.ok && res.body) void pump(res.body, messages, waiters, abort.signal);
  return {
    status: res.status,
    contentType: res.headers.get('content-type'),
    messages,
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
    close: () => abort.abort(),
  };
}

async function pump(body: ReadableStream<Uint8Array>, messages: StreamMessage[], waiters: Array<() => void>, signal: AbortSignal): Promise<void> {
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      buffer += decoder.decode(chunk, { stream: true });
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
