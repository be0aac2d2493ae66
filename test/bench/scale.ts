// Benchmark 1, scale: N one-replica canaries (no traffic router) are Healthy; then the image of every one changes at
// once, and the run is timed until all of them are Healthy on the new image. Reports reconcile rate, event→effect
// latency, API requests per rollout against the minimum, and the controller's memory, CPU and descriptors.
import type { CanaryStep } from '../../src/resources/rollout.js';
import type { StatsSnapshot } from '../../src/sandbox/request-stats.js';
import { forEachConcurrently, setImage, settledHealthy, type SandboxBenchCluster } from './bench-cluster.js';
import type { Figure, Section } from './bench-table.js';
import type { BenchController } from './controller-process.js';
import { eventEffectLatencies } from './event-effect-latency.js';
import type { Floor } from './floor.js';
import { percentile, round, sampleProcess } from './proc-sampling.js';

const PAUSE_MS = 1000;
export const SCALE_STEPS: CanaryStep[] = [{ setWeight: 25 }, { pause: { duration: '1s' } }, { setWeight: 50 }, { pause: { duration: '1s' } }];

/**
 * The fewest API requests a perfect controller needs to take one Rollout through SCALE_STEPS after an image change,
 * with 1 replica and no router. Weights are then replica ratios: ceil(1 × 25%) = 1 canary pod, and 50% changes no
 * pod count; stable keeps its pod until the release is promoted (as in Argo Rollouts). Watches and the initial lists
 * are shared by all Rollouts (→ 0 per Rollout), reads come from the informer cache. What must be written:
 *   1. create the canary ReplicaSet with 1 replica;
 *   2. scale the stable ReplicaSet to 0 once promoted;
 *   3. status once the canary is available: at step 1, pause started (its start must survive a restart);
 *   4. status when the pause is over: setWeight 50 needs no pod change, so the same write is already at step 3 with
 *      the second pause started;
 *   5. status once the old ReplicaSet is at 0: promoted, Healthy, stableRS = the new hash.
 * Kubernetes Events help people but are not needed, so the minimum counts none.
 */
export const MINIMUM_REQUESTS_PER_ROLLOUT = 5;

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

function requestsBy(stats: StatsSnapshot, user: string): { total: number; writes: number; events: number; byKind: Record<string, number> } {
  const mine = stats.entries.filter((e) => e.user === user);
  const byKind: Record<string, number> = {};
  for (const e of mine) {
    const key = `${e.verb} ${e.resource}${e.subresource ? `/${e.subresource}` : ''}`;
    byKind[key] = (byKind[key] ?? 0) + e.count;
  }
  const count = (keep: (e: (typeof mine)[number]) => boolean): number => mine.filter(keep).reduce((sum, e) => sum + e.count, 0);
  return { total: count(() => true), writes: count((e) => WRITE_VERBS.has(e.verb)), events: count((e) => e.resource === 'events'), byKind };
}

function latencyFigures(label: string, samples: number[], floor: Floor, target?: string): Figure[] {
  const p50 = round(percentile(samples, 50));
  const p99 = round(percentile(samples, 99));
  const ratio = (ms: number): string => `${round(ms / floor.p99Ms)}× floor p99, ${round(ms / floor.p50Ms)}× floor p50`;
  return [
    { figure: `event→effect p50, ${label} (${samples.length} samples)`, value: p50, unit: 'ms', note: ratio(p50) },
    { figure: `event→effect p99, ${label}`, value: p99, unit: 'ms', note: ratio(p99), ...(target ? { target } : {}) },
  ];
}

/** The figures, and whether every Rollout got Healthy in time (if not, the figures are as they stood then). */
export interface ScaleOutcome {
  section: Section;
  completed: boolean;
}

