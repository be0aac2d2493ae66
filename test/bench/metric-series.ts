// Benchmark: what the per-Rollout Prometheus series cost in one registry holding N Rollouts (the Scale issue's 10,000):
// series per Rollout and heap bytes per Rollout, each Rollout delivered as an informer's add would deliver it.
// Not part of `npm run bench`: `node --expose-gc --import tsx test/bench/metric-series.ts [N]`.
import { pathToFileURL } from 'node:url';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { InformerHandler, SupervisedInformer } from '../../src/kube/supervised-informer.js';
import type { Rollout, RolloutPhase } from '../../src/resources/rollout.js';
import { VaneMetrics } from '../../src/server/metrics.js';
import type { Figure, Section } from './bench-table.js';

type RolloutObject = Rollout & KubeObject;

const PHASES: readonly RolloutPhase[] = ['Healthy', 'Healthy', 'Healthy', 'Progressing', 'Paused', 'Degraded'];

/** A Rollout at rest or mid-release, with the status fields the gauges read. */
function rollout(i: number): RolloutObject {
  const phase = PHASES[i % PHASES.length] ?? 'Healthy';
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { namespace: `ns-${i % 20}`, name: `r-${i}` },
    spec: { selector: {}, strategy: { canary: {} } },
    status: { phase, currentStepIndex: phase === 'Healthy' ? 4 : 1, canary: { weights: { canary: phase === 'Healthy' ? 0 : 25, stable: phase === 'Healthy' ? 100 : 75 } } },
  };
}

function usedHeap(gc: () => void): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

/** Series and heap per Rollout in a registry tracking `count` Rollouts, each added once and then updated once. */
export function metricSeriesFigures(count: number): Figure[] {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run node with --expose-gc');
  const rollouts = Array.from({ length: count }, (_, i) => rollout(i));
  const handlers: Array<InformerHandler<RolloutObject>> = [];
  const informer = { addHandler: (h: InformerHandler<RolloutObject>) => handlers.push(h) } as unknown as SupervisedInformer<RolloutObject>;
  const metrics = new VaneMetrics({ defaultMetrics: false });
  metrics.trackRollouts(informer);
  const emptyRegistry = usedHeap(gc);
  for (const ro of rollouts) for (const h of handlers) h({ type: 'add', key: `${ro.metadata.namespace}/${ro.metadata.name}`, object: ro });
  // A phase change on every sixth Rollout, as a release starting would make.
  for (const [i, ro] of rollouts.entries()) {
    if (i % 6 !== 0) continue;
    const next = { ...ro, status: { ...ro.status, phase: 'Progressing' as const } };
    for (const h of handlers) h({ type: 'update', key: `${ro.metadata.namespace}/${ro.metadata.name}`, object: next, oldObject: ro });
  }
  const after = usedHeap(gc);
  const series = metrics.registry.getMetricsAsArray().reduce((sum, m) => sum + Object.keys((m as unknown as { hashMap: object }).hashMap ?? {}).length, 0);
  const note = `${count.toLocaleString('en')} Rollouts in 20 namespaces, half Healthy; a series is a label set (a histogram's counts once); heap after gc, registry without default metrics`;
  return [
    { figure: 'metric series per Rollout', value: Math.round((series / count) * 100) / 100, unit: 'series', note },
    { figure: 'metric heap per Rollout', value: Math.round((after - emptyRegistry) / count), unit: 'bytes', note },
    { figure: `metric heap, ${count.toLocaleString('en')} Rollouts`, value: Math.round(((after - emptyRegistry) / 2 ** 20) * 10) / 10, unit: 'MiB', note },
  ];
}

export function runMetricSeriesBench(count = 10_000): Section {
  return { benchmark: 'per-Rollout metric series', figures: metricSeriesFigures(count) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(`${JSON.stringify(runMetricSeriesBench(Number(process.argv[2] ?? 10_000)), null, 2)}\n`);
}
