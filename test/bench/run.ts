// `npm run bench`: runs every benchmark in one run against sandbox API servers in their own processes and the controller
// as its own process; prints one markdown table and writes the same figures as JSON to test/bench/results/. When
// VANE_BENCH_APISERVER (else VANE_TEST_APISERVER) names a kube-apiserver start script, the same run also measures the
// floor and sparse updates against a fresh real API server, each beside the sandbox's, its ratios to its own floor.
//
// Settings (environment): VANE_BENCH_SIZES=100,1000,5000  VANE_BENCH_IDLE_SECONDS=60  VANE_BENCH_ABORTS=200
// VANE_BENCH_GIT_FAILURES=50  VANE_BENCH_N=1000 (Rollouts of the notifications benchmark)  VANE_BENCH_DASHBOARD_N=5000
// (Rollouts of the dashboard benchmark, in Chromium)
// VANE_BENCH_ONLY=floor,scale,startup,idle,reaction,list,real,git,notifications,dashboard,judge (default: all)  VANE_BENCH_REAL_SIZE=100 (Rollouts on the
// real server)  VANE_BENCH_CONTROLLER=dist|tsx (dist, the default: compiled by tsc into .vane/bench-dist at the start of
// the run; tsx: src/ run through tsx)
// VANE_BENCH_SCALE_TIMEOUT_SECONDS (default 60 + 0.06 × N)  VANE_BENCH_CPU_PROF=1, VANE_BENCH_SANDBOX_CPU_PROF=1 (V8 CPU
// profiles of every controller / sandbox process, in results/profiles/).
// VANE_BENCH_SHARDED=2000,4,16,5 (Rollouts, replicas, shards, Lease seconds of the sharded benchmark)
import { cacheBytesFigures, readCachePair } from './cache-bytes.js';
import { basename } from 'node:path';
import { createHealthyRollouts, openBenchCluster } from './bench-cluster.js';
import { machine, markdownTable, writeResults, type Section } from './bench-table.js';
import { prepareController, spawnController, usesCompiledController } from './controller-process.js';
import { runDashboardBench } from './dashboard.js';
import { runFloorBench, type Floor } from './floor.js';
import { runGitRollbackBench } from './git-rollback.js';
import { runIdleBench } from './idle.js';
import { runJudgeBench } from './judge.js';
import { runNotificationsBench } from './notifications.js';
import { runReactionBench } from './reaction.js';
import { benchApiServerScript, openRealBenchCluster } from './real-bench-cluster.js';
import { runSandboxListBench } from './sandbox-list.js';
import { runScaleBench, SCALE_STEPS } from './scale.js';
import { runShardedBench, type ShardedSettings } from './sharded.js';
import { runSparseUpdates } from './sparse-updates.js';
import { runStartupBench } from './startup.js';

const ALL = ['floor', 'scale', 'startup', 'idle', 'sharded', 'reaction', 'list', 'real', 'git', 'notifications', 'dashboard', 'judge'];

function numbers(value: string | undefined, fallback: number[]): number[] {
  if (!value) return fallback;
  const parsed = value.split(',').map((v) => Number(v.replaceAll('_', '').trim()));
  if (parsed.some((n) => !Number.isInteger(n) || n <= 0)) throw new Error(`expected positive integers separated by commas, got "${value}"`);
  return parsed;
}

function shardedSettings([rollouts = 2_000, replicas = 4, shards = 16, leaseSeconds = 5]: number[]): ShardedSettings {
  return { rollouts, replicas, shards, leaseSeconds };
}

