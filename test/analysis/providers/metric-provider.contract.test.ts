// The MetricProvider contract every HTTP provider keeps: headers and Secrets, args, timeouts, cancellation, error codes.
// @covers spec.metrics[].provider.prometheus.headers
// @covers spec.metrics[].provider.prometheus.headers[].key
// @covers spec.metrics[].provider.prometheus.headers[].value
// @covers spec.metrics[].provider.prometheus.headers[].valueFrom
// @covers spec.metrics[].provider.prometheus.headers[].valueFrom.secretKeyRef
// @covers spec.metrics[].provider.prometheus.headers[].valueFrom.secretKeyRef.name
// @covers spec.metrics[].provider.prometheus.headers[].valueFrom.secretKeyRef.key
// @covers spec.metrics[].provider.web.headers
// @covers spec.metrics[].provider.web.headers[].key
// @covers spec.metrics[].provider.web.headers[].value
// @covers spec.metrics[].provider.web.headers[].valueFrom
// @covers spec.metrics[].provider.web.headers[].valueFrom.secretKeyRef
// @covers spec.metrics[].provider.web.headers[].valueFrom.secretKeyRef.name
// @covers spec.metrics[].provider.web.headers[].valueFrom.secretKeyRef.key
// @covers spec.metrics[].provider.web.timeout
// @covers spec.metrics[].provider.judge.prometheus.headers
// @covers spec.metrics[].provider.judge.prometheus.timeout
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MetricProvider } from '../../../src/analysis/metric-provider.js';
import { JudgeProvider } from '../../../src/analysis/judge/judge-provider.js';
import { PrometheusProvider } from '../../../src/analysis/providers/prometheus-provider.js';
import { WebProvider } from '../../../src/analysis/providers/web-provider.js';
import type { HeaderSource, Metric } from '../../../src/resources/analysis.js';
import { measureContext } from '../support/measure-context.js';
import { metricFailure } from '../support/metric-failure.js';
import { freePort } from '../support/prometheus-server.js';
import { prometheusVectorAnswer, startStubHttpServer, type StubAnswer, type StubHttpServer } from '../support/stub-http-server.js';

interface ProviderCase {
  name: string;
  provider: MetricProvider;
  /** A metric of this provider against `baseUrl` (which may hold `{{args}}`). */
  metric(baseUrl: string, options: { headers?: HeaderSource[]; timeout?: string }): Metric;
  /** An answer the provider reads as the value 0.25, and how it shows it. */
  okAnswer: StubAnswer;
  okResult: unknown;
  /** HTTP requests one successful measurement sends (the judge asks for baseline, then canary). */
  requests: number;
}

const CASES: ProviderCase[] = [
  {
    name: 'prometheus',
    provider: new PrometheusProvider(),
    metric: (baseUrl, options) => ({
      name: 'error-ratio',
      provider: { prometheus: { address: baseUrl, query: 'vane_ratio', headers: options.headers, timeout: options.timeout } },
    }),
    okAnswer: prometheusVectorAnswer(['0.25']),
    okResult: [0.25],
    requests: 1,
  },
  {
    name: 'web',
    provider: new WebProvider(),
    metric: (baseUrl, options) => ({
      name: 'error-ratio',
      provider: { web: { url: `${baseUrl}/ratio`, jsonPath: '$.ratio', headers: options.headers, timeout: options.timeout } },
    }),
    okAnswer: { status: 200, body: { ratio: 0.25 } },
    okResult: 0.25,
    requests: 1,
  },
  {
    name: 'judge',
    provider: new JudgeProvider(),
    metric: (baseUrl, options) => ({
      name: 'error-ratio',
      provider: {
        judge: {
          prometheus: { address: baseUrl, headers: options.headers, timeout: options.timeout },
          metrics: [{ name: 'ratio', baseline: 'vane_ratio{side="baseline"}', canary: 'vane_ratio{side="canary"}', minSamples: 3 }],
        },
      },
    }),
    // Three series of 0.25 for each side's query: every sample tied, so the metric passes.
    okAnswer: prometheusVectorAnswer(['0.25', '0.25', '0.25']),
    okResult: expect.objectContaining({ verdict: 'Successful', score: 100 }),
    requests: 2,
  },
];

const SECRET_TOKEN = 'tok-5f1b9c-very-secret';

