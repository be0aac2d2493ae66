import { describe, expect, it } from 'vitest';
import { EventStreamParser, isFatalStatus, MAX_BACKOFF_MS, reconnectDelay } from './event-stream.js';

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
