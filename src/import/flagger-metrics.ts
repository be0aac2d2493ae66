// Flagger's analysis checks as Vane metrics: builtin request-success-rate / request-duration as the Prometheus queries
// Flagger's docs define per provider (docs/gitbook/faq.md "Metrics"), MetricTemplates, thresholds as CEL, webhooks
// as web metrics (docs/gitbook/usage/webhooks.md).
import type { Metric } from '../resources/analysis.js';

/** The argument carrying the canary's pod-template-hash, so a query measures the canary pods only. */
export const CANARY_HASH_ARG = 'canary-hash';

export interface FlaggerMetric {
  name?: string;
  interval?: string;
  threshold?: number;
  thresholdRange?: { min?: number; max?: number };
  templateRef?: { name?: string; namespace?: string };
  templateVariables?: Record<string, string>;
}

export interface FlaggerWebhook {
  name?: string;
  type?: string;
  url?: string;
  timeout?: string;
  metadata?: Record<string, string>;
  retries?: number;
  disableTLS?: boolean;
}

export interface MetricTemplateSpec {
  provider?: { type?: string; address?: string; secretRef?: unknown; insecureSkipVerify?: boolean };
  query?: string;
}

/** What a query's `{{ ... }}` variables stand for (Flagger docs metrics.md, "Custom metrics"). */
export interface QueryContext {
  provider: string;
  rollout: string;
  namespace: string;
  target: string;
  service: string;
  canaryService: string;
  ingress?: string;
  prometheusAddress: string;
}

export interface MetricConversion {
  metric?: Metric;
  changes: string[];
  problems: string[];
  /** Whether the query reads the canary's pod-template-hash argument. */
  needsHash?: boolean;
}

/** Flagger's default metric window (canary.go GetMetricInterval). */
const DEFAULT_METRIC_INTERVAL = '1m';

/**
 * The builtin queries, for the providers whose routing Vane has. Where Flagger selects the canary by its Deployment
 * (`{{ target }}`), Vane has no canary Deployment: the query selects the canary Service's traffic or the canary
 * pods by their pod-template-hash instead.
 */
function builtinQuery(name: string, context: QueryContext, window: string): { query: string; selects: string; needsHash: boolean } | undefined {
  const ns = context.namespace;
  const hashPods = `${context.rollout}-{{args.${CANARY_HASH_ARG}}}-.*`;
  switch (providerFamily(context.provider)) {
    case 'istio': {
      const labels = `reporter="destination", destination_service_namespace="${ns}", destination_service_name="${context.canaryService}"`;
      const selects = `the canary Service's traffic (destination_service_name="${context.canaryService}") instead of Flagger's destination_workload=~"${context.target}"`;
      if (name === 'request-success-rate') {
        return { query: ratio('istio_requests_total', labels, 'response_code!~"5.*"', window), selects, needsHash: false };
      }
      return { query: quantile('istio_request_duration_milliseconds_bucket', labels, window, ''), selects, needsHash: false };
    }
    case 'smi': {
      const labels = `namespace="${ns}", pod=~"${hashPods}", direction="inbound"`;
      const selects = `the canary pods (pod=~"${hashPods}") instead of Flagger's deployment=~"${context.target}"`;
      if (name === 'request-success-rate') return { query: ratio('response_total', labels, 'classification!="failure"', window), selects, needsHash: true };
      return { query: quantile('response_latency_ms_bucket', labels, window, ''), selects, needsHash: true };
    }
    case 'nginx': {
      const labels = `namespace="${ns}", ingress="${context.ingress ?? context.service}", canary!=""`;
      const selects = 'the canary Ingress\'s requests (canary!=""), as Flagger does';
      if (name === 'request-success-rate') return { query: ratio('nginx_ingress_controller_requests', labels, 'status!~"5.*"', window), selects, needsHash: false };
      const sum = (metric: string): string => `sum(rate(${metric}{${labels}}[${window}]))`;
      return { query: `${sum('nginx_ingress_controller_response_duration_seconds_sum')} / ${sum('nginx_ingress_controller_response_duration_seconds_count')} * 1000`, selects, needsHash: false };
    }
    case 'http': {
      const labels = `kubernetes_namespace="${ns}", kubernetes_pod_name=~"${hashPods}"`;
      const selects = `the canary pods (kubernetes_pod_name=~"${hashPods}") instead of Flagger's "${context.target}-..." pods`;
      if (name === 'request-success-rate') return { query: ratio('http_request_duration_seconds_count', labels, 'status!~"5.*"', window), selects, needsHash: true };
      return { query: quantile('http_request_duration_seconds_bucket', labels, window, ' * 1000'), selects, needsHash: true };
    }
    default:
      return undefined;
  }
}

