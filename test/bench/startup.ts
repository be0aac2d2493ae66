// Benchmark 2, startup: a fresh controller process against N Healthy Rollouts that exist already; timed from spawn
// until it has listed, cached and reconciled all of them (its reconcile counter reached N with an empty work queue).
import type { SandboxBenchCluster } from './bench-cluster.js';
import type { Section } from './bench-table.js';
import { spawnController, usesCompiledController, type BenchController } from './controller-process.js';
import { round } from './proc-sampling.js';

/** /metrics renders a few series per Rollout, so it is polled no faster than this (the figure's resolution). */
const METRICS_POLL_MS = 100;

async function sleep(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
}

async function until(what: string, check: () => Promise<boolean>, pollMs: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(pollMs);
  }
}

/** Returns the running fresh controller with the figures; the caller stops it (the idle benchmark reuses it). */
export async function runStartupBench(cluster: SandboxBenchCluster, n: number): Promise<{ section: Section; controller: BenchController }> {
  await cluster.resetStats();
  const controller = await spawnController(cluster.kubeconfigPath);
  const timeout = 60_000 + n * 20;
  try {
    await until('the controller to be ready', () => controller.ready(), 20, timeout);
    const readyMs = Date.now() - controller.spawnedAt;
    await until(`${n} reconciles with an empty queue`, async () => {
      const m = await controller.metrics();
      return m.reconciles >= n && m.queueDepth === 0;
    }, METRICS_POLL_MS, timeout);
    const reconciledMs = Date.now() - controller.spawnedAt;
    const stats = await cluster.stats();
    const mine = stats.entries.filter((e) => e.user === cluster.adminUser);
    const writes = mine.filter((e) => !['get', 'list', 'watch'].includes(e.verb)).reduce((s, e) => s + e.count, 0);
    const reads = mine.reduce((s, e) => s + e.count, 0) - writes;
    const sample = controller.sample();
    return {
      controller,
      section: {
        benchmark: `startup N=${n}`,
        figures: [
          { figure: 'spawn → /readyz 200 (caches synced)', value: round(readyMs / 1000, 2), unit: 's', note: usesCompiledController() ? 'compiled JavaScript' : 'tsx from src/, includes transpiling' },
          { figure: `spawn → all ${n} reconciled`, value: round(reconciledMs / 1000, 2), unit: 's', note: `/metrics polled every ${METRICS_POLL_MS} ms` },
          { figure: 'API reads / writes by the controller at startup', value: `${reads} / ${writes}`, note: 'a Healthy Rollout needs no write' },
          { figure: 'RSS after startup', value: sample.rssMiB, unit: 'MiB', note: `peak ${sample.peakRssMiB} MiB` },
        ],
      },
    };
  } catch (err) {
    process.stderr.write(`controller output:\n${controller.output()}\n`);
    await controller.stop();
    throw err;
  }
}
