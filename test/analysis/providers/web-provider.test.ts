// Specification of the web provider against a local HTTP server: methods, bodies, JSON paths and readable failures.
// @covers spec.metrics[].provider.web
// @covers spec.metrics[].provider.web.url
// @covers spec.metrics[].provider.web.method
// @covers spec.metrics[].provider.web.body
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { MAX_ANSWER_BYTES, WebProvider } from '../../../src/analysis/providers/web-provider.js';
import type { Metric, WebMetric } from '../../../src/resources/analysis.js';
import { measureContext } from '../support/measure-context.js';
import { metricFailure } from '../support/metric-failure.js';
import { startStubHttpServer, type StubHttpServer } from '../support/stub-http-server.js';

const STATS = { data: { errorRate: 0.02, 'p99-latency': 310, pods: [{ name: 'checkout-1', ready: true }] }, status: 'ok' };

const provider = new WebProvider();
let stub: StubHttpServer;

beforeAll(async () => {
  stub = await startStubHttpServer();
});

afterAll(async () => {
  await stub?.stop();
});

beforeEach(() => {
  stub.requests.length = 0;
  stub.answer(() => ({ status: 200, body: STATS }));
});

function metric(web: Partial<WebMetric>): Metric {
  return { name: 'canary-stats', provider: { web: { url: `${stub.url}/stats`, ...web } } };
}

