// Benchmark (#18): one judgement of 10 metrics × 1,000 samples per side, pure computation (no Prometheus) through the
// provider's own `judgeInSlices`: the CPU time per judgement (median and p90) and the longest stretch it holds the
// event loop. The issue: a judgement over 20 ms must run in slices or off the main thread. A probe re-schedules itself
// with setImmediate while the judgement runs; the longest gap between two of its turns is the longest synchronous
// slice (the judgement's own, plus at most one probe turn, a few microseconds), in wall time and in the process's CPU
// time: on shared cores the wall gap also counts the time another process held the core, the CPU gap does not. Samples are log-normal latencies from
// a seeded generator, half the metrics' canaries shifted up 20%, with ties (values rounded to 0.1 ms) as real
// latencies have. Measured twice: with the default ratio effect size, and with Hodges–Lehmann (the costlier one).
import { performance } from 'node:perf_hooks';
import { judgementRules, type MetricSamples } from '../../src/analysis/judge/canary-judgement.js';
import { judgeInSlices } from '../../src/analysis/judge/sliced-judgement.js';
import type { JudgeEffectSize, JudgeMetric } from '../../src/resources/analysis.js';
import { seededRandom } from '../../src/seeded-random.js';
import type { Figure, Section } from './bench-table.js';
import { percentile, round } from './proc-sampling.js';

const METRICS = 10;
const SAMPLES = 1_000;
const WARMUP = 5;
const SLICE_TARGET_MS = 20;

/** One judgement, awaited: it may yield between metrics. */
type JudgeOnce = () => Promise<unknown>;

function benchSamples(seed = 18): MetricSamples[] {
  const random = seededRandom(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const side = (median: number): number[] => Array.from({ length: SAMPLES }, () => Math.round(median * Math.exp(0.25 * normal()) * 1e4) / 1e4);
  return Array.from({ length: METRICS }, (_, m) => ({ baseline: side(0.2), canary: side(m % 2 === 0 ? 0.24 : 0.2) }));
}

function benchSpec(effectSize: JudgeEffectSize): JudgeMetric {
  const metrics = Array.from({ length: METRICS }, (_, m) => ({ name: `metric-${m}`, group: m < 5 ? 'latency' : 'other', baseline: 'unused', canary: 'unused', direction: 'increase' as const, effectSize }));
  return { prometheus: { address: 'http://unused' }, groups: { latency: 2, other: 1 }, metrics };
}

interface RunFigures {
  cpuMs: number;
  wallMs: number;
  longestSliceMs: number;
  longestSliceCpuMs: number;
}

function cpuMsNow(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

/** Runs `judge` once while a setImmediate probe measures the longest gap between its turns. */
async function measureOnce(judge: JudgeOnce): Promise<RunFigures> {
  let longest = 0;
  let longestCpu = 0;
  let last = performance.now();
  let lastCpu = cpuMsNow();
  let probing = true;
  const probe = (): void => {
    const now = performance.now();
    const cpuNow = cpuMsNow();
    longest = Math.max(longest, now - last);
    longestCpu = Math.max(longestCpu, cpuNow - lastCpu);
    last = now;
    lastCpu = cpuNow;
    if (probing) setImmediate(probe);
  };
  setImmediate(probe);
  // Let the probe take its first turn, so the first gap measured starts at the judgement.
  await new Promise((done) => setImmediate(done));
  longest = 0;
  longestCpu = 0;
  last = performance.now();
  lastCpu = cpuMsNow();
  const cpu = process.cpuUsage();
  const wallStart = performance.now();
  await judge();
  const wallMs = performance.now() - wallStart;
  const used = process.cpuUsage(cpu);
  // The judgement's last slice ends where the awaiting code resumes; close the probe's last gap there.
  longest = Math.max(longest, performance.now() - last);
  longestCpu = Math.max(longestCpu, cpuMsNow() - lastCpu);
  probing = false;
  await new Promise((done) => setImmediate(done));
  return { cpuMs: (used.user + used.system) / 1000, wallMs, longestSliceMs: longest, longestSliceCpuMs: longestCpu };
}

async function measureVariant(effectSize: JudgeEffectSize, runs: number): Promise<Figure[]> {
  const samples = benchSamples();
  const rules = judgementRules(benchSpec(effectSize));
  const judge: JudgeOnce = () => judgeInSlices(rules, samples);
  const verdict = await judgeInSlices(rules, samples);
  // Half the canaries are 20% slower: the bench judges a real failing judgement, not an empty one.
  if (verdict.metrics.filter((m) => m.classification === 'High').length !== METRICS / 2) throw new Error(`the bench judgement classified ${JSON.stringify(verdict.metrics.map((m) => m.classification))}`);
  for (let i = 0; i < WARMUP; i += 1) await measureOnce(judge);
  const results: RunFigures[] = [];
  for (let i = 0; i < runs; i += 1) results.push(await measureOnce(judge));
  const cpu = results.map((r) => r.cpuMs);
  const slices = results.map((r) => r.longestSliceMs);
  const cpuSlices = results.map((r) => r.longestSliceCpuMs);
  const label = effectSize === 'ratio' ? 'ratio (default)' : 'Hodges–Lehmann';
  return [
    { figure: `${label}: CPU per judgement, median`, value: round(percentile(cpu, 50), 2), unit: 'ms', note: `${runs} runs after ${WARMUP} warm-up` },
    { figure: `${label}: CPU per judgement, p90`, value: round(percentile(cpu, 90), 2), unit: 'ms' },
    { figure: `${label}: wall time per judgement, median`, value: round(percentile(results.map((r) => r.wallMs), 50), 2), unit: 'ms' },
    { figure: `${label}: longest synchronous slice in CPU time, median of runs`, value: round(percentile(cpuSlices, 50), 2), unit: 'ms' },
    { figure: `${label}: longest synchronous slice in CPU time, worst run`, value: round(Math.max(...cpuSlices), 2), unit: 'ms', target: `≤ ${SLICE_TARGET_MS} ms (longer work runs in slices)` },
    { figure: `${label}: longest synchronous slice in wall time, median of runs`, value: round(percentile(slices, 50), 2), unit: 'ms' },
    { figure: `${label}: longest synchronous slice in wall time, worst run`, value: round(Math.max(...slices), 2), unit: 'ms', note: 'includes time other processes held the shared cores' },
  ];
}

export async function runJudgeBench(runs = 30): Promise<Section> {
  const figures = [...(await measureVariant('ratio', runs)), ...(await measureVariant('hodgesLehmann', runs))];
  return { benchmark: `judge (${METRICS} metrics × ${SAMPLES} samples per side)`, figures };
}
