// Benchmark 3, idle: CPU the controller uses while N Rollouts are at rest (no polling expected), as % of one core, and
// the API requests it makes meanwhile.
//
// Two windows back to back: the first starts 5 s after the startup burst and so also holds V8's one garbage
// collection after it (the memory reducer's full collection, some 30 s after allocation stops, which gives the
// burst's heap back: at N=10,000 about 0.8 CPU s, mostly on V8's helper threads, and ~110 MiB of RSS); the second is
// the controller at rest for good. The busiest 5 s of the first window are shown so that collection can be seen.
import type { SandboxBenchCluster } from './bench-cluster.js';
import type { Section } from './bench-table.js';
import type { BenchController } from './controller-process.js';
import { round, type ProcSample } from './proc-sampling.js';

const SLICE_MS = 5_000;

interface Window {
  cpuPercent: number;
  cpuSeconds: number;
  busiest: { cpuSeconds: number; rssBefore: number; rssAfter: number };
}

/** Samples the controller every 5 s for `seconds`; the CPU over the whole window and in its busiest slice. */
async function measureWindow(controller: BenchController, seconds: number): Promise<Window> {
  const samples: ProcSample[] = [controller.sample()];
  const startedAt = performance.now();
  const endAt = startedAt + seconds * 1000;
  for (let next = startedAt + SLICE_MS; ; next += SLICE_MS) {
    const until = Math.min(next, endAt);
    await new Promise((r) => setTimeout(r, Math.max(0, until - performance.now())));
    samples.push(controller.sample());
    if (until >= endAt) break;
  }
  const elapsedS = (performance.now() - startedAt) / 1000;
  const first = samples[0] as ProcSample;
  const last = samples[samples.length - 1] as ProcSample;
  const cpuSeconds = last.cpuSeconds - first.cpuSeconds;
  let busiest = { cpuSeconds: 0, rssBefore: first.rssMiB, rssAfter: first.rssMiB };
  for (let i = 1; i < samples.length; i++) {
    const [a, b] = [samples[i - 1] as ProcSample, samples[i] as ProcSample];
    if (b.cpuSeconds - a.cpuSeconds > busiest.cpuSeconds) busiest = { cpuSeconds: b.cpuSeconds - a.cpuSeconds, rssBefore: a.rssMiB, rssAfter: b.rssMiB };
  }
  return { cpuPercent: round((cpuSeconds / elapsedS) * 100, 2), cpuSeconds, busiest };
}

export async function runIdleBench(cluster: SandboxBenchCluster, controller: BenchController, n: number, seconds: number): Promise<Section> {
  // A moment for the startup burst to finish.
  await controller.waitQuiet(1_000, 60_000);
  await new Promise((r) => setTimeout(r, 5_000));
  await cluster.resetStats();
  const first = await measureWindow(controller, seconds);
  const second = await measureWindow(controller, seconds);
  const after = controller.sample();
  const stats = await cluster.stats();
  const requests = stats.entries.filter((e) => e.user === cluster.adminUser).reduce((s, e) => s + e.count, 0);
  const target = '≤ 0.3% of a core (#19)';
  return {
    benchmark: `idle N=${n}`,
    figures: [
      { figure: `controller CPU over ${seconds} s at rest`, value: first.cpuPercent, unit: '% of a core', note: `${round(first.cpuSeconds, 2)} CPU s, from 5 s after the startup burst; /proc ticks are 10 ms`, target },
      {
        figure: `busiest 5 s of those ${seconds} s`,
        value: round(first.busiest.cpuSeconds, 2),
        unit: 'CPU s',
        note: `RSS ${first.busiest.rssBefore} → ${first.busiest.rssAfter} MiB across it (a drop is V8's collection after the burst)`,
      },
      { figure: `controller CPU over the next ${seconds} s at rest`, value: second.cpuPercent, unit: '% of a core', note: `${round(second.cpuSeconds, 2)} CPU s`, target },
      { figure: `API requests by the controller at rest (${2 * seconds} s)`, value: requests },
      { figure: 'RSS / open fds / sockets at rest', value: `${after.rssMiB} MiB / ${after.fds} / ${after.sockets}` },
    ],
  };
}
