// Benchmark 4, reaction. Rollouts paused at a step are aborted one at a time through the controller's HTTP API,
// measured from just before the POST until the controller's first write that carries out the abort arrived at the
// sandbox (sandbox-side stamp). Without a router that write is the status (Degraded, weights 0/100) or a ReplicaSet
// scale; with the Gateway API router it is the HTTPRoute weight reset. Then: a failing analysis measurement → the
// abort written, measured from the AnalysisRun status write that recorded the failure (the measurement interval
// itself is not counted).
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { AnalysisTemplate } from '../../src/resources/analysis.js';
import type { CanaryStep } from '../../src/resources/rollout.js';
import { canaryRollout, createHealthyRollouts, forEachConcurrently, NAMESPACE, setImage, type RolloutSetup, type SandboxBenchCluster } from './bench-cluster.js';
import type { Figure, Section } from './bench-table.js';
import type { BenchController } from './controller-process.js';
import type { Floor } from './floor.js';
import { percentile, round, wallNow } from './proc-sampling.js';
import type { LoggedWrite } from './sandbox-process.js';

const ROOT = join(import.meta.dirname, '..', '..');
/** The controller's API allows 10 commands a second per user (burst 30; no flag changes it): stay under that. */
const ABORT_SPACING_MS = 105;
export const PAUSED_STEPS: CanaryStep[] = [{ setWeight: 25 }, { pause: {} }];
/** Analysis runs are started this far apart, so that each abort is timed on a controller that is not busy. */
const ANALYSIS_SPACING_MS = 200;

interface Abort {
  name: string;
  sentAt: number;
  acceptedAt: number;
}

type EffectMatcher = (name: string) => (w: LoggedWrite) => boolean;

export async function postAbort(controller: BenchController, name: string): Promise<Abort> {
  for (;;) {
    const sentAt = wallNow();
    const res = await fetch(`${controller.apiUrl}/api/v1/namespaces/${NAMESPACE}/rollouts/${name}/abort`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${controller.token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    const acceptedAt = wallNow();
    await res.arrayBuffer();
    if (res.status === 202) return { name, sentAt, acceptedAt };
    if (res.status !== 429) throw new Error(`abort of ${name} answered ${res.status}`);
    await new Promise((r) => setTimeout(r, 1000 * Number(res.headers.get('retry-after') ?? 1)));
  }
}

const isCommandWrite = (name: string) => (w: LoggedWrite): boolean => w.resource === 'rollouts' && w.subresource === 'status' && w.verb === 'patch' && w.name === name;

const replicaRatioEffect: EffectMatcher = (name) => (w) =>
  (w.resource === 'rollouts' && w.subresource === 'status' && w.verb === 'update' && w.name === name) || (w.resource === 'replicasets' && (w.name ?? '').startsWith(`${name}-`));

const routeResetEffect: EffectMatcher = (name) => (w) => w.resource === 'httproutes' && w.verb !== 'create' && w.name === name;

function latencyRows(label: string, samples: number[], floor: Floor, target?: string): Figure[] {
  const p50 = round(percentile(samples, 50));
  const p99 = round(percentile(samples, 99));
  return [
    { figure: `${label}, p50 (${samples.length} samples)`, value: p50, unit: 'ms', note: `${round(p50 / floor.p50Ms)}× floor p50` },
    { figure: `${label}, p99`, value: p99, unit: 'ms', note: `${round(p99 / floor.p99Ms)}× floor p99`, ...(target ? { target } : {}) },
  ];
}

/** Brings `count` Rollouts to a pause at step 1, then aborts them one by one; returns the latency rows. */
async function abortOneByOne(cluster: SandboxBenchCluster, controller: BenchController, names: string[], effectOf: EffectMatcher): Promise<{ toEffect: number[]; commandToEffect: number[]; accepted: number[] }> {
  await forEachConcurrently(names, 16, (name) => setImage(cluster.client, name, 'img:2'));
  const paused = (n: string): boolean => cluster.rollouts.get(n)?.phase === 'Paused' && cluster.rollouts.get(n)?.step === 1;
  await cluster.waitUntil(`${names.length} Rollouts paused at step 1`, () => names.every(paused), 60_000 + names.length * 50);
  await cluster.takeWrites();
  const aborts: Abort[] = [];
  for (const name of names) {
    const started = performance.now();
    aborts.push(await postAbort(controller, name));
    await cluster.waitUntil(`${name} Degraded`, () => cluster.rollouts.get(name)?.phase === 'Degraded', 30_000);
    const left = ABORT_SPACING_MS - (performance.now() - started);
    if (left > 0) await new Promise((r) => setTimeout(r, left));
  }
  const writes = (await cluster.takeWrites()).filter((w) => w.user === cluster.adminUser);
  const result = { toEffect: [] as number[], commandToEffect: [] as number[], accepted: [] as number[] };
  for (const abort of aborts) {
    const after = writes.filter((w) => w.arrivedAt >= abort.sentAt);
    const command = after.find(isCommandWrite(abort.name));
    const effect = after.find((w) => w !== command && effectOf(abort.name)(w));
    result.accepted.push(abort.acceptedAt - abort.sentAt);
    if (effect) result.toEffect.push(effect.arrivedAt - abort.sentAt);
    if (effect && command) result.commandToEffect.push(effect.arrivedAt - command.finishedAt);
  }
  return result;
}

async function replicaRatioAborts(cluster: SandboxBenchCluster, controller: BenchController, count: number, floor: Floor): Promise<Figure[]> {
  const names = await createHealthyRollouts(cluster, count, PAUSED_STEPS, 60_000 + count * 50, 'r');
  const r = await abortOneByOne(cluster, controller, names, replicaRatioEffect);
  return [
    ...latencyRows('no router: abort POST → first effect write arrives (status / RS scale)', r.toEffect, floor, '< 100 ms (set for the traffic reset)'),
    ...latencyRows('no router: command stored in status → controller write', r.commandToEffect, floor),
    ...latencyRows('abort POST → 202 Accepted', r.accepted, floor),
  ];
}

/** A routed canary: its two Services and an HTTPRoute with a `main` rule splitting stable/canary, created first. */
const gatewaySetup: RolloutSetup = (name) => {
  const rollout = canaryRollout(name, 'img:1', PAUSED_STEPS);
  rollout.spec.strategy.canary = { ...rollout.spec.strategy.canary, stableService: `${name}-stable`, canaryService: `${name}-canary`, trafficRouting: { gatewayAPI: { httpRoutes: [{ name }] } } };
  const service = (svc: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: svc, namespace: NAMESPACE }, spec: { selector: { app: name }, ports: [{ port: 80 }] } }) as KubeObject;
  const route = {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: NAMESPACE },
    spec: { parentRefs: [{ name: 'public' }], rules: [{ name: 'main', backendRefs: [{ name: `${name}-stable`, port: 80, weight: 100 }, { name: `${name}-canary`, port: 80, weight: 0 }] }] },
  } as KubeObject;
  return { before: [{ kind: Kinds.Service, object: service(`${name}-stable`) }, { kind: Kinds.Service, object: service(`${name}-canary`) }, { kind: Kinds.HTTPRoute, object: route }], rollout };
};

