// Benchmark 3, idle: CPU the controller uses while N Rollouts are at rest (no polling expected), as % of one core, and
// the API requests it makes meanwhile.
import type { SandboxBenchCluster } from './bench-cluster.js';
import type { Section } from './bench-table.js';
import type { BenchController } from './controller-process.js';
import { round } from './proc-sampling.js';

export async function runIdleBench(cluster: SandboxBenchCluster, controller: BenchController, n: number, seconds: number): Promise<Section> {
  // A moment for the startup burst (and its garbage collection) to finish.
  await controller.waitQuiet(1_000, 60_000);
  await new Promise((r) => setTimeout(r, 5_000));
  await cluster.resetStats();
  const before = controller.sample();
  const startedAt = performance.now();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elapsedS = (performance.now() - startedAt) / 1000;
  const after = controller.sample();
  const stats = await cluster.stats();
  const requests = stats.entries.filter((e) => e.user === cluster.adminUser).reduce((s, e) => s + e.count, 0);
  const cpu = after.cpuSeconds - before.cpuSeconds;
  return {
    benchmark: `idle N=${n}`,
    figures: [
      { figure: `controller CPU over ${seconds} s at rest`, value: round((cpu / elapsedS) * 100, 2), unit: '% of a core', note: `${round(cpu, 2)} CPU s; /proc ticks are 10 ms`, target: '< 1% of a core' },
      { figure: 'API requests by the controller at rest', value: requests },
      { figure: 'RSS / open fds / sockets at rest', value: `${after.rssMiB} MiB / ${after.fds} / ${after.sockets}` },
    ],
  };
}