const realScriptPath = benchApiServerScript();
const settings = {
  sizes: numbers(process.env['VANE_BENCH_SIZES'], [100, 1_000, 5_000]),
  idleSeconds: numbers(process.env['VANE_BENCH_IDLE_SECONDS'], [60])[0] ?? 60,
  aborts: numbers(process.env['VANE_BENCH_ABORTS'], [200])[0] ?? 200,
  gitFailures: numbers(process.env['VANE_BENCH_GIT_FAILURES'], [50])[0] ?? 50,
  notificationRollouts: numbers(process.env['VANE_BENCH_N'], [1_000])[0] ?? 1_000,
  dashboardRollouts: numbers(process.env['VANE_BENCH_DASHBOARD_N'], [5_000])[0] ?? 5_000,
  sharded: shardedSettings(numbers(process.env['VANE_BENCH_SHARDED'], [2_000, 4, 16, 5])),
  floorSamples: numbers(process.env['VANE_BENCH_FLOOR_SAMPLES'], [200])[0] ?? 200,
  /** How long the image change on all may take before the figures are taken as they stand (default 60 s + 60 ms × N). */
  scaleTimeoutSeconds: process.env['VANE_BENCH_SCALE_TIMEOUT_SECONDS'] ? numbers(process.env['VANE_BENCH_SCALE_TIMEOUT_SECONDS'], []) : undefined,
  only: (process.env['VANE_BENCH_ONLY'] ?? ALL.join(',')).split(',').map((s) => s.trim()),
  controller: usesCompiledController() ? 'node .vane/bench-dist/main.js (tsc output, compiled at the start of the run)' : 'node --import tsx src/main.ts',
  readyDelayMs: Number(process.env['VANE_BENCH_READY_DELAY_MS'] ?? 100),
  realSize: numbers(process.env['VANE_BENCH_REAL_SIZE'], [100])[0] ?? 100,
  /** Only the script's name goes into the results: a path of the machine that ran them says nothing elsewhere. */
  realApiServer: realScriptPath ? basename(realScriptPath) : undefined,
};
const unknown = settings.only.filter((s) => !ALL.includes(s));
if (unknown.length > 0) throw new Error(`VANE_BENCH_ONLY: unknown benchmark ${unknown.join(', ')} (known: ${ALL.join(', ')})`);
const wants = (name: string): boolean => settings.only.includes(name);
const log = (line: string): void => void process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function measureFloor(): Promise<Floor> {
  const cluster = await openBenchCluster();
  try {
    return await runFloorBench(cluster, settings.floorSamples);
  } finally {
    await cluster.stop();
  }
}

/**
 * Against the same N Rollouts: create them Healthy, then a fresh controller's startup (and idle at the largest size)
 * while they are at rest, then the image change on all with that controller, then a few sparse updates.
 */
async function runSize(n: number, floor: Floor, sections: Section[]): Promise<void> {
  const cluster = await openBenchCluster();
  try {
    const creator = await spawnController(cluster.kubeconfigPath);
    await creator.waitReady(60_000);
    log(`N=${n}: creating Rollouts`);
    // The creator finishes its last writes (replica counts settling after Healthy) so that startup meets a world at rest.
    const names = await createHealthyRollouts(cluster, n, SCALE_STEPS, 60_000 + n * 60)
      .then(async (created) => (await creator.waitQuiet(1_000, 60_000 + n * 20), created))
      .finally(() => creator.stop());
    log(`N=${n}: fresh controller`);
    const startup = await runStartupBench(cluster, n);
    const controller = startup.controller;
    try {
      if (wants('startup')) sections.push(startup.section);
      if (wants('scale') && n === Math.max(...settings.sizes) && names[0] !== undefined) {
        sections.push({ benchmark: 'cached object size', figures: cacheBytesFigures(await readCachePair(cluster.client, names[0]), 10_000).figures });
      }
      if (wants('idle') && n === Math.max(...settings.sizes)) {
        log(`N=${n}: idle for ${settings.idleSeconds} s`);
        sections.push(await runIdleBench(cluster, controller, n, settings.idleSeconds).catch((err: unknown) => {
          throw new Error(`${err instanceof Error ? err.message : String(err)}; controller output: ${controller.output().slice(-1_500)}`);
        }));
      }
      if (!wants('scale')) return;
      log(`N=${n}: image change on all`);
      const scale = await runScaleBench(cluster, controller, names, floor, settings.scaleTimeoutSeconds?.[0]).catch((err: unknown) => {
        // The controller's own last words say why (a heap limit, a crash) better than the failed request does.
        throw new Error(`${err instanceof Error ? err.message : String(err)}; controller output: ${controller.output().slice(-1_500)}`);
      });
      sections.push(scale.section);
      if (!scale.completed) return;
      log(`N=${n}: sparse updates`);
      sections.push(await runSparseUpdates(cluster, names, 20, 250, 'img:3', floor));
    } finally {
      await controller.stop();
    }
  } finally {
    await cluster.stop();
  }
}

/**
 * On a fresh real API server: its floor, then N Rollouts created Healthy by a fresh controller, which then takes a few
 * sparse updates, read against that server's floor.
 */
