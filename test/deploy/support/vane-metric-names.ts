// The series names PromQL may use against Vane: what VaneMetrics exports (with histogram and counter suffixes) and
// what deploy/prometheus/vane-rules.yaml records; and the vane series an expression names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { VaneMetrics } from '../../../src/server/metrics.js';

export const PROMETHEUS_DIR = join(import.meta.dirname, '..', '..', '..', 'deploy', 'prometheus');
export const RULES_FILE = join(PROMETHEUS_DIR, 'vane-rules.yaml');

export interface RuleFile {
  groups: Array<{ name: string; interval?: string; rules: Array<{ record?: string; alert?: string; expr: string; labels?: Record<string, string>; annotations?: Record<string, string> }> }>;
}

export function readRules(): RuleFile {
  return yaml.load(readFileSync(RULES_FILE, 'utf8')) as RuleFile;
}

/** Every series name Vane's /metrics exposes: histograms as _bucket/_sum/_count, counters with their _total. */
export function exportedSeries(): Set<string> {
  const names = new Set<string>();
  for (const metric of new VaneMetrics({ defaultMetrics: false }).registry.getMetricsAsArray()) {
    const type = (metric as unknown as { type: string }).type;
    if (type === 'histogram') for (const suffix of ['_bucket', '_sum', '_count']) names.add(`${metric.name}${suffix}`);
    else names.add(metric.name);
  }
  return names;
}

export function recordedSeries(): Set<string> {
  return new Set(readRules().groups.flatMap((g) => g.rules.flatMap((r) => (r.record ? [r.record] : []))));
}

/** The vane series an expression names (quoted label values left out). */
export function vaneSeriesIn(expr: string): string[] {
  const unquoted = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...new Set(unquoted.match(/\bvane[_:][A-Za-z0-9_:]*/g) ?? [])];
}
