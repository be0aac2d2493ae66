// Benchmark 5, floor: the bare round trip of one merge PATCH of a ConfigMap through @kubernetes/client-node against the
// same API server, the unit the other latencies on that server are read against. Also the same PATCH over the
// kept-alive connection Vane's own transport uses, since client-node sets up a connection per call.
import * as k8s from '@kubernetes/client-node';
import { Kinds } from '../../src/kube/resource-kind.js';
import { NAMESPACE, onServer, type BenchCluster } from './bench-cluster.js';
import type { Section } from './bench-table.js';
import { percentile, round } from './proc-sampling.js';

const WARM_UP = 10;

export interface Floor {
  section: Section;
  /** p50 and p99 of the client-node PATCH, ms: the unit for the ratios. */
  p50Ms: number;
  p99Ms: number;
  /** p50 and p99 of the same PATCH over Vane's kept-alive transport, ms. */
  keptAlive: { p50Ms: number; p99Ms: number };
}

async function timed(samples: number, call: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < WARM_UP; i++) await call(i);
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const started = performance.now();
    await call(i);
    times.push(performance.now() - started);
  }
  return times;
}

/** `sandbox`: the sandbox's floor, to which a floor measured on another server is compared. */
export async function runFloorBench(cluster: BenchCluster, samples: number, sandbox?: Floor): Promise<Floor> {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  const name = 'floor';
  await core.createNamespacedConfigMap({ namespace: NAMESPACE, body: { metadata: { name }, data: { n: '0' } } });
  const mergePatch = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch);
  const clientNode = await timed(samples, (i) => core.patchNamespacedConfigMap({ namespace: NAMESPACE, name, body: { data: { n: String(i) } } }, mergePatch));
  const keepAlive = await timed(samples, (i) => cluster.client.patch(Kinds.ConfigMap, NAMESPACE, name, { data: { n: `k${i}` } }, 'merge'));
  const p50Ms = round(percentile(clientNode, 50), 2);
  const p99Ms = round(percentile(clientNode, 99), 2);
  const keptAlive = { p50Ms: round(percentile(keepAlive, 50), 2), p99Ms: round(percentile(keepAlive, 99), 2) };
  const toSandbox = (ms: number, sandboxMs: number | undefined): { note?: string } => (sandboxMs ? { note: `${round(ms / sandboxMs)}× the sandbox's` } : {});
  return {
    p50Ms,
    p99Ms,
    keptAlive,
    section: {
      benchmark: onServer('floor', cluster),
      figures: [
        { figure: `client-node merge PATCH of a ConfigMap, p50 (${samples} sequential)`, value: p50Ms, unit: 'ms', ...toSandbox(p50Ms, sandbox?.p50Ms) },
        { figure: 'client-node merge PATCH of a ConfigMap, p99', value: p99Ms, unit: 'ms', ...toSandbox(p99Ms, sandbox?.p99Ms) },
        { figure: 'same PATCH over a kept-alive connection (Vane transport), p50', value: keptAlive.p50Ms, unit: 'ms', ...toSandbox(keptAlive.p50Ms, sandbox?.keptAlive.p50Ms) },
        { figure: 'same PATCH over a kept-alive connection (Vane transport), p99', value: keptAlive.p99Ms, unit: 'ms', ...toSandbox(keptAlive.p99Ms, sandbox?.keptAlive.p99Ms) },
      ],
    },
  };
}
