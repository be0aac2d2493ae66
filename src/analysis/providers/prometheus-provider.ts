// The Prometheus MetricProvider: an instant (or range) PromQL query through prometheus-query, every failure a MetricError.
// Its connection and range query are shared with the judge provider, which queries baseline and canary alike.
import type { Metric, PrometheusMetric } from '../../resources/analysis.js';
import { substituteArgs } from '../arg-substitution.js';
import { MetricError, type MeasureContext, type MeasuredValue, type MetricProvider } from '../metric-provider.js';
import { leavesOrigin, withoutCredentials } from './redirect-credentials.js';
import { bearerAuthorization, resolveHeaders, secretHeaderNames } from './request-headers.js';
import { MAX_ANSWER_BYTES, excerpt, httpUrl, positiveDurationMs, shownUrl } from './request-settings.js';

export { MAX_ANSWER_BYTES };

const DEFAULT_TIMEOUT_MS = 30_000;

/** Where a Prometheus is and how to reach it: the prometheus provider's fields other than its query. */
export type PrometheusSource = Pick<PrometheusMetric, 'address' | 'timeout' | 'headers' | 'authentication'>;

/** A source resolved for one measurement: arguments substituted, headers and token read from their Secrets. */
export interface PrometheusConnection {
  metricName: string;
  address: URL;
  headers: Record<string, string>;
  /** Names of the headers read from Secrets: never sent to another origin after a redirect (nor is the bearer token). */
  secretHeaders: string[];
  timeoutMs: number;
}

/** The window of a range query: `lookbackMs` before `endMs` (now when absent), evaluated every `stepMs`. */
export interface RangeWindow {
  lookbackMs: number;
  stepMs: number;
  endMs?: number;
}

interface PrometheusRequest extends PrometheusConnection {
  query: string;
  range?: RangeWindow;
}

/** What the interceptors saw of the HTTP answer; prometheus-query drops the status of non-JSON answers and parses values lossily. */
interface ObservedAnswer {
  status?: number;
  body?: unknown;
}

export class PrometheusProvider implements MetricProvider {
  readonly type = 'prometheus' as const;

  async measure(metric: Metric, context: MeasureContext): Promise<MeasuredValue> {
    const spec = metric.provider.prometheus;
    if (!spec) throw new MetricError('BadQuery', `metric "${metric.name}" has no provider.prometheus`);
    const request = await resolveRequest(metric.name, spec, context);
    const body = await runQuery(request, context.signal);
    return readAnswer(request, body);
  }
}

/** Resolves `source` for one measurement; throws MetricError for a bad address or a missing Secret. */
export async function resolvePrometheusConnection(metricName: string, source: PrometheusSource, context: MeasureContext): Promise<PrometheusConnection> {
  const headers = await resolveHeaders(metricName, source.headers, context);
  const tokenRef = source.authentication?.bearerTokenSecretRef;
  // Set last: axios matches header names case-insensitively, so the token replaces any other Authorization header.
  if (tokenRef) headers['Authorization'] = await bearerAuthorization(metricName, tokenRef, context);
  return {
    metricName,
    address: httpUrl(metricName, 'prometheus address', substituteArgs(source.address, context.args)),
    headers,
    secretHeaders: secretHeaderNames(source.headers),
    timeoutMs: positiveDurationMs(metricName, 'prometheus timeout', source.timeout, DEFAULT_TIMEOUT_MS),
  };
}

/**
 * Runs `query` (arguments already substituted) as a range query over `window` and returns the values of every
 * series, one list per series; NaN and ±Inf are kept as numbers for the caller to handle. Throws MetricError.
 */
export async function queryRangeSeries(
  connection: PrometheusConnection,
  query: string,
  window: RangeWindow,
  signal: AbortSignal | undefined,
): Promise<number[][]> {
  const request: PrometheusRequest = { ...connection, query, range: window };
  const body = await runQuery(request, signal);
  return readSeries(request, body);
}

