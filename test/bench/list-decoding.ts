// Benchmark: what decoding an informer's list of 10,000 Rollouts costs, parsed whole as before or with managedFields
// cut from the text first (src/kube/managed-fields-excision.ts): decode time, peak heap while listing, and the heap
// the listed items hold. Not part of `npm run bench`: `node --expose-gc --import tsx test/bench/list-decoding.ts [N]`.
//
// The pages are made from one Healthy bench Rollout as the sandbox serves it (managedFields of the API, the
// controller and the simulator included), copied under N names, 500 a page as KubeClient.list asks for them. Each
// way is measured in a fresh process, alternating, several times; the table gives medians.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { trimForCache } from '../../src/kube/cache-trim.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { excludeManagedFields } from '../../src/kube/managed-fields-excision.js';
import { createHealthyRollouts, openBenchCluster } from './bench-cluster.js';
import type { Figure, Section } from './bench-table.js';
import { readCachePair } from './cache-bytes.js';
import { prepareController, spawnController } from './controller-process.js';
import { SCALE_STEPS } from './scale.js';

const PAGE_SIZE = 500;
const RUNS = 5;
const MIB = 2 ** 20;

type Way = 'parse-whole' | 'cut-then-parse';

interface RunFigures {
  decodeMs: number;
  peakHeapMiB: number;
  listedHeapMiB: number;
  pageBytes: number;
}

/** The N-item list as pages of served JSON text, each item a copy of `sample` under its own name and uid. */
function pages(sample: KubeObject, count: number): string[] {
  const out: string[] = [];
  for (let first = 0; first < count; first += PAGE_SIZE) {
    const items: KubeObject[] = [];
    for (let i = first; i < Math.min(count, first + PAGE_SIZE); i++) {
      items.push({ ...sample, metadata: { ...sample.metadata, name: `r-${i}`, uid: `uid-${i}` } });
    }
    const more = first + PAGE_SIZE < count;
    out.push(JSON.stringify({ apiVersion: sample.apiVersion, kind: `${sample.kind ?? 'Rollout'}List`, metadata: { resourceVersion: '1', ...(more ? { continue: String(first + PAGE_SIZE) } : {}) }, items }));
  }
  return out;
}

/** One measured list in this process: decode every page, keep the items, then build the cache's trimmed copies. */
function measureOnce(samplePath: string, way: Way, count: number): RunFigures {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run node with --expose-gc');
  const texts = pages(JSON.parse(readFileSync(samplePath, 'utf8')) as KubeObject, count);
  gc();
  gc();
  const base = process.memoryUsage().heapUsed;
  let peak = 0;
  const items: KubeObject[] = [];
  const started = performance.now();
  for (const text of texts) {
    const page = JSON.parse(way === 'cut-then-parse' ? excludeManagedFields(text) : text) as { items: KubeObject[] };
    items.push(...page.items);
    peak = Math.max(peak, process.memoryUsage().heapUsed - base);
  }
  const decodeMs = performance.now() - started;
  gc();
  const listedHeap = process.memoryUsage().heapUsed - base;
  // What the informer does next: its own trimmed copies, while the listed items are still referenced.
  const cache = new Map(items.map((o) => [o.metadata.name ?? '', trimForCache(o)]));
  peak = Math.max(peak, process.memoryUsage().heapUsed - base);
  if (cache.size !== count || items.length !== count) throw new Error('lost items');
  return { decodeMs, peakHeapMiB: peak / MIB, listedHeapMiB: listedHeap / MIB, pageBytes: texts.reduce((sum, t) => sum + t.length, 0) };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

function runChild(samplePath: string, way: Way, count: number): RunFigures {
  const result = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', import.meta.filename, '--child', samplePath, way, String(count)], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`measuring ${way} failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as RunFigures;
}

/** Medians over RUNS fresh processes per way, alternating so that a busy moment of the machine hits both alike. */
export function listDecodingFigures(samplePath: string, count: number): Figure[] {
  const runs: Record<Way, RunFigures[]> = { 'parse-whole': [], 'cut-then-parse': [] };
  for (let i = 0; i < RUNS; i++) {
    for (const way of ['parse-whole', 'cut-then-parse'] as const) runs[way].push(runChild(samplePath, way, count));
  }
  const round = (n: number): number => Math.round(n * 10) / 10;
  const note = `median of ${RUNS} fresh processes; ${count.toLocaleString('en')} Rollouts in pages of ${PAGE_SIZE}, ${round((runs['parse-whole'][0]?.pageBytes ?? 0) / MIB)} MiB of JSON`;
  return (['parse-whole', 'cut-then-parse'] as const).flatMap((way) => [
    { figure: `list decode time, ${way}`, value: round(median(runs[way].map((r) => r.decodeMs))), unit: 'ms', note },
    { figure: `peak heap while listing and trimming, ${way}`, value: round(median(runs[way].map((r) => r.peakHeapMiB))), unit: 'MiB', note: 'heapUsed sampled after each page and after the trimmed copies, above the page texts' },
    { figure: `heap held by the listed items, ${way}`, value: round(median(runs[way].map((r) => r.listedHeapMiB))), unit: 'MiB', note: 'after gc, before the cache trims them' },
  ]);
}

/** One Healthy bench Rollout read back from a sandbox with the controller: the sample every page is made of. */
async function sampleRollout(): Promise<KubeObject> {
  const cluster = await openBenchCluster();
  try {
    const controller = await spawnController(cluster.kubeconfigPath);
    try {
      await controller.waitReady(60_000);
      const [name] = await createHealthyRollouts(cluster, 1, SCALE_STEPS, 120_000, 'decode');
      if (name === undefined) throw new Error('no Rollout was created');
      await controller.waitQuiet(1_000, 30_000);
      return (await readCachePair(cluster.client, name)).rollout;
    } finally {
      await controller.stop();
    }
  } finally {
    await cluster.stop();
  }
}

export async function runListDecodingBench(count = 10_000): Promise<Section> {
  const samplePath = join(mkdtempSync(join(tmpdir(), 'vane-decode-')), 'rollout.json');
  writeFileSync(samplePath, JSON.stringify(await sampleRollout()));
  return { benchmark: 'informer list decoding', figures: listDecodingFigures(samplePath, count) };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  if (process.argv[2] === '--child') {
    const [, , , samplePath, way, count] = process.argv;
    process.stdout.write(JSON.stringify(measureOnce(samplePath ?? '', way as Way, Number(count))));
  } else {
    prepareController();
    const section = await runListDecodingBench(Number(process.argv[2] ?? 10_000));
    process.stdout.write(`${JSON.stringify(section, null, 2)}\n`);
  }
}
