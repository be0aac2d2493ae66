// Benchmark 1b, event→effect with N Rollouts at rest: a few of them get a new image, spaced apart so the controller is
// never busy with more than a handful, and event→effect is measured as in the scale run (see event-effect-latency.ts).
// This is the reaction time one Rollout sees in a controller that manages N; the burst in scale.ts instead shows
// how a controller drains N changes that arrive at once, where queueing dominates. `floor` is the floor measured on the
// same API server.
import { onServer, setImage, settledHealthy, type BenchCluster } from './bench-cluster.js';
import type { Section } from './bench-table.js';
import { eventEffectLatencies } from './event-effect-latency.js';
import type { Floor } from './floor.js';
import { percentile, round } from './proc-sampling.js';

const PAUSE_MS = 1000;

export async function runSparseUpdates(cluster: BenchCluster, names: readonly string[], count: number, spacingMs: number, image: string, floor: Floor): Promise<Section> {
  const chosen = Array.from({ length: Math.min(count, names.length) }, (_, i) => names[Math.floor((i * names.length) / count)] as string);
  const generationBefore = new Map(chosen.map((n) => [n, cluster.rollouts.get(n)?.generation ?? 0]));
  cluster.recordChanges(true);
  for (const name of chosen) {
    await setImage(cluster.client, name, image);
    await new Promise((r) => setTimeout(r, spacingMs));
  }
  const done = (name: string): boolean => settledHealthy(cluster.rollouts.get(name)) && (cluster.rollouts.get(name)?.generation ?? 0) > (generationBefore.get(name) ?? 0);
  await cluster.waitUntil(`${chosen.length} updated Rollouts Healthy`, () => chosen.every(done), 60_000);
  const latency = eventEffectLatencies(cluster.takeChanges(), PAUSE_MS);
  cluster.recordChanges(false);
  const all = [...latency.specChange, ...latency.canaryReady];
  const ratio = (ms: number, of: number): string => `${round(ms / of)}×`;
  const p50 = round(percentile(all, 50));
  const p99 = round(percentile(all, 99));
  return {
    benchmark: onServer(`sparse updates N=${names.length}`, cluster),
    figures: [
      { figure: `event→effect p50, ${chosen.length} Rollouts updated ${spacingMs} ms apart (${all.length} samples, both triggers)`, value: p50, unit: 'ms', note: `${ratio(p50, floor.p50Ms)} floor p50` },
      { figure: 'event→effect p99, same', value: p99, unit: 'ms', note: `${ratio(p99, floor.p99Ms)} floor p99, ${ratio(p99, floor.p50Ms)} floor p50`, ...(names.length >= 5_000 ? { target: '≤ 3× floor PATCH round trip' } : {}) },
      { figure: 'timed pause: next step written late by, p99', value: round(percentile(latency.pauseOvershoot, 99)), unit: 'ms' },
    ],
  };
}