async function resolveRequest(metricName: string, spec: PrometheusMetric, context: MeasureContext): Promise<PrometheusRequest> {
  const connection = await resolvePrometheusConnection(metricName, spec, context);
  const request: PrometheusRequest = { ...connection, query: substituteArgs(spec.query, context.args) };
  if (spec.range) {
    for (const field of ['lookback', 'step'] as const) {
      if (spec.range[field] === undefined) throw new MetricError('BadQuery', `metric "${metricName}": prometheus range.${field} is required`);
    }
    request.range = {
      lookbackMs: positiveDurationMs(metricName, 'prometheus range.lookback', spec.range.lookback, 0),
      stepMs: positiveDurationMs(metricName, 'prometheus range.step', spec.range.step, 0),
    };
  }
  return request;
}

/** Runs the query and returns the raw JSON body; the timeout and the caller's signal both abort the HTTP request. */
async function runQuery(request: PrometheusRequest, callerSignal: AbortSignal | undefined): Promise<unknown> {
  const timeoutSignal = AbortSignal.timeout(request.timeoutMs);
  const signal = callerSignal ? AbortSignal.any([callerSignal, timeoutSignal]) : timeoutSignal;
  const observed: ObservedAnswer = {};
  // Loaded with the first query: prometheus-query and axios cost a controller that runs no analysis ~10 MiB.
  const { PrometheusDriver } = await import('prometheus-query');
  const driver = new PrometheusDriver({
    endpoint: request.address.href,
    baseURL: '/api/v1/',
    headers: request.headers,
    // axios' own timeout only notices an idle socket; the signal also ends an answer that trickles in.
    timeout: request.timeoutMs,
    requestInterceptor: {
      onFulfilled: (config) =>
        Object.assign(config, {
          signal,
          // axios counts the bytes while they stream in (after decompression) and stops reading past the bound.
          maxContentLength: MAX_ANSWER_BYTES,
          beforeRedirect: (options: { headers?: Record<string, unknown>; href?: string }, _answer: unknown, from?: { url?: string }) => {
            if (options.headers && leavesOrigin(from?.url ?? '', options.href ?? '')) {
              options.headers = withoutCredentials(options.headers, request.secretHeaders);
            }
          },
        }),
    },
    responseInterceptor: {
      onFulfilled: (response) => {
        observed.status = response.status;
        observed.body = response.data;
        return response;
      },
      onRejected: (error: unknown) => {
        const response = (error as { response?: { status?: number; data?: unknown } } | null)?.response;
        observed.status = response?.status;
        observed.body = response?.data;
        throw error;
      },
    },
  });
  // Prometheus stops evaluating at its own deadline too, so a heavy query does not outlive the measurement.
  const evaluationTimeout = String(request.timeoutMs / 1000);
  try {
    if (request.range) {
      const end = request.range.endMs ?? Date.now();
      await driver.rangeQuery(request.query, end - request.range.lookbackMs, end, request.range.stepMs / 1000, evaluationTimeout);
    } else {
      await driver.instantQuery(request.query, undefined, evaluationTimeout);
    }
  } catch (thrown) {
    throw toMetricError(thrown, request, observed, { timeout: timeoutSignal, caller: callerSignal });
  }
  return observed.body;
}

/* ───────────── errors ───────────── */

/** The object prometheus-query throws (never an Error): see handleResponse in its driver. */
interface PrometheusQueryFailure {
  status: 'error';
  errorType: string;
  error?: unknown;
  code?: unknown;
  httpStatus?: number;
  prometheus?: { errorType?: unknown; error?: unknown };
  original?: unknown;
}

function isQueryFailure(thrown: unknown): thrown is PrometheusQueryFailure {
  const candidate = thrown as Partial<PrometheusQueryFailure> | null;
  return typeof candidate === 'object' && candidate !== null && candidate.status === 'error' && typeof candidate.errorType === 'string';
}

/** A 200 answer without Prometheus JSON is rejected twice: its 'client_error' comes back wrapped in a 'network_error'. */
function innermostFailure(thrown: unknown): PrometheusQueryFailure | undefined {
  if (!isQueryFailure(thrown)) return undefined;
  return isQueryFailure(thrown.original) ? thrown.original : thrown;
}

