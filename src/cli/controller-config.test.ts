// Specification of the controller's configuration: flags over environment over defaults, bad values refused.
import { describe, expect, it } from 'vitest';
import { MAX_SHARDS } from '../kube/shard.js';
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

  it('given no shard count, then the controller is not sharded', () => {
    expect(controllerConfig({}, {}).shards).toBeUndefined();
  });

  it('given --shards 4 or VANE_SHARDS=4, then four shards, and the flag wins over the environment', () => {
    expect(controllerConfig({ shards: '4' }, {}).shards).toBe(4);
    expect(controllerConfig({}, { VANE_SHARDS: '4' }).shards).toBe(4);
    expect(controllerConfig({ shards: '4' }, { VANE_SHARDS: '16' }).shards).toBe(4);
  });

  it('given the most shards allowed, then they are taken, and one more is refused naming the limit', () => {
    expect(controllerConfig({ shards: String(MAX_SHARDS) }, {}).shards).toBe(256);
    expect(() => controllerConfig({ shards: '257' }, {})).toThrow('--shards must be at most 256; got 257');
  });

  it('given a shard count that is not a positive integer, then an error naming --shards and the value', () => {
    expect(() => controllerConfig({ shards: '0' }, {})).toThrow('--shards must be at least 1; got 0');
    expect(() => controllerConfig({ shards: 'x' }, {})).toThrow('--shards must be an integer; got "x"');
    expect(() => controllerConfig({ shards: '2.5' }, {})).toThrow('--shards must be an integer; got "2.5"');
    expect(() => controllerConfig({}, { VANE_SHARDS: '-1' })).toThrow('--shards must be at least 1; got -1');
  });

  it('given --shards with --no-leader-elect (or VANE_LEADER_ELECT=false), then an error naming both', () => {
    expect(() => controllerConfig({ shards: '4', leaderElect: false }, {})).toThrow(/--shards.*--no-leader-elect/);
    expect(() => controllerConfig({}, { VANE_SHARDS: '4', VANE_LEADER_ELECT: 'false' })).toThrow(/--shards.*--no-leader-elect/);
  });
});
