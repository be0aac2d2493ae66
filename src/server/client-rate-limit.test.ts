import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { clientOf, clientRateLimitMiddleware } from './client-rate-limit.js';

function from(ip: string): Request {
  return { ip, socket: { remoteAddress: ip } } as unknown as Request;
}

describe('clientOf', () => {
  it('given an IPv4 client, plain or IPv4-mapped, then its address', () => {
    expect(clientOf(from('10.1.2.3'))).toBe('10.1.2.3');
    expect(clientOf(from('::ffff:10.1.2.3'))).toBe('10.1.2.3');
  });

  it('given IPv6 clients, then each counts by its /64, however the address is written', () => {
    expect(clientOf(from('2001:db8:0:1:aaaa:bbbb:cccc:dddd'))).toBe('2001:db8:0:1::/64');
    expect(clientOf(from('2001:db8:0:1::1'))).toBe('2001:db8:0:1::/64');
    expect(clientOf(from('2001:0DB8:0000:0001:0:0:0:2'))).toBe('2001:db8:0:1::/64');
    expect(clientOf(from('2001:db8::1'))).toBe('2001:db8:0:0::/64');
    expect(clientOf(from('::1'))).toBe('0:0:0:0::/64');
    expect(clientOf(from('fe80::1%eth0'))).toBe('fe80:0:0:0::/64');
  });
});

describe('clientRateLimitMiddleware', () => {
  it('given an address past its burst, then RateLimited naming it with the wait, while another address passes', () => {
    const limited = clientRateLimitMiddleware({ burst: 2, perSecond: 1 }, () => 0);
    const outcomes: unknown[] = [];
    for (const ip of ['10.0.0.1', '10.0.0.1', '10.0.0.1', '10.0.0.2']) limited(from(ip), {} as never, (err?: unknown) => outcomes.push(err));
    expect(outcomes.slice(0, 2)).toEqual([undefined, undefined]);
    expect(outcomes[2]).toBeInstanceOf(ApiError);
    expect(outcomes[2]).toMatchObject({ code: 'RateLimited', message: 'too many requests from 10.0.0.1; retry later', retryAfterSeconds: 1 });
    expect(outcomes[3]).toBeUndefined();
  });
});