describe('WebProvider: requests', () => {
  it('given a GET with {{args}} in the url, when measuring, then the substituted url is fetched and the JSON path value returned', async () => {
    const value = await provider.measure(metric({ url: `${stub.url}/stats/{{args.service}}`, jsonPath: '$.data.errorRate' }), measureContext({ args: { service: 'checkout' } }));

    expect(value).toEqual({ result: 0.02, text: '0.02' });
    expect(stub.requests).toMatchObject([{ method: 'GET', url: '/stats/checkout' }]);
  });

  it('given a POST with a body holding {{args}}, when measuring, then the substituted body is sent as JSON', async () => {
    const body = '{"service":"{{args.service}}","window":"5m"}';

    await provider.measure(metric({ method: 'POST', body, jsonPath: '$.status' }), measureContext({ args: { service: 'checkout' } }));

    expect(stub.requests[0]?.method).toBe('POST');
    expect(JSON.parse(stub.requests[0]?.body ?? '')).toEqual({ service: 'checkout', window: '5m' });
    expect(stub.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('given a POST with its own content type, when measuring, then that content type is kept', async () => {
    const headers = [{ key: 'Content-Type', value: 'application/x-www-form-urlencoded' }];

    await provider.measure(metric({ method: 'POST', body: 'service=checkout', headers }), measureContext());

    expect(stub.requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
  });

  it('given a header from a Secret, when measuring, then it is sent', async () => {
    const headers = [{ key: 'X-Api-Key', valueFrom: { secretKeyRef: { name: 'stats-api', key: 'key' } } }];

    await provider.measure(metric({ headers }), measureContext({ secrets: { 'stats-api': { key: 'k-7' } } }));

    expect(stub.requests[0]?.headers['x-api-key']).toBe('k-7');
  });

  it('given a GET with a body, when measuring, then BadQuery and nothing is sent', async () => {
    const error = await metricFailure(provider.measure(metric({ body: '{}' }), measureContext()));

    expect(error.metricCode).toBe('BadQuery');
    expect(stub.requests).toHaveLength(0);
  });
});

describe('WebProvider: redirects', () => {
  it('given an endpoint that redirects to itself without end, when measuring, then BadResponse after 10 hops', async () => {
    stub.answer(() => ({ status: 302, headers: { location: '/stats' } }));

    const error = await metricFailure(provider.measure(metric({}), measureContext()));

    expect(error.metricCode).toBe('BadResponse');
    expect(error.message).toContain('redirected more than 10 times');
    expect(stub.requests).toHaveLength(11);
  });

  it('given a POST answered with 303, when measuring, then the answer is fetched with a GET and no body', async () => {
    stub.answer((request) => (request.method === 'POST' ? { status: 303, headers: { location: '/result' } } : { status: 200, body: STATS }));

    const value = await provider.measure(metric({ method: 'POST', body: '{}', jsonPath: '$.status' }), measureContext());

    expect(value.result).toBe('ok');
    expect(stub.requests.map((request) => `${request.method} ${request.url} ${request.body}`)).toEqual(['POST /stats {}', 'GET /result ']);
    expect(stub.requests[1]?.headers['content-type']).toBeUndefined();
  });

  it('given a redirect to a non-http URL, when measuring, then BadResponse naming the scheme', async () => {
    stub.answer(() => ({ status: 302, headers: { location: 'file:///etc/passwd' } }));

    const error = await metricFailure(provider.measure(metric({}), measureContext()));

    expect(error.metricCode).toBe('BadResponse');
    expect(error.message).toContain('file:');
  });
});

describe('WebProvider: reading answers', () => {
  it.each([
    { jsonPath: undefined, result: STATS, text: JSON.stringify(STATS) },
    { jsonPath: '$', result: STATS, text: JSON.stringify(STATS) },
    { jsonPath: "$.data['p99-latency']", result: 310, text: '310' },
    { jsonPath: '$.data.pods[0].ready', result: true, text: 'true' },
    { jsonPath: '$.status', result: 'ok', text: 'ok' },
    { jsonPath: '$.data.pods', result: STATS.data.pods, text: JSON.stringify(STATS.data.pods) },
  ])('given jsonPath $jsonPath, when measuring, then result is the selected JSON value', async ({ jsonPath, result, text }) => {
    const value = await provider.measure(metric({ jsonPath }), measureContext());

    expect(value).toEqual({ result, text });
  });

  it('given an answer larger than the limit, when measuring, then BadResponse saying so, without reading it all', async () => {
    stub.answer(() => ({ status: 200, body: `{"pad":"${'x'.repeat(MAX_ANSWER_BYTES)}"}` }));
    const failure = await metricFailure(provider.measure(metric({ jsonPath: '$.pad' }), measureContext()));
    expect(failure.metricCode).toBe('BadResponse');
    expect(failure.message).toContain(`answered more than ${MAX_ANSWER_BYTES} bytes`);
  });

  it('given a path the answer does not have, when measuring, then BadResponse naming the path and where it stopped', async () => {
    const error = await metricFailure(provider.measure(metric({ jsonPath: '$.data.pods[3].ready' }), measureContext()));

    expect(error.metricCode).toBe('BadResponse');
    expect(error.message).toContain('$.data.pods[3].ready');
    expect(error.message).toContain('$.data.pods has 1 items, no index 3');
  });

  it('given a path outside the supported subset, when measuring, then BadQuery', async () => {
    const error = await metricFailure(provider.measure(metric({ jsonPath: '$..errorRate' }), measureContext()));

    expect(error.metricCode).toBe('BadQuery');
    expect(error.message).toContain('$..errorRate');
  });

  it.each([
    { status: 404, code: 'BadResponse' },
    { status: 429, code: 'Unavailable' },
    { status: 502, code: 'Unavailable' },
    { status: 401, code: 'Unauthorized' },
  ])('given HTTP $status, when measuring, then $code with the status and the start of the body', async ({ status, code }) => {
    stub.answer(() => ({ status, body: `no stats here ${'x'.repeat(1_000)}` }));

    const error = await metricFailure(provider.measure(metric({ jsonPath: '$.data.errorRate' }), measureContext()));

    expect(error.metricCode).toBe(code);
    expect(error.message).toContain(`HTTP ${status}: no stats here`);
    expect(error.message.length).toBeLessThan(400);
  });

  it('given a url with a query string, when it fails, then the message shows the path but not the query', async () => {
    stub.answer(() => ({ status: 500, body: 'boom' }));

    const error = await metricFailure(provider.measure(metric({ url: `${stub.url}/stats?api_key=k-9` }), measureContext()));

    expect(stub.requests[0]?.url).toBe('/stats?api_key=k-9');
    expect(error.message).toContain('/stats');
    expect(error.message).not.toContain('k-9');
  });
});
