// Issue #20, the knobs: the API limits the controller process reads (from flags, then VANE_API_* environment
// variables), with the defaults the server would use without them.
import { describe, expect, it } from 'vitest';
import { controllerConfig } from '../../src/cli/controller-config.js';
import { DEFAULT_CLIENT_RATE_LIMIT, DEFAULT_STREAM_LIMITS } from '../../src/server/api-limits.js';

describe('the controller\'s API limits', () => {
  it('given nothing, then the server\'s defaults: 20/s with a burst of 60 per client address, 10 streams per user, 200 in all, 15 min lifetime, re-checked every minute, no trusted proxy', () => {
    const config = controllerConfig({}, {});
    expect(config.apiClientRateLimit).toEqual(DEFAULT_CLIENT_RATE_LIMIT);
    expect(config.apiClientRateLimit).toEqual({ perSecond: 20, burst: 60 });
    expect(config.apiStreams).toEqual(DEFAULT_STREAM_LIMITS);
    expect(config.apiStreams).toEqual({ maxPerUser: 10, maxTotal: 200, maxLifetimeMs: 900_000, recheckMs: 60_000 });
    expect(config.apiTrustProxy).toBeUndefined();
  });

  it('given the environment, then its values; a flag wins over it', () => {
    const env = {
      VANE_API_CLIENT_RATE_LIMIT: '5',
      VANE_API_CLIENT_RATE_BURST: '15',
      VANE_API_TRUST_PROXY: '10.0.0.0/8',
      VANE_API_MAX_STREAMS: '50',
      VANE_API_MAX_STREAMS_PER_USER: '2',
      VANE_API_STREAM_LIFETIME_SECONDS: '300',
      VANE_API_STREAM_RECHECK_SECONDS: '30',
    };
    const config = controllerConfig({ apiMaxStreams: '75' }, env);
    expect(config.apiClientRateLimit).toEqual({ perSecond: 5, burst: 15 });
    expect(config.apiTrustProxy).toBe('10.0.0.0/8');
    expect(config.apiStreams).toEqual({ maxPerUser: 2, maxTotal: 75, maxLifetimeMs: 300_000, recheckMs: 30_000 });
  });

  it('given a limit that is not a positive integer, then an error naming it', () => {
    expect(() => controllerConfig({}, { VANE_API_MAX_STREAMS_PER_USER: '0' })).toThrow(/--api-max-streams-per-user/);
    expect(() => controllerConfig({}, { VANE_API_STREAM_RECHECK_SECONDS: 'often' })).toThrow(/--api-stream-recheck/);
    expect(() => controllerConfig({}, { VANE_API_CLIENT_RATE_BURST: '-1' })).toThrow(/--api-client-rate-burst/);
  });
});
