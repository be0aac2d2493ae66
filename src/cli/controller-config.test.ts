// Specification of the controller's configuration: flags over environment over defaults, bad values refused.
import { describe, expect, it } from 'vitest';
import { controllerConfig } from './controller-config.js';

describe('controllerConfig', () => {
  it('given nothing, then the documented defaults', () => {
    const config = controllerConfig({}, { POD_NAME: 'vane-0' });
    expect(config).toMatchObject({ workers: 4, leaderElection: true, leaseNamespace: 'vane-system', leaseDurationMs: 15_000, apiPort: 8080, identity: 'vane-0' });
    expect(config.apiRateLimit).toEqual({ perSecond: 10, burst: 30 });
  });

  it('given the API rate limit in the environment and a flag, then the flag wins over the environment', () => {
    const config = controllerConfig({ apiRateLimit: '200' }, { VANE_API_RATE_LIMIT: '50', VANE_API_RATE_BURST: '400' });
    expect(config.apiRateLimit).toEqual({ perSecond: 200, burst: 400 });
  });

  it('given a rate limit that is not a positive integer, then an error naming the flag', () => {
    expect(() => controllerConfig({ apiRateLimit: '0' }, {})).toThrow(/--api-rate-limit/);
    expect(() => controllerConfig({ apiRateBurst: 'lots' }, {})).toThrow(/--api-rate-burst/);
  });
});