/** Which of Flagger's builtin query sets a provider uses (Flagger's metrics observer factory). */
function providerFamily(provider: string): string {
  if (provider === 'istio') return 'istio';
  if (provider === 'linkerd' || provider === 'osm' || provider.startsWith('smi')) return 'smi';
  if (provider === 'nginx') return 'nginx';
  if (provider === 'kubernetes' || provider.startsWith('gatewayapi')) return 'http';
  return provider;
}

/** Percentage of requests without `good` failing, over `window`, as Flagger's request-success-rate. */
function ratio(metric: string, labels: string, good: string, window: string): string {
  return `sum(rate(${metric}{${labels}, ${good}}[${window}])) / sum(rate(${metric}{${labels}}[${window}])) * 100`;
}

/** P99 in milliseconds, as Flagger's request-duration. */
function quantile(metric: string, labels: string, window: string, scale: string): string {
  return `histogram_quantile(0.99, sum(rate(${metric}{${labels}}[${window}])) by (le))${scale}`;
}

/**
 * `thresholdRange` (or the legacy `threshold`: a minimum for request-success-rate, else a maximum) as a CEL
 * success condition. An empty answer fails, as Flagger fails a check that finds no values.
 */
export function thresholdCondition(metric: FlaggerMetric): string | undefined {
  let { min, max } = metric.thresholdRange ?? {};
  if (min === undefined && max === undefined && typeof metric.threshold === 'number') {
    if (metric.name === 'request-success-rate') min = metric.threshold;
    else max = metric.threshold;
  }
  const parts = ['size(result) > 0'];
  if (typeof min === 'number') parts.push(`result[0] >= ${celNumber(min)}`);
  if (typeof max === 'number') parts.push(`result[0] <= ${celNumber(max)}`);
  return parts.length === 1 ? undefined : parts.join(' && ');
}

function celNumber(n: number): string {
  return Number.isInteger(n) ? `${n}.0` : String(n);
}

/** One Flagger metric as a Vane metric measured every `interval` with `failureLimit` failures tolerated. */
export function convertMetric(
  metric: FlaggerMetric,
  path: string,
  context: QueryContext,
  templates: ReadonlyMap<string, MetricTemplateSpec>,
  schedule: { interval: string; failureLimit: number; count?: number },
): MetricConversion {
  const name = metric.name ?? '';
  const window = metric.interval ?? DEFAULT_METRIC_INTERVAL;
  const changes: string[] = [];
  const condition = thresholdCondition(metric);
  if (condition === undefined) changes.push(`${path}: has no threshold: Vane counts every answer as a success, as Flagger does`);
  let query: string;
  let address = context.prometheusAddress;
  let needsHash = false;
  if (metric.templateRef !== undefined) {
    const ref = `${metric.templateRef.namespace ?? context.namespace}/${metric.templateRef.name ?? ''}`;
    const template = templates.get(ref);
    if (template === undefined) return { changes, problems: [`${path}.templateRef: MetricTemplate ${ref} is not in the input`] };
    const type = template.provider?.type ?? 'prometheus';
    if (type !== 'prometheus') return { changes, problems: [`${path}.templateRef: MetricTemplate ${ref} uses provider ${type}; Vane measures prometheus and web`] };
    const problems: string[] = [];
    if (template.provider?.secretRef !== undefined) problems.push(`${path}.templateRef: the secretRef of MetricTemplate ${ref} (Prometheus credentials)`);
    if (template.provider?.insecureSkipVerify === true) problems.push(`${path}.templateRef: insecureSkipVerify of MetricTemplate ${ref}`);
    if (problems.length > 0) return { changes, problems };
    const rendered = renderTemplateQuery(template.query ?? '', context, window, metric.templateVariables ?? {});
    if (rendered.unknown.length > 0) return { changes, problems: [`${path}.templateRef: MetricTemplate ${ref} uses ${rendered.unknown.join(', ')}, which import cannot fill in`] };
    query = rendered.query;
    address = template.provider?.address ?? address;
    if (/\{\{\s*target\s*\}\}/.test(template.query ?? '')) {
      changes.push(`${path}: the query of MetricTemplate ${ref} selects {{ target }} = "${context.target}": in Vane the stable and canary pods share that name, so it measures both`);
    }
  } else {
    const builtin = name === 'request-success-rate' || name === 'request-duration' ? builtinQuery(name, context, window) : undefined;
    if (builtin === undefined) {
      const why = name === 'request-success-rate' || name === 'request-duration' ? `Flagger's builtin query for provider ${context.provider} has no Vane router to go with it` : 'a metric without templateRef must be request-success-rate or request-duration';
      return { changes, problems: [`${path}: ${why}`] };
    }
    query = builtin.query;
    needsHash = builtin.needsHash;
    changes.push(`${path}: Flagger's builtin ${name} query now selects ${builtin.selects}, on Prometheus at ${address}`);
  }
  const converted: Metric = {
    name: metricName(name),
    interval: schedule.interval,
    failureLimit: schedule.failureLimit,
    ...(schedule.count === undefined ? {} : { count: schedule.count }),
    ...(condition === undefined ? {} : { successCondition: condition }),
    provider: { prometheus: { address, query } },
  };
  return { metric: converted, changes, problems: [], needsHash };
}