function toMetricError(
  thrown: unknown,
  request: PrometheusRequest,
  observed: ObservedAnswer,
  signals: { timeout: AbortSignal; caller: AbortSignal | undefined },
): MetricError {
  if (thrown instanceof MetricError) return thrown;
  const where = `metric "${request.metricName}": Prometheus at ${shownUrl(request.address)}`;
  const failure = innermostFailure(thrown);
  if (!failure) {
    // QueryResult.fromJSON throws plain Errors on an answer of the wrong shape.
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    return new MetricError('BadResponse', `${where} gave an unreadable answer: ${reason}`);
  }
  // The cause keeps what prometheus-query said, but not `original`: axios errors carry the request headers.
  const cause = { errorType: failure.errorType, code: failure.code, httpStatus: failure.httpStatus ?? observed.status };
  switch (failure.errorType) {
    case 'timeout_error':
      return timeoutError(where, request, cause);
    case 'network_error':
    case 'ssl_error':
      return networkError(where, request, failure, signals, cause);
    case 'http_error':
      return httpError(where, failure, cause);
    default:
      // 'client_error': the answer had no Prometheus JSON; only the HTTP status the interceptor saw is left.
      return unreadableAnswer(where, observed, cause);
  }
}

function timeoutError(where: string, request: PrometheusRequest, cause: object): MetricError {
  return new MetricError('Timeout', `${where} did not answer within ${request.timeoutMs}ms`, { cause });
}

function networkError(
  where: string,
  request: PrometheusRequest,
  failure: PrometheusQueryFailure,
  signals: { timeout: AbortSignal; caller: AbortSignal | undefined },
  cause: object,
): MetricError {
  if (failure.code === 'ERR_CANCELED') {
    if (signals.caller?.aborted) return new MetricError('Unavailable', `${where}: measurement cancelled`, { cause });
    return timeoutError(where, request, cause);
  }
  const reason = typeof failure.error === 'string' && failure.error !== '' ? failure.error : String(failure.code ?? 'network error');
  // axios' words when it stops reading past maxContentLength: 'maxContentLength size of 4194304 exceeded'.
  if (failure.code === 'ERR_BAD_RESPONSE' && reason.includes('maxContentLength')) {
    return new MetricError('BadResponse', `${where} answered more than ${MAX_ANSWER_BYTES} bytes; not read further`, { cause });
  }
  return new MetricError('Unavailable', `${where} is unreachable: ${reason}`, { cause });
}

function httpError(where: string, failure: PrometheusQueryFailure, cause: object): MetricError {
  const status = failure.httpStatus ?? 0;
  const errorType = failure.prometheus?.errorType;
  const message = typeof failure.error === 'string' ? failure.error : '';
  // bad_data: PromQL that does not parse; execution: one that cannot be evaluated (many-to-many matching, ...).
  if (errorType === 'bad_data' || errorType === 'execution') {
    return new MetricError('BadQuery', `${where} rejected the query: ${message}`, { cause });
  }
  if (status === 401 || status === 403) return new MetricError('Unauthorized', `${where} answered HTTP ${status}: ${excerpt(message)}`, { cause });
  if (errorType === 'timeout') return new MetricError('Timeout', `${where} timed out evaluating the query: ${message}`, { cause });
  if (status >= 500 || status === 429) return new MetricError('Unavailable', `${where} answered HTTP ${status}: ${excerpt(message)}`, { cause });
  return new MetricError('BadResponse', `${where} answered HTTP ${status}: ${excerpt(message)}`, { cause });
}

function unreadableAnswer(where: string, observed: ObservedAnswer, cause: object): MetricError {
  const status = observed.status ?? 0;
  const body = typeof observed.body === 'string' ? observed.body : JSON.stringify(observed.body ?? '');
  const answer = `HTTP ${status}: ${excerpt(body)}`;
  if (status === 401 || status === 403) return new MetricError('Unauthorized', `${where} answered ${answer}`, { cause });
  if (status >= 500 || status === 429) return new MetricError('Unavailable', `${where} answered ${answer}`, { cause });
  return new MetricError('BadResponse', `${where} gave an answer that is not Prometheus JSON: ${answer}`, { cause });
}

