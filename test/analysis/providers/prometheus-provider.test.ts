// Specification of the Prometheus provider against a real Prometheus holding deterministic history loaded by promtool.
// @covers spec.metrics[].provider
// @covers spec.metrics[].provider.prometheus
// @covers spec.metrics[].provider.prometheus.address
// @covers spec.metrics[].provider.prometheus.query
// @covers spec.metrics[].provider.prometheus.timeout
// @covers spec.metrics[].provider.prometheus.range
// @covers spec.metrics[].provider.prometheus.range.lookback
// @covers spec.metrics[].provider.prometheus.range.step
// @covers spec.metrics[].provider.prometheus.authentication
// @covers spec.metrics[].provider.prometheus.authentication.bearerTokenSecretRef
// @covers spec.metrics[].provider.prometheus.authentication.bearerTokenSecretRef.name
// @covers spec.metrics[].provider.prometheus.authentication.bearerTokenSecretRef.key
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PrometheusProvider } from '../../../src/analysis/providers/prometheus-provider.js';
import type { Metric, PrometheusMetric } from '../../../src/resources/analysis.js';
import { measureContext } from '../support/measure-context.js';
import { metricFailure } from '../support/metric-failure.js';
import { minutesAgo, openMetricsText, type SeriesHistory } from '../support/open-metrics.js';
import { startPrometheus, type PrometheusServer } from '../support/prometheus-server.js';
import { prometheusVectorAnswer, startStubHttpServer, type StubHttpServer } from '../support/stub-http-server.js';

/** Minutes ago of every sample: from an hour ago to ten minutes ago, one a minute. */
const MINUTES = Array.from({ length: 51 }, (_, index) => 60 - index);
const NOW = Date.now();

const constant = (name: string, labels: Record<string, string>, value: number): SeriesHistory => ({
  name,
  labels,
  samples: MINUTES.map((minutes) => [minutesAgo(minutes, NOW), value]),
});

/**
 * The history, queried with `last_over_time(...[2h])` so instant queries see the last sample whatever the clock says.
 * `vane_test_tens` holds ceil(minutes ago / 10): 3 from 30 to 21 minutes ago, 2 from 20 to 11, 1 at 10.
 */
const HISTORY: SeriesHistory[] = [
  constant('vane_test_error_ratio', { service: 'checkout' }, 0.0123),
  constant('vane_test_error_ratio', { service: 'payments' }, 0.5),
  constant('vane_test_latency', { pod: 'a' }, 1),
  constant('vane_test_latency', { pod: 'b' }, 2),
  constant('vane_test_latency', { pod: 'c' }, 3),
  constant('vane_test_special', { kind: 'nan' }, Number.NaN),
  constant('vane_test_special', { kind: 'pinf' }, Number.POSITIVE_INFINITY),
  constant('vane_test_special', { kind: 'ninf' }, Number.NEGATIVE_INFINITY),
  { name: 'vane_test_tens', labels: { pod: 'a' }, samples: MINUTES.map((minutes) => [minutesAgo(minutes, NOW), Math.ceil(minutes / 10)]) },
  constant('vane_test_tens', { pod: 'b' }, 7),
];

const provider = new PrometheusProvider();
let prometheus: PrometheusServer;

beforeAll(async () => {
  prometheus = await startPrometheus({ history: openMetricsText(HISTORY) });
});

afterAll(async () => {
  await prometheus?.stop();
});

function metric(query: string, extra: Partial<PrometheusMetric> = {}): Metric {
  return { name: 'canary-errors', provider: { prometheus: { address: prometheus.url, query, ...extra } } };
}