describe.each(CASES)('MetricProvider contract: $name', (testCase) => {
  let stub: StubHttpServer;

  beforeAll(async () => {
    stub = await startStubHttpServer();
  });

  afterAll(async () => {
    await stub.stop();
  });

  beforeEach(() => {
    stub.requests.length = 0;
    stub.answer(() => testCase.okAnswer);
  });

  it('given plain, argument and Secret headers, when measuring, then each is sent and the value is read', async () => {
    const headers: HeaderSource[] = [
      { key: 'X-Scope-OrgID', value: 'tenant-{{args.tenant}}' },
      { key: 'Authorization', valueFrom: { secretKeyRef: { name: 'metrics-auth', key: 'token' } } },
    ];
    const context = measureContext({ args: { tenant: 'a' }, secrets: { 'metrics-auth': { token: `Bearer ${SECRET_TOKEN}\n` } } });

    const value = await testCase.provider.measure(testCase.metric(stub.url, { headers }), context);

    expect(value.result).toEqual(testCase.okResult);
    expect(stub.requests).toHaveLength(testCase.requests);
    expect(stub.requests[0]?.headers['x-scope-orgid']).toBe('tenant-a');
    expect(stub.requests[0]?.headers['authorization']).toBe(`Bearer ${SECRET_TOKEN}`);
    expect(context.secretReads).toEqual(['shop/metrics-auth/token']);
  });

  it('given the address as an argument, when measuring, then the request goes to the substituted address', async () => {
    const value = await testCase.provider.measure(testCase.metric('{{args.backend}}', {}), measureContext({ args: { backend: stub.url } }));

    expect(value.result).toEqual(testCase.okResult);
    expect(stub.requests).toHaveLength(testCase.requests);
  });

  it('given an argument without a value, when measuring, then BadQuery names it and nothing is sent', async () => {
    const error = await metricFailure(testCase.provider.measure(testCase.metric('{{args.backend}}', {}), measureContext()));

    expect(error.metricCode).toBe('BadQuery');
    expect(error.message).toContain('"backend"');
    expect(stub.requests).toHaveLength(0);
  });

  it('given a header from a missing Secret, when measuring, then NotFound and nothing is sent', async () => {
    const headers: HeaderSource[] = [{ key: 'Authorization', valueFrom: { secretKeyRef: { name: 'absent', key: 'token' } } }];

    const error = await metricFailure(testCase.provider.measure(testCase.metric(stub.url, { headers }), measureContext()));

    expect(error.metricCode).toBe('NotFound');
    expect(error.message).toContain('absent');
    expect(stub.requests).toHaveLength(0);
  });

  it('given nothing listening at the address, when measuring, then Unavailable', async () => {
    const url = `http://127.0.0.1:${await freePort()}`;

    const error = await metricFailure(testCase.provider.measure(testCase.metric(url, {}), measureContext()));

    expect(error.metricCode).toBe('Unavailable');
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('given a backend that never answers, when measuring with timeout 1s, then Timeout and the request is abandoned', async () => {
    stub.answer(() => 'hang');
    const abandonedBefore = stub.abandoned();

    const error = await metricFailure(testCase.provider.measure(testCase.metric(stub.url, { timeout: '1s' }), measureContext()));

    expect(error.metricCode).toBe('Timeout');
    expect(error.message).toContain('1000ms');
    await expect.poll(() => stub.abandoned(), { timeout: 10_000 }).toBe(abandonedBefore + 1);
  });

  it('given a caller signal aborted while waiting, when measuring, then Unavailable saying it was cancelled', async () => {
    stub.answer(() => 'hang');
    const controller = new AbortController();
    const measuring = metricFailure(testCase.provider.measure(testCase.metric(stub.url, { timeout: '30s' }), measureContext({ signal: controller.signal })));
    await expect.poll(() => stub.requests.length, { timeout: 10_000 }).toBe(1);

    controller.abort();
    const error = await measuring;

    expect(error.metricCode).toBe('Unavailable');
    expect(error.message).toContain('cancelled');
  });

  it.each([
    { status: 401, body: 'token expired', code: 'Unauthorized' },
    { status: 403, body: { status: 'error', errorType: 'forbidden', error: 'tenant not allowed' }, code: 'Unauthorized' },
    { status: 503, body: 'upstream connect error', code: 'Unavailable' },
    { status: 500, body: { status: 'error', errorType: 'internal', error: 'storage on fire' }, code: 'Unavailable' },
  ])('given HTTP $status, when measuring, then $code with the status and never the Secret in the message', async ({ status, body, code }) => {
    stub.answer(() => ({ status, body }));
    const headers: HeaderSource[] = [{ key: 'Authorization', valueFrom: { secretKeyRef: { name: 'metrics-auth', key: 'token' } } }];
    const context = measureContext({ secrets: { 'metrics-auth': { token: SECRET_TOKEN } } });

    const error = await metricFailure(testCase.provider.measure(testCase.metric(stub.url, { headers }), context));

    expect(error.metricCode).toBe(code);
    expect(error.message).toContain(String(status));
    expect(error.message).not.toContain(SECRET_TOKEN);
    expect(JSON.stringify(error.cause ?? null)).not.toContain(SECRET_TOKEN);
  });

  it('given credentials in the address, when the backend fails, then they were sent as Basic auth and the message omits them', async () => {
    stub.answer(() => ({ status: 500, body: 'boom' }));
    const address = stub.url.replace('http://', 'http://reader:pa%2455@');

    const error = await metricFailure(testCase.provider.measure(testCase.metric(address, {}), measureContext()));

    expect(stub.requests[0]?.headers['authorization']).toBe(`Basic ${Buffer.from('reader:pa$55').toString('base64')}`);
    expect(error.metricCode).toBe('Unavailable');
    expect(error.message).not.toContain('pa%2455');
    expect(error.message).not.toContain('reader');
  });

  it('given a 200 answer that is not JSON, when measuring, then BadResponse', async () => {
    stub.answer(() => ({ status: 200, body: '<html>login page</html>' }));

    const error = await metricFailure(testCase.provider.measure(testCase.metric(stub.url, {}), measureContext()));

    expect(error.metricCode).toBe('BadResponse');
    expect(error.message).toContain('login page');
  });

  it('given an address that is not an http URL, when measuring, then BadQuery naming the metric', async () => {
    const error = await metricFailure(testCase.provider.measure(testCase.metric('ftp://metrics.example', {}), measureContext()));

    expect(error.metricCode).toBe('BadQuery');
    expect(error.message).toContain('error-ratio');
  });
});