export async function runScaleBench(cluster: SandboxBenchCluster, controller: BenchController, names: readonly string[], floor: Floor, timeoutSeconds?: number): Promise<ScaleOutcome> {
  const n = names.length;
  const atStart = controller.sample();
  const sandboxAtStart = sampleProcess(cluster.sandboxPid).cpuSeconds;
  await cluster.takeWrites();
  await cluster.resetStats();
  cluster.recordChanges(true);
  const before = await controller.metrics();
  const startedAt = Date.now();
  await forEachConcurrently(names, 16, (name) => setImage(cluster.client, name, 'img:2'));
  const patchedMs = Date.now() - startedAt;
  const done = (name: string): boolean => {
    const state = cluster.rollouts.get(name);
    return settledHealthy(state) && (state?.generation ?? 0) >= 2;
  };
  const timeoutMs = timeoutSeconds !== undefined ? timeoutSeconds * 1000 : 60_000 + n * 60;
  const completed = await cluster.waitUntil(`${n} Rollouts Healthy on the new image`, () => names.every(done), timeoutMs).then(
    () => true,
    () => false,
  );
  const healthyMs = Date.now() - startedAt;
  const healthy = names.filter(done).length;
  const after = await controller.metrics();
  const cpuDuring = controller.sample().cpuSeconds - atStart.cpuSeconds;
  const sandboxCpu = sampleProcess(cluster.sandboxPid).cpuSeconds - sandboxAtStart;
  const changes = cluster.takeChanges();
  cluster.recordChanges(false);
  const requests = requestsBy(await cluster.stats(), cluster.adminUser);
  await cluster.takeWrites();
  // Let connections opened for the burst close or return to the pool before counting descriptors at the end.
  await new Promise((r) => setTimeout(r, 2_000));
  const atEnd = controller.sample();

  const latency = eventEffectLatencies(changes, PAUSE_MS);
  const all = [...latency.specChange, ...latency.canaryReady];
  const reconciles = after.reconciles - before.reconciles;
  const big = n >= 5_000;
  const perRollout = Object.entries(requests.byKind).map(([k, c]) => [k, round(c / Math.max(1, healthy), 2)] as const);
  const topKinds = perRollout.filter(([, c]) => c > 0).sort((a, b) => b[1] - a[1]).map(([k, c]) => `${k} ${c}`).join(', ');
  const section: Section = {
    benchmark: `scale N=${n}`,
    figures: [
      { figure: 'image patch sent to all (16 in flight)', value: round(patchedMs / 1000, 2), unit: 's' },
      completed
        ? { figure: 'image change → all Healthy again', value: round(healthyMs / 1000, 2), unit: 's', note: 'floor: 2 × 1 s pause + ready delays' }
        : { figure: 'image change → all Healthy again', value: `not reached in ${round(healthyMs / 1000)} s: ${healthy} of ${n} Healthy; the figures below are as they stood then` },
      { figure: 'reconciles per second', value: round(reconciles / (healthyMs / 1000)), note: `${round(reconciles / n, 1)} passes per rollout` },
      ...latencyFigures('spec change → first write', latency.specChange, floor),
      ...latencyFigures('canary ready → next write', latency.canaryReady, floor),
      ...latencyFigures('both triggers', all, floor),
      { figure: 'timed pause: next step written late by, p50', value: round(percentile(latency.pauseOvershoot, 50)), unit: 'ms' },
      { figure: 'timed pause: next step written late by, p99', value: round(percentile(latency.pauseOvershoot, 99)), unit: 'ms', note: 'a write whose only news is a wait for pods may be held ≤ 2 s (ADR 0019)' },
      { figure: 'timed pause: acted on (first write after it) late by, p50', value: round(percentile(latency.pauseActedOvershoot, 50)), unit: 'ms' },
      { figure: 'timed pause: acted on (first write after it) late by, p99', value: round(percentile(latency.pauseActedOvershoot, 99)), unit: 'ms', target: '< 1 s (#19)' },
      { figure: 'triggers without an answer', value: latency.unanswered },
      { figure: 'API requests per completed rollout (controller)', value: round(requests.total / Math.max(1, healthy), 2), note: `minimum ${MINIMUM_REQUESTS_PER_ROLLOUT}; ${topKinds}` },
      { figure: 'API writes per completed rollout', value: round(requests.writes / Math.max(1, healthy), 2), note: `of which Events ${round(requests.events / Math.max(1, healthy), 2)}` },
      { figure: 'controller peak RSS (VmHWM)', value: atEnd.peakRssMiB, unit: 'MiB', ...(big ? { target: '< 400 MiB' } : {}) },
      { figure: 'controller CPU during the update', value: round(cpuDuring, 2), unit: 's', note: `${round((cpuDuring / (healthyMs / 1000)) * 100)}% of a core` },
      { figure: 'controller CPU per completed rollout / per reconcile pass', value: `${round((cpuDuring * 1000) / Math.max(1, healthy), 1)} / ${round((cpuDuring * 1000) / Math.max(1, reconciles), 2)}`, unit: 'ms' },
      { figure: 'sandbox API server CPU during the update', value: round(sandboxCpu, 2), unit: 's', note: `${round((sandboxCpu / (healthyMs / 1000)) * 100)}% of a core` },
      { figure: 'controller CPU since spawn', value: round(atEnd.cpuSeconds, 2), unit: 's' },
      { figure: 'open fds, start → end', value: `${atStart.fds} → ${atEnd.fds}`, target: 'not growing' },
      { figure: 'open sockets, start → end', value: `${atStart.sockets} → ${atEnd.sockets}`, target: 'not growing' },
    ],
  };
  return { section, completed };
}
