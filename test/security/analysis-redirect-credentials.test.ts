// Issue #20: headers read from Secrets must not follow a metric request's redirect to another origin (web and Prometheus).
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MetricProvider } from '../../src/analysis/metric-provider.js';
import { PrometheusProvider } from '../../src/analysis/providers/prometheus-provider.js';
import { WebProvider } from '../../src/analysis/providers/web-provider.js';
import type { HeaderSource, Metric } from '../../src/resources/analysis.js';
import { measureContext } from '../analysis/support/measure-context.js';
import { prometheusVectorAnswer, startStubHttpServer, type StubHttpServer } from '../analysis/support/stub-http-server.js';

const SECRETS = { 'metrics-api': { key: 'key-from-secret', token: 'token-from-secret', cookie: 'session=from-secret' } };

/** One header of each kind: two read from a Secret, one written in the spec. */
const HEADERS: HeaderSource[] = [
  { key: 'X-Api-Key', valueFrom: { secretKeyRef: { name: 'metrics-api', key: 'key' } } },
  { key: 'Cookie', valueFrom: { secretKeyRef: { name: 'metrics-api', key: 'cookie' } } },
  { key: 'X-Scope-OrgID', value: 'shop' },
];

interface ProviderCase {
  name: string;
  provider: MetricProvider;
  metric(address: string): Metric;
  answer: { status: number; body: unknown };
}

const CASES: ProviderCase[] = [
  {
    name: 'web',
    provider: new WebProvider(),
    metric: (address) => ({
      name: 'canary-stats',
      provider: { web: { url: `${address.replace('//', '//stats:basic-secret@')}/stats`, headers: HEADERS, jsonPath: '$.errorRate' } },
    }),
    answer: { status: 200, body: { errorRate: 0.01 } },
  },
  {
    name: 'prometheus',
    provider: new PrometheusProvider(),
    metric: (address) => ({
      name: 'canary-errors',
      provider: {
        prometheus: {
          address,
          query: 'vector(0.01)',
          headers: HEADERS,
          authentication: { bearerTokenSecretRef: { name: 'metrics-api', key: 'token' } },
        },
      },
    }),
    answer: prometheusVectorAnswer(['0.01']) as { status: number; body: unknown },
  },
];

let origin: StubHttpServer;
let elsewhere: StubHttpServer;

beforeAll(async () => {
  origin = await startStubHttpServer();
  elsewhere = await startStubHttpServer();
});

afterAll(async () => {
  await origin?.stop();
  await elsewhere?.stop();
});

beforeEach(() => {
  origin.requests.length = 0;
  elsewhere.requests.length = 0;
});

/** Every header value that came from a Secret (or the URL's credentials), as the server would see it. */
function leakedSecrets(headers: Record<string, string | string[] | undefined>): string[] {
  const secrets = ['key-from-secret', 'token-from-secret', 'session=from-secret', Buffer.from('stats:basic-secret').toString('base64')];
  return Object.values(headers)
    .flat()
    .filter((value): value is string => typeof value === 'string' && secrets.some((secret) => value.includes(secret)));
}

describe.each(CASES)('$name provider: Secret-sourced headers and redirects', ({ provider, metric, answer }) => {
  it('given the metrics endpoint redirects to another origin, when measuring, then no header read from a Secret reaches that origin', async () => {
    origin.answer((request) => ({ status: 302, headers: { location: `${elsewhere.url}${request.url}` } }));
    elsewhere.answer(() => answer);

    const value = await provider.measure(metric(origin.url), measureContext({ secrets: SECRETS }));

    expect(value.text).toContain('0.01');
    expect(leakedSecrets(origin.requests[0]?.headers ?? {})).not.toEqual([]);
    expect(elsewhere.requests).toHaveLength(1);
    expect(leakedSecrets(elsewhere.requests[0]?.headers ?? {})).toEqual([]);
    expect(elsewhere.requests[0]?.headers['x-scope-orgid']).toBe('shop');
  });

  it('given the metrics endpoint redirects within its own origin, when measuring, then the Secret-sourced headers are sent again', async () => {
    origin.answer((request) => (request.url.startsWith('/moved') ? answer : { status: 302, headers: { location: `/moved${request.url}` } }));

    await provider.measure(metric(origin.url), measureContext({ secrets: SECRETS }));

    expect(origin.requests).toHaveLength(2);
    expect(origin.requests[1]?.headers['x-api-key']).toBe('key-from-secret');
    expect(origin.requests[1]?.headers['cookie']).toBe('session=from-secret');
  });
});
