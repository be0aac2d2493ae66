// Benchmark: what one cached Rollout and one cached ReplicaSet cost in heap bytes, as the API server sends them
// (managedFields included) and as the informers keep them after cache-trim.ts — the Scale issue's "bytes per cached
// Rollout". Not part of `npm run bench`: call cacheBytesFigures with a pair read by readCachePair, or run this file.
import { getHeapStatistics } from 'node:v8';
import { pathToFileURL } from 'node:url';
import { trimForCache } from '../../src/kube/cache-trim.js';
import type { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/resources/pod-template-hash.js';
import { createHealthyRollouts, NAMESPACE, openBenchCluster } from './bench-cluster.js';
import type { Figure, Section } from './bench-table.js';
import { prepareController, spawnController } from './controller-process.js';
import { SCALE_STEPS } from './scale.js';

export interface CachePair {
  rollout: KubeObject;
  replicaSet: KubeObject;
}

/** How the bytes were counted: retained heap (node --expose-gc), or the JSON text's length when gc is not exposed. */
export type ByteMeasure = 'heap' | 'json';

const MIB = 2 ** 20;

/** A bench Rollout and its current ReplicaSet as a live read returns them: what a list or watch hands an informer. */
export async function readCachePair(client: KubeClient, name: string, namespace = NAMESPACE): Promise<CachePair> {
  const rollout = await client.get(Kinds.Rollout, namespace, name);
  if (!rollout) throw new Error(`Rollout ${namespace}/${name} not found`);
  const { items } = await client.list(Kinds.ReplicaSet, namespace, { labelSelector: POD_TEMPLATE_HASH_LABEL });
  const owned = items.filter((rs) => rs.metadata.ownerReferences?.some((ref) => ref.uid === rollout.metadata.uid));
  const replicaSet = owned.sort((a, b) => Number(b.metadata.resourceVersion) - Number(a.metadata.resourceVersion))[0];
  if (!replicaSet) throw new Error(`Rollout ${namespace}/${name} owns no ReplicaSet yet`);
  return { rollout, replicaSet };
}

function gcFunction(): (() => void) | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  return typeof gc === 'function' ? gc : undefined;
}

function usedHeap(gc: () => void): number {
  gc();
  gc();
  return getHeapStatistics().used_heap_size;
}

/**
 * Heap bytes each of `copies` objects holds when kept in a Map as an informer keeps them: each copy parsed from the
 * served JSON (so no two share strings beyond what V8 interns, as objects from separate watch events), then `keep`.
 * Includes the Map entry and its key (some 60 bytes), the same before and after trimming.
 */
function retainedBytesPerObject(json: string, copies: number, keep: (obj: KubeObject) => KubeObject, gc: () => void): number {
  const before = usedHeap(gc);
  const cache = new Map<string, KubeObject>();
  for (let i = 0; i < copies; i++) cache.set(`bench/r-${i}`, keep(JSON.parse(json) as KubeObject));
  const after = usedHeap(gc);
  // Read the cache after measuring so it cannot be collected early.
  if (cache.size !== copies) throw new Error('cache lost entries');
  return Math.round((after - before) / copies);
}

function jsonBytes(obj: unknown): number {
  return Buffer.byteLength(JSON.stringify(obj));
}

/** Bytes per object of one kind, as served and as cached, and what managedFields alone are of the served JSON. */
function measureObject(obj: KubeObject, copies: number, gc: (() => void) | undefined): { served: number; trimmed: number; managedShare: number } {
  const json = JSON.stringify(obj);
  const managed = (obj.metadata as { managedFields?: unknown }).managedFields;
  const managedShare = managed === undefined ? 0 : Math.round((jsonBytes(managed) / json.length) * 100);
  if (!gc) return { served: jsonBytes(obj), trimmed: jsonBytes(trimForCache(obj)), managedShare };
  const served = retainedBytesPerObject(json, copies, (o) => o, gc);
  const trimmed = retainedBytesPerObject(json, copies, trimForCache, gc);
  return { served, trimmed, managedShare };
}

/** The figures for one Rollout and its ReplicaSet, each measured over `copies` copies (10,000 as in the Scale issue). */
export function cacheBytesFigures(pair: CachePair, copies = 10_000): { measure: ByteMeasure; figures: Figure[] } {
  const gc = gcFunction();
  const measure: ByteMeasure = gc ? 'heap' : 'json';
  const how = gc ? `retained heap per copy, ${copies.toLocaleString('en')} parsed copies in a Map` : 'JSON text length: run node with --expose-gc for heap bytes';
  const rollout = measureObject(pair.rollout, copies, gc);
  const replicaSet = measureObject(pair.replicaSet, copies, gc);
  const savedMiB = ((rollout.served - rollout.trimmed + replicaSet.served - replicaSet.trimmed) * copies) / MIB;
  const figures: Figure[] = [
    { figure: 'cached Rollout, as served', value: rollout.served, unit: 'bytes', note: `${how}; managedFields are ${rollout.managedShare}% of its JSON` },
    { figure: 'cached Rollout, trimmed (no managedFields, no last-applied)', value: rollout.trimmed, unit: 'bytes', note: how },
    { figure: 'cached ReplicaSet, as served', value: replicaSet.served, unit: 'bytes', note: `${how}; managedFields are ${replicaSet.managedShare}% of its JSON` },
    { figure: 'cached ReplicaSet, trimmed (pod template kept)', value: replicaSet.trimmed, unit: 'bytes', note: how },
    {
      figure: `saved by trimming, ${copies.toLocaleString('en')} Rollouts with one ReplicaSet each`,
      value: Math.round(savedMiB * 10) / 10,
      unit: gc ? 'MiB of heap' : 'MiB of JSON',
    },
  ];
  return { measure, figures };
}

/** Creates one Healthy bench Rollout on a sandbox with the controller, and measures it and its ReplicaSet. */
export async function runCacheBytesBench(copies = 10_000): Promise<Section> {
  const cluster = await openBenchCluster();
  try {
    const controller = await spawnController(cluster.kubeconfigPath);
    try {
      await controller.waitReady(60_000);
      const [name] = await createHealthyRollouts(cluster, 1, SCALE_STEPS, 120_000, 'bytes');
      if (name === undefined) throw new Error('no Rollout was created');
      await controller.waitQuiet(1_000, 30_000);
      const { figures } = cacheBytesFigures(await readCachePair(cluster.client, name), copies);
      return { benchmark: 'bytes per cached object', figures };
    } finally {
      await controller.stop();
    }
  } finally {
    await cluster.stop();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  prepareController();
  const section = await runCacheBytesBench(Number(process.argv[2] ?? 10_000));
  process.stdout.write(`${JSON.stringify(section, null, 2)}\n`);
}