/** Fills in Flagger's query variables; names the ones it could not. */
function renderTemplateQuery(query: string, context: QueryContext, window: string, variables: Record<string, string>): { query: string; unknown: string[] } {
  const values: Record<string, string | undefined> = {
    name: context.rollout,
    namespace: context.namespace,
    target: context.target,
    service: context.service,
    ingress: context.ingress,
    interval: window,
  };
  const unknown: string[] = [];
  const rendered = query.replace(/\{\{\s*([A-Za-z_][\w.]*)\s*\}\}/g, (whole, key: string) => {
    const value = key.startsWith('variables.') ? variables[key.slice('variables.'.length)] : values[key];
    if (value === undefined) unknown.push(whole);
    return value ?? whole;
  });
  return { query: rendered.trim(), unknown };
}

/** A Vane metric name from a Flagger one ("load test" -> "load-test"). */
export function metricName(name: string): string {
  const cleaned = name.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '');
  return cleaned === '' ? 'metric' : cleaned;
}

/**
 * A webhook as a web metric: a POST of Flagger's payload, passing on a 2xx JSON answer. Flagger only looks at the
 * status code, so the change is reported.
 */
export function webhookMetric(hook: FlaggerWebhook, path: string, context: QueryContext, schedule: { interval?: string; failureLimit: number }): MetricConversion {
  if (hook.url === undefined) return { changes: [], problems: [`${path}.url: a webhook needs a url`] };
  const problems: string[] = [];
  if (hook.disableTLS === true) problems.push(`${path}.disableTLS: Vane's web metric always verifies TLS`);
  if (hook.retries !== undefined) problems.push(`${path}.retries: Vane's web metric does not retry within one measurement`);
  const payload = { name: context.rollout, namespace: context.namespace, phase: 'Progressing', metadata: hook.metadata ?? {} };
  const metric: Metric = {
    name: metricName(hook.name ?? 'webhook'),
    ...(schedule.interval === undefined ? {} : { interval: schedule.interval }),
    failureLimit: schedule.failureLimit,
    provider: {
      web: {
        url: hook.url,
        method: 'POST',
        body: JSON.stringify(payload),
        ...(hook.timeout === undefined ? {} : { timeout: hook.timeout }),
      },
    },
  };
  const changes = [
    `${path}: webhook ${JSON.stringify(hook.name ?? '')} is a web metric: a non-2xx answer or one whose body is not JSON counts as a measurement error (Flagger only reads the status code), and the payload has no checksum`,
  ];
  return { metric, changes, problems };
}