describe('PrometheusProvider: instant queries read values as Prometheus sends them', () => {
  it('given a scalar query, when measuring, then result is a number', async () => {
    const value = await provider.measure(metric('scalar(last_over_time(vane_test_error_ratio{service="checkout"}[2h]))'), measureContext());

    expect(value).toEqual({ result: 0.0123, text: '0.0123' });
  });

  it('given a vector of one series, when measuring, then result is a one-number list', async () => {
    const value = await provider.measure(metric('last_over_time(vane_test_error_ratio{service="checkout"}[2h])'), measureContext());

    expect(value).toEqual({ result: [0.0123], text: '[0.0123]' });
  });

  it('given a vector of several series, when measuring, then one number per series in the order Prometheus returns', async () => {
    const descending = await provider.measure(metric('sort_desc(last_over_time(vane_test_latency[2h]))'), measureContext());
    const ascending = await provider.measure(metric('sort(last_over_time(vane_test_latency[2h]))'), measureContext());

    expect(descending).toEqual({ result: [3, 2, 1], text: '[3,2,1]' });
    expect(ascending).toEqual({ result: [1, 2, 3], text: '[1,2,3]' });
  });

  it('given a query matching no series, when measuring, then result is an empty list', async () => {
    const value = await provider.measure(metric('last_over_time(vane_test_never_written[2h])'), measureContext());

    expect(value).toEqual({ result: [], text: '[]' });
  });

  it.each([
    { kind: 'nan', result: Number.NaN, text: '[NaN]' },
    { kind: 'pinf', result: Number.POSITIVE_INFINITY, text: '[+Inf]' },
    { kind: 'ninf', result: Number.NEGATIVE_INFINITY, text: '[-Inf]' },
  ])('given a stored $text sample, when measuring, then result holds $result', async ({ kind, result, text }) => {
    const value = await provider.measure(metric(`last_over_time(vane_test_special{kind="${kind}"}[2h])`), measureContext());

    expect(value.result).toEqual([result]);
    expect(value.text).toBe(text);
  });

  it('given a scalar that is NaN, when measuring, then result is NaN', async () => {
    // scalar() of more than one series is NaN by definition.
    const value = await provider.measure(metric('scalar(last_over_time(vane_test_latency[2h]))'), measureContext());

    expect(value.result).toBeNaN();
    expect(value.text).toBe('NaN');
  });

  it('given {{args}} in address and query, when measuring, then the substituted query is evaluated', async () => {
    const spec = metric('last_over_time(vane_test_error_ratio{service="{{args.service}}"}[2h])', { address: '{{args.prometheus}}' });

    const value = await provider.measure(spec, measureContext({ args: { service: 'payments', prometheus: prometheus.url } }));

    expect(value).toEqual({ result: [0.5], text: '[0.5]' });
  });
});

describe('PrometheusProvider: range queries', () => {
  it('given range lookback 30m step 10m, when measuring, then result is each series\' last sample and text shows every sample', async () => {
    // Steps at now-30m, now-20m, now-10m, now; the last sample is ten minutes old, so the step at now is past staleness.
    const value = await provider.measure(metric('vane_test_tens', { range: { lookback: '30m', step: '10m' } }), measureContext());

    expect(value).toEqual({ result: [1, 7], text: '[[3,2,1],[7,7,7]]' });
  });

  it('given a range without a step, when measuring, then BadQuery naming the field', async () => {
    const spec = metric('vane_test_tens', { range: { lookback: '30m' } as PrometheusMetric['range'] });

    const error = await metricFailure(provider.measure(spec, measureContext()));

    expect(error.metricCode).toBe('BadQuery');
    expect(error.message).toContain('range.step is required');
  });

  it('given a range with too many points, when measuring, then BadQuery with Prometheus\' reason', async () => {
    const error = await metricFailure(provider.measure(metric('vane_test_tens', { range: { lookback: '1h', step: '100ms' } }), measureContext()));

    expect(error.metricCode).toBe('BadQuery');
    expect(error.message).toContain('exceeded maximum resolution');
  });
});

