// Specification of the API options `vane controller` and `vane serve` share: flags over environment over defaults,
// loopback unless told otherwise, bad values named by flag, and serve's former names adopted with a warning.
import { describe, expect, it } from 'vitest';
import { adoptFormerNames, apiSettings, listenError } from './api-options.js';

describe('apiSettings', () => {
  it('given nothing, then port 8080 on loopback, TokenReview, and the documented limits', () => {
    const settings = apiSettings({}, {});
    expect(settings).toMatchObject({ port: 8080, bindAddress: '127.0.0.1', rateLimit: { perSecond: 10, burst: 30 }, clientRateLimit: { perSecond: 20, burst: 60 } });
    expect(settings.tokenFile).toBeUndefined();
    expect(settings.streams).toEqual({ maxTotal: 200, maxPerUser: 10, maxLifetimeMs: 900_000, recheckMs: 60_000 });
  });

  it('given the environment and a flag, then the flag wins, and the environment beats the default', () => {
    const settings = apiSettings({ apiBindAddress: '::' }, { VANE_API_BIND_ADDRESS: '0.0.0.0', VANE_API_PORT: '9090', VANE_API_TOKEN_FILE: '/etc/vane/tokens.yaml' });
    expect(settings).toMatchObject({ port: 9090, bindAddress: '::', tokenFile: '/etc/vane/tokens.yaml' });
  });

  it('given port -1, then the controller runs without the API and serve refuses it', () => {
    expect(apiSettings({ apiPort: '-1' }, {}, { disablePort: true }).port).toBe(-1);
    expect(() => apiSettings({ apiPort: '-1' }, {})).toThrowError('--api-port must be an integer from 0 to 65535; got "-1"');
    expect(() => apiSettings({ apiPort: '70000' }, {}, { disablePort: true })).toThrowError(/--api-port must be an integer from -1 to 65535/);
  });

  it.each([
    [{ apiRateLimit: '0' }, '--api-rate-limit must be a positive number; got "0"'],
    [{ apiRateBurst: '2.5' }, '--api-rate-burst must be an integer of at least 1; got "2.5"'],
    [{ apiStreamLifetime: 'long' }, '--api-stream-lifetime must be a positive number; got "long"'],
  ])('given %j, then an error naming the flag', (flags, message) => {
    expect(() => apiSettings(flags, {})).toThrowError(message);
  });
});

describe('adoptFormerNames', () => {
  it("given serve's former names, then their values under the current names, with a warning each; a current name wins", () => {
    const warnings: string[] = [];
    const flags = adoptFormerNames({ tokenFile: '/tokens.yaml', host: '0.0.0.0', apiPort: '9000', port: '8000', logLevel: 'info' }, (w) => warnings.push(w));
    expect(flags).toEqual({ apiTokenFile: '/tokens.yaml', apiBindAddress: '0.0.0.0', apiPort: '9000' });
    expect(warnings).toEqual(['--port is deprecated; use --api-port', '--host is deprecated; use --api-bind-address', '--token-file is deprecated; use --api-token-file']);
  });
});

describe('listenError', () => {
  it('given a port in use, then a message with the address and the flag that changes it', () => {
    const err = Object.assign(new Error('listen EADDRINUSE: address already in use 127.0.0.1:8080'), { code: 'EADDRINUSE' });
    expect(listenError(err, '127.0.0.1', 8080).message).toBe(
      'the API cannot listen on 127.0.0.1:8080: listen EADDRINUSE: address already in use 127.0.0.1:8080 (another process holds the port: choose another with --api-port (0 picks a free one))',
    );
  });
});