function gatewayUnavailable(): string | undefined {
  if (!existsSync(join(ROOT, 'src', 'traffic', 'gateway-api-router.ts'))) return 'not measured: src/traffic/gateway-api-router.ts does not exist';
  return undefined;
}

async function gatewayAborts(cluster: SandboxBenchCluster, controller: BenchController, count: number, floor: Floor): Promise<Figure[]> {
  const unavailable = gatewayUnavailable();
  const label = 'Gateway API: abort POST → HTTPRoute weight reset written';
  if (unavailable) return [{ figure: label, value: unavailable, target: 'p99 < 100 ms' }];
  const names = await createHealthyRollouts(cluster, count, PAUSED_STEPS, 60_000 + count * 80, 'g', gatewaySetup);
  const r = await abortOneByOne(cluster, controller, names, routeResetEffect);
  return [...latencyRows(label, r.toEffect, floor, 'p99 < 100 ms'), ...latencyRows('Gateway API: command stored in status → HTTPRoute write', r.commandToEffect, floor)];
}

/** An endpoint whose answer fails `result < 0.5` every time. */
async function failingEndpoint(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"errorRate":1}'));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, close: () => new Promise((r) => server.close(() => r())) };
}

async function analysisAborts(cluster: SandboxBenchCluster, count: number, floor: Floor): Promise<Figure[]> {
  const label = 'failing analysis measurement stored → abort written';
  if (!existsSync(join(ROOT, 'src', 'reconcile', 'analysis-run-reconciler.ts'))) return [{ figure: label, value: 'not measured: analysis runner not wired' }];
  const endpoint = await failingEndpoint();
  try {
    const template: AnalysisTemplate & KubeObject = {
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: { name: 'always-fails', namespace: NAMESPACE },
      spec: { metrics: [{ name: 'error-rate', successCondition: 'result < 0.5', provider: { web: { url: endpoint.url, jsonPath: '$.errorRate' } } }] },
    };
    await cluster.client.create(Kinds.AnalysisTemplate, template);
    const steps: CanaryStep[] = [{ setWeight: 25 }, { analysis: { templates: [{ templateName: 'always-fails' }] } }, { pause: {} }];
    const names = await createHealthyRollouts(cluster, count, steps, 60_000 + count * 50, 'a');
    await cluster.takeWrites();
    for (const name of names) {
      await setImage(cluster.client, name, 'img:2');
      await new Promise((r) => setTimeout(r, ANALYSIS_SPACING_MS));
    }
    await cluster.waitUntil(`${count} Rollouts aborted by analysis`, () => names.every((n) => cluster.rollouts.get(n)?.phase === 'Degraded'), 60_000 + count * 100);
    const writes = (await cluster.takeWrites()).filter((w) => w.user === cluster.adminUser);
    const samples: number[] = [];
    for (const name of names) {
      const abortWrite = writes.findLast((w) => replicaRatioEffect(name)(w));
      // The run's last status write before the abort is the one that recorded the failed measurement.
      const verdict = writes.findLast((w) => w.resource === 'analysisruns' && w.subresource === 'status' && (w.name ?? '').startsWith(`${name}-`) && abortWrite !== undefined && w.finishedAt <= abortWrite.arrivedAt);
      const abort = verdict && writes.find((w) => w.arrivedAt >= verdict.finishedAt && replicaRatioEffect(name)(w));
      if (verdict && abort) samples.push(abort.arrivedAt - verdict.finishedAt);
    }
    return latencyRows(label, samples, floor, '(issue: within one measurement interval)');
  } finally {
    await endpoint.close();
  }
}

export async function runReactionBench(cluster: SandboxBenchCluster, controller: BenchController, count: number, floor: Floor): Promise<Section> {
  const figures = [
    ...(await replicaRatioAborts(cluster, controller, count, floor)),
    ...(await gatewayAborts(cluster, controller, count, floor)),
    ...(await analysisAborts(cluster, Math.min(count, 50), floor)),
  ];
  return { benchmark: `reaction (${count} aborts)`, figures };
}