/* ───────────── answers ───────────── */

type Sample = [unknown, unknown];

/** Reads values from the raw JSON: prometheus-query's parseFloat turns "+Inf" and "-Inf" into NaN. */
function readAnswer(request: PrometheusRequest, body: unknown): MeasuredValue {
  const where = `metric "${request.metricName}": Prometheus at ${shownUrl(request.address)}`;
  const data = (body as { data?: { resultType?: unknown; result?: unknown } } | null)?.data;
  const result = data?.result;
  switch (data?.resultType) {
    case 'scalar': {
      const value = sampleValue(where, result);
      return { result: value, text: formatNumber(value) };
    }
    case 'string': {
      const [, text] = sampleOf(where, result);
      if (typeof text !== 'string') throw unreadable(where, 'string result without text');
      return { result: text, text };
    }
    case 'vector': {
      const values = seriesOf(where, result).map((series) => sampleValue(where, series['value']));
      return { result: values, text: formatList(values) };
    }
    case 'matrix': {
      const samples = seriesOf(where, result).map((series) => matrixValues(where, series['values']));
      return { result: samples.map((values) => values[values.length - 1]), text: `[${samples.map(formatList).join(',')}]` };
    }
    default:
      throw unreadable(where, `unknown resultType ${JSON.stringify(data?.resultType)}`);
  }
}

/** The values of every series of a vector or matrix answer (a scalar is one series of one value). */
function readSeries(request: PrometheusRequest, body: unknown): number[][] {
  const where = `metric "${request.metricName}": Prometheus at ${shownUrl(request.address)}`;
  const data = (body as { data?: { resultType?: unknown; result?: unknown } } | null)?.data;
  switch (data?.resultType) {
    case 'scalar':
      return [[sampleValue(where, data.result)]];
    case 'vector':
      return seriesOf(where, data.result).map((series) => [sampleValue(where, series['value'])]);
    case 'matrix':
      return seriesOf(where, data.result).map((series) => matrixValues(where, series['values']));
    default:
      throw unreadable(where, `a range query answered resultType ${JSON.stringify(data?.resultType)}, not a matrix`);
  }
}

function seriesOf(where: string, result: unknown): Array<Record<string, unknown>> {
  if (!Array.isArray(result)) throw unreadable(where, 'result is not a list of series');
  return result.map((series: unknown) => {
    if (typeof series !== 'object' || series === null) throw unreadable(where, 'a series is not an object');
    return series as Record<string, unknown>;
  });
}

function matrixValues(where: string, values: unknown): number[] {
  if (!Array.isArray(values) || values.length === 0) throw unreadable(where, 'a range series has no samples');
  return values.map((sample: unknown) => sampleValue(where, sample));
}

function sampleOf(where: string, sample: unknown): Sample {
  if (!Array.isArray(sample) || sample.length !== 2) throw unreadable(where, `sample ${JSON.stringify(sample)} is not [time, value]`);
  return sample as Sample;
}

/** Prometheus sends sample values as strings, with NaN, +Inf and -Inf spelled as Go prints them. */
function sampleValue(where: string, sample: unknown): number {
  const [, text] = sampleOf(where, sample);
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf' || text === 'Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  const value = typeof text === 'string' && text.trim() !== '' ? Number(text) : Number.NaN;
  if (Number.isNaN(value)) throw unreadable(where, `sample value ${JSON.stringify(text)} is not a number`);
  return value;
}

function unreadable(where: string, reason: string): MetricError {
  return new MetricError('BadResponse', `${where} gave an unreadable answer: ${reason}`);
}

function formatList(values: readonly number[]): string {
  return `[${values.map(formatNumber).join(',')}]`;
}

/** Prometheus' spelling, so status reads like the Prometheus UI: NaN, +Inf, -Inf. */
function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}