async function runRealServer(script: string, sandboxFloor: Floor): Promise<void> {
  const n = settings.realSize;
  log('real API server: starting');
  const cluster = await openRealBenchCluster(script, settings.readyDelayMs);
  try {
    log(`${cluster.server}: floor`);
    const floor = await runFloorBench(cluster, settings.floorSamples, sandboxFloor);
    sections.push(floor.section);
    const controller = await spawnController(cluster.kubeconfigPath);
    try {
      await controller.waitReady(60_000);
      log(`${cluster.server}: N=${n}: creating Rollouts`);
      const names = await createHealthyRollouts(cluster, n, SCALE_STEPS, 60_000 + n * 60);
      await controller.waitQuiet(1_000, 60_000 + n * 20);
      log(`${cluster.server}: N=${n}: sparse updates`);
      sections.push(await runSparseUpdates(cluster, names, 20, 250, 'img:2', floor));
    } finally {
      await controller.stop();
    }
  } finally {
    await cluster.stop();
  }
}

async function runReaction(floor: Floor): Promise<Section> {
  const cluster = await openBenchCluster();
  const controller = await spawnController(cluster.kubeconfigPath);
  try {
    await controller.waitReady(60_000);
    log(`reaction: ${settings.aborts} aborts`);
    return await runReactionBench(cluster, controller, settings.aborts, floor);
  } finally {
    await controller.stop();
    await cluster.stop();
  }
}

const startedAt = new Date();
const sections: Section[] = [];
prepareController();
log('floor');
const floor = await measureFloor();
if (wants('floor')) sections.push(floor.section);
/** A benchmark that fails is reported in the table, and the others still run. */
async function guarded(benchmark: string, run: () => Promise<unknown>): Promise<void> {
  try {
    await run();
  } catch (err) {
    log(`${benchmark} failed: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
    sections.push({ benchmark, figures: [{ figure: 'failed', value: err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err) }] });
  }
}

for (const n of settings.sizes) if (wants('scale') || wants('startup') || wants('idle')) await guarded(`N=${n}`, () => runSize(n, floor, sections));
/** Why this run measures no real API server, or undefined when it does. */
function realSkipReason(): string | undefined {
  if (!wants('real')) return 'VANE_BENCH_ONLY leaves out real';
  if (!settings.realApiServer) return 'neither VANE_BENCH_APISERVER nor VANE_TEST_APISERVER names a start script';
  return undefined;
}
if (wants('sharded')) {
  const { rollouts, replicas, shards } = settings.sharded;
  log(`sharded: N=${rollouts} over ${replicas} replicas, ${shards} shards`);
  await guarded('sharded', async () => {
    // One sandbox user per replica (and one for the replica that joins), so its write log tells them apart.
    process.env['VANE_BENCH_REPLICA_USERS'] = String(replicas + 1);
    const cluster = await openBenchCluster();
    try {
      sections.push(await runShardedBench(cluster, settings.sharded, log));
    } finally {
      delete process.env['VANE_BENCH_REPLICA_USERS'];
      await cluster.stop();
    }
  });
}
const realSkipped = realSkipReason();
const realScript = realScriptPath;
if (!realSkipped && realScript) await guarded('real API server', () => runRealServer(realScript, floor));
if (wants('reaction')) await guarded('reaction', async () => sections.push(await runReaction(floor)));
if (wants('git')) {
  log(`git rollback: ${settings.gitFailures} failures`);
  await guarded('git rollback', async () => sections.push(await runGitRollbackBench(settings.gitFailures, 10, 3)));
}
if (wants('notifications')) {
  log(`notifications on vs off: N=${settings.notificationRollouts}`);
  await guarded('notifications', async () => sections.push(await runNotificationsBench(settings.notificationRollouts)));
}
if (wants('dashboard')) {
  log(`dashboard list in Chromium: N=${settings.dashboardRollouts}`);
  await guarded('dashboard', async () => sections.push(await runDashboardBench(settings.dashboardRollouts)));
}
if (wants('judge')) {
  log('judge: 10 metrics × 1,000 samples per side');
  await guarded('judge', async () => sections.push(await runJudgeBench()));
}
if (wants('list')) {
  log('sandbox list');
  const list = await runSandboxListBench();
  sections.push({ benchmark: 'sandbox list (5,000 ConfigMaps)', figures: Object.entries(list).map(([figure, value]) => ({ figure, value })) });
}

const m = machine();
process.stdout.write(`${markdownTable(sections)}\n\n`);
process.stdout.write(`machine: ${m.cpus} × ${m.cpu}, ${m.memoryGiB} GiB, Node ${m.node}, load average ${m.loadAverage1m} at the end; controller: ${settings.controller}\n`);
if (realSkipped) process.stdout.write(`real kube-apiserver figures skipped: ${realSkipped}\n`);
process.stdout.write(`figures written to ${writeResults(sections, { ...settings, realSkipped }, startedAt)}\n`);