describe('PrometheusProvider: queries Prometheus rejects', () => {
  it('given PromQL that does not parse, when measuring, then BadQuery carrying Prometheus\' parse error', async () => {
    const error = await metricFailure(provider.measure(metric('sum(rate(vane_test_latency[5m])'), measureContext()));

    expect(error.metricCode).toBe('BadQuery');
    expect(error.code).toBe('InvalidSpec');
    expect(error.message).toMatch(/parse error: unclosed left parenthesis/);
    expect(error.message).toContain('canary-errors');
  });

  it('given PromQL that cannot be evaluated, when measuring, then BadQuery carrying Prometheus\' execution error', async () => {
    // Matching on no labels pairs three series with three: many-to-many, which Prometheus refuses at evaluation.
    const error = await metricFailure(provider.measure(metric('last_over_time(vane_test_latency[2h]) + on() last_over_time(vane_test_latency[2h])'), measureContext()));

    expect(error.metricCode).toBe('BadQuery');
    expect(error.message).toMatch(/many-to-many|duplicate series/);
  });
});

describe('PrometheusProvider: requests as sent', () => {
  let stub: StubHttpServer;

  beforeAll(async () => {
    stub = await startStubHttpServer(() => prometheusVectorAnswer(['0.01']));
  });

  afterAll(async () => {
    await stub?.stop();
  });

  it('given bearerTokenSecretRef and a header from a Secret, when measuring, then both are sent from the Secrets and the token wins', async () => {
    stub.requests.length = 0;
    const spec = metric('up', {
      address: stub.url,
      headers: [
        { key: 'X-Api-Key', valueFrom: { secretKeyRef: { name: 'prom-key', key: 'key' } } },
        { key: 'authorization', value: 'Basic b2xkOm9sZA==' },
      ],
      authentication: { bearerTokenSecretRef: { name: 'prom-token', key: 'token' } },
    });
    const context = measureContext({ secrets: { 'prom-token': { token: 'eyJ.token\n' }, 'prom-key': { key: 'k-42' } } });

    const value = await provider.measure(spec, context);

    expect(value.result).toEqual([0.01]);
    expect(stub.requests[0]?.headers['authorization']).toBe('Bearer eyJ.token');
    expect(stub.requests[0]?.headers['x-api-key']).toBe('k-42');
    expect(context.secretReads).toEqual(['shop/prom-key/key', 'shop/prom-token/token']);
  });

  it('given a query and timeout, when measuring, then an instant query with Prometheus\' own evaluation timeout is sent', async () => {
    stub.requests.length = 0;

    await provider.measure(metric('sum(up{job="{{args.job}}"})', { address: `${stub.url}/prefix/`, timeout: '5s' }), measureContext({ args: { job: 'api' } }));

    const sent = new URL(stub.requests[0]?.url ?? '', stub.url);
    expect(sent.pathname).toBe('/prefix/api/v1/query');
    expect(sent.searchParams.get('query')).toBe('sum(up{job="api"})');
    expect(sent.searchParams.get('timeout')).toBe('5');
  });

  it('given an answer whose sample value is not a number, when measuring, then BadResponse', async () => {
    stub.answer(() => prometheusVectorAnswer(['fast']));

    const error = await metricFailure(provider.measure(metric('up', { address: stub.url }), measureContext()));

    expect(error.metricCode).toBe('BadResponse');
    expect(error.message).toContain('"fast"');
  });

  it('given an answer of an unknown result type, when measuring, then BadResponse', async () => {
    stub.answer(() => ({ status: 200, body: { status: 'success', data: { resultType: 'histogram', result: [] } } }));

    const error = await metricFailure(provider.measure(metric('up', { address: stub.url }), measureContext()));

    expect(error.metricCode).toBe('BadResponse');
  });

  it('given Prometheus reporting its own evaluation timeout, when measuring, then Timeout', async () => {
    stub.answer(() => ({ status: 503, body: { status: 'error', errorType: 'timeout', error: 'query timed out in expression evaluation' } }));

    const error = await metricFailure(provider.measure(metric('up', { address: stub.url }), measureContext()));

    expect(error.metricCode).toBe('Timeout');
    expect(error.message).toContain('query timed out');
  });
});
