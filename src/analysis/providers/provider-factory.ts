// Picks the provider for a metric from the one provider key it sets; one shared instance per provider type.
import type { Metric } from '../../resources/analysis.js';
import { TerminalError } from '../../errors.js';
import type { AnyMetricProvider } from '../metric-provider.js';
import { JudgeProvider } from '../judge/judge-provider.js';
import { JobProvider, type JobClient } from './job-provider.js';
import { PrometheusProvider } from './prometheus-provider.js';
import { WebProvider } from './web-provider.js';

export type ProviderFor = (metric: Metric) => AnyMetricProvider;

/** The providers of one controller; the job provider creates and deletes Jobs through `jobs`. */
export function createProviderFor(jobs: JobClient): ProviderFor {
  const providers: Readonly<Record<AnyMetricProvider['type'], AnyMetricProvider>> = {
    prometheus: new PrometheusProvider(),
    web: new WebProvider(),
    job: new JobProvider(jobs),
    judge: new JudgeProvider(),
  };
  return (metric) => pick(metric, providers);
}

/** The provider for `metric`; a metric with none, several, or an unknown one is a TerminalError naming it. */
function pick(metric: Metric, providers: Readonly<Record<string, AnyMetricProvider>>): AnyMetricProvider {
  const keys = Object.keys(metric.provider ?? {}).filter((key) => (metric.provider as Record<string, unknown>)[key] != null);
  const known = Object.keys(providers);
  if (keys.length === 0) {
    throw new TerminalError(`metric "${metric.name}" has no provider: set one of ${known.map((k) => `provider.${k}`).join(', ')}`);
  }
  if (keys.length > 1) {
    throw new TerminalError(`metric "${metric.name}" sets several providers (${keys.join(', ')}): set exactly one`);
  }
  const key = keys[0] as string;
  const provider = Object.hasOwn(providers, key) ? providers[key] : undefined;
  if (!provider) {
    throw new TerminalError(`metric "${metric.name}" has an unknown provider "${key}": supported are ${known.join(', ')}`);
  }
  return provider;
}
