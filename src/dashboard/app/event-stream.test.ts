import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiRequestError } from './api-client.js';
import { EventStreamParser, isFatalStatus, MAX_BACKOFF_MS, openEventStream, reconnectDelay } from './event-stream.js';

describe('the event-stream parser', () => {
  it('dispatches an event at a blank line, with its id, skipping comments and the retry hint', () => {
    const parser = new EventStreamParser();
    const events = parser.push('retry: 3000\n\n: keep-alive\n\nid: 41\ndata: {"type":"ADDED"}\n\n');
    expect(events).toEqual([{ id: '41', data: '{"type":"ADDED"}' }]);
    expect(parser.retryMs).toBe(3000);
  });

  it('joins data lines with a newline and keeps an event split across chunks until its blank line', () => {
    const parser = new EventStreamParser();
    expect(parser.push('data: one\nda')).toEqual([]);
    expect(parser.push('ta: two\n')).toEqual([]);
    expect(parser.push('\n')).toEqual([{ data: 'one\ntwo' }]);
  });

  it('accepts CRLF and CR line ends, also a CRLF split between chunks', () => {
    const parser = new EventStreamParser();
    expect(parser.push('data: a\r\n\r')).toEqual([{ data: 'a' }]);
    expect(parser.push('\ndata: b\r\r')).toEqual([{ data: 'b' }]);
  });

  it('removes only one space after the colon, keeps the id for later events and ignores unknown fields', () => {
    const parser = new EventStreamParser();
    const events = parser.push('id: 7\nfoo: bar\ndata:  two spaces\n\ndata:x\n\n');
    expect(events).toEqual([
      { id: '7', data: ' two spaces' },
      { id: '7', data: 'x' },
    ]);
    expect(parser.lastEventId).toBe('7');
  });

  it('does not dispatch an event without data, nor take a retry that is not a number', () => {
    const parser = new EventStreamParser();
    expect(parser.push('event: ping\n\nretry: soon\n\n')).toEqual([]);
    expect(parser.retryMs).toBeUndefined();
  });
});

describe('reconnecting a stream', () => {
  it('waits the server\'s retry hint after a clean end, doubling while connections keep failing, up to a cap', () => {
    expect(reconnectDelay(1, 3000)).toBe(3000);
    expect(reconnectDelay(2, 3000)).toBe(6000);
    expect(reconnectDelay(3, 3000)).toBe(12000);
    expect(reconnectDelay(10, 3000)).toBe(MAX_BACKOFF_MS);
    expect(reconnectDelay(1, undefined)).toBe(3000);
  });

  it('never waits longer than a hint the server asks for itself', () => {
    expect(reconnectDelay(1, 60_000)).toBe(60_000);
    expect(reconnectDelay(4, 60_000)).toBe(60_000);
  });

  it('stops for good on 401, 403 and 404, and retries other failures', () => {
    expect([401, 403, 404].every(isFatalStatus)).toBe(true);
    expect([429, 500, 503].some(isFatalStatus)).toBe(false);
  });
});

describe('an open event stream', () => {
  const realFetch = globalThis.fetch;
  afterEach(() => {
    globalThis.fetch = realFetch;
  });

  function answer(status: number, body: string, headers: Record<string, string> = {}): Response {
    return new Response(body, { status, headers: { 'Content-Type': status === 200 ? 'text/event-stream' : 'application/json', ...headers } });
  }

  it('sends the token as a header, reconnects after the server ends the stream, and stops for good at a 401', async () => {
    const answers = [answer(200, 'retry: 10\n\ndata: {"n":1}\n\n'), answer(401, '{"error":{"code":"Unauthorized","message":"token not accepted"}}')];
    const requests: Array<{ url: string; auth: string | null }> = [];
    globalThis.fetch = vi.fn(async (url: string | URL | Request, init?: RequestInit) => {
      requests.push({ url: String(url), auth: new Headers(init?.headers).get('Authorization') });
      return answers.shift() ?? answer(500, '');
    }) as typeof fetch;
    const events: string[] = [];
    const fatal = await new Promise<ApiRequestError>((resolve) => {
      openEventStream({ url: '/api/v1/watch', token: 't0k', onEvent: (e) => events.push(e.data), onFatal: resolve });
    });
    expect(events).toEqual(['{"n":1}']);
    expect(requests).toEqual([
      { url: '/api/v1/watch', auth: 'Bearer t0k' },
      { url: '/api/v1/watch', auth: 'Bearer t0k' },
    ]);
    expect([fatal.status, fatal.message]).toEqual([401, 'token not accepted']);
  });

  it('makes no request after it is closed', async () => {
    let calls = 0;
    globalThis.fetch = vi.fn(async () => {
      calls++;
      return answer(200, 'retry: 10\n\n');
    }) as typeof fetch;
    const stream = openEventStream({ url: '/api/v1/watch', token: 't', onEvent: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 20));
    stream.close();
    const seen = calls;
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(seen).toBe(1);
    expect(calls).toBe(seen);
  });
});
