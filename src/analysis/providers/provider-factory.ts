// Picks the MetricProvider for a metric from the one provider key it sets; one shared instance per provider type.
import type { Metric } from '../../resources/analysis.js';
import { TerminalError } from '../../errors.js';
import type { MetricProvider } from '../metric-provider.js';
import { PrometheusProvider } from './prometheus-provider.js';
import { WebProvider } from './web-provider.js';

const PROVIDERS: Readonly<Record<MetricProvider['type'], MetricProvider>> = {
  prometheus: new PrometheusProvider(),
  web: new WebProvider(),
};

/** The provider for `metric`; a metric with none, several, or an unknown one is a TerminalError naming it. */
export function providerFor(metric: Metric): MetricProvider {
  const keys = Object.keys(metric.provider ?? {}).filter((key) => (metric.provider as Record<string, unknown>)[key] != null);
  const known = Object.keys(PROVIDERS);
  if (keys.length === 0) {
    throw new TerminalError(`metric "${metric.name}" has no provider: set one of ${known.map((k) => `provider.${k}`).join(', ')}`);
  }
  if (keys.length > 1) {
    throw new TerminalError(`metric "${metric.name}" sets several providers (${keys.join(', ')}): set exactly one`);
  }
  const key = keys[0] as string;
  const provider = Object.hasOwn(PROVIDERS, key) ? PROVIDERS[key as MetricProvider['type']] : undefined;
  if (!provider) {
    throw new TerminalError(`metric "${metric.name}" has an unknown provider "${key}": supported are ${known.join(', ')}`);
  }
  return provider;
}
