// The world every controller benchmark runs in: an API server (a sandbox in a child process, or a real kube-apiserver:
// real-bench-cluster.ts), a client of it as the benchmark's own user, and a watch on a separate connection that stamps
// when each Rollout and ReplicaSet change became visible. Also the Rollout shapes the benchmarks create.
import { fork, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { KubeTransport, type WatchLine } from '../../src/kube/kube-transport.js';
import { collectionPath, Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import type { Rollout, CanaryStep } from '../../src/resources/rollout.js';
import type { StatsSnapshot } from '../../src/sandbox/request-stats.js';
import { wallNow } from './proc-sampling.js';
import type { LoggedWrite, SandboxQuery, SandboxReady, SandboxReply } from './sandbox-process.js';

export const NAMESPACE = 'bench';

/** What the bench watch saw of one Rollout. */
export interface RolloutState {
  generation: number;
  observedGeneration: number;
  phase: string | undefined;
  step: number | undefined;
  stableRS: string | undefined;
}

/** A change seen on the bench's own watch connection, stamped on arrival. */
export interface SeenChange {
  kind: 'Rollout' | 'ReplicaSet';
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  rollout: string;
  seenAt: number;
  object: KubeObject & { spec?: Record<string, unknown>; status?: Record<string, unknown> };
}

/** What every benchmark needs of a cluster, whatever API server runs it. */
export interface BenchCluster {
  /** What serves the API: `sandbox`, or the real server and its version (`real kube-apiserver v1.19.0-rc.4`). */
  server: string;
  /** The admin kubeconfig, for the controller. */
  kubeconfigPath: string;
  /** The benchmark's own user (on the sandbox the fault-exempt harness user, told apart from the controller's). */
  client: KubeClient;
  rollouts: ReadonlyMap<string, RolloutState>;
  /** Changes seen since the last call. */
  takeChanges(): SeenChange[];
  recordChanges(on: boolean): void;
  waitUntil(what: string, done: () => boolean, timeoutMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** A cluster on the sandbox process, with what only the sandbox offers: its process, request statistics and write log. */
export interface SandboxBenchCluster extends BenchCluster {
  adminUser: string;
  /** The sandbox process, for sampling its CPU. */
  sandboxPid: number;
  stats(): Promise<StatsSnapshot>;
  resetStats(): Promise<void>;
  /** Writes the sandbox received since the last call. */
  takeWrites(): Promise<LoggedWrite[]>;
}

/** An API server to run a bench cluster on: how the benchmark reaches it, and how to stop it afterwards. */
export interface BenchApiServer {
  server: string;
  kubeconfigPath: string;
  /** The benchmark's own credentials (its current context). */
  kubeConfig: KubeConfig;
  stop(): Promise<void>;
}

const SANDBOX = 'sandbox';

/** The benchmark's name as reported: the sandbox's keep their plain names, comparable with earlier results. */
export function onServer(benchmark: string, cluster: BenchCluster): string {
  return cluster.server === SANDBOX ? benchmark : `${benchmark} (${cluster.server})`;
}

/** VANE_BENCH_SANDBOX_CPU_PROF=1: V8 CPU profiles of the sandbox processes, in results/profiles/. */
function sandboxProfilerFlags(): string[] {
  if (process.env['VANE_BENCH_SANDBOX_CPU_PROF'] !== '1') return [];
  return ['--cpu-prof', '--cpu-prof-dir', join(import.meta.dirname, 'results', 'profiles')];
}

function startSandboxProcess(): Promise<{ child: ChildProcess; ready: SandboxReady }> {
  const execArgv = [...sandboxProfilerFlags(), '--import', 'tsx'];
  const child = fork(join(import.meta.dirname, 'sandbox-process.ts'), [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (m: SandboxReady) => resolve({ child, ready: m }));
    child.once('exit', (code) => reject(new Error(`sandbox process exited before it was ready (${String(code)})`)));
  });
}

function ask(child: ChildProcess, type: SandboxQuery['type']): Promise<unknown> {
  const id = Math.random();
  return new Promise((resolve) => {
    const onMessage = (m: SandboxReply): void => {
      if (m.id !== id) return;
      child.off('message', onMessage);
      resolve(m.body);
    };
    child.on('message', onMessage);
    child.send({ id, type } satisfies SandboxQuery);
  });
}

function ownerName(obj: KubeObject): string {
  return obj.metadata.ownerReferences?.find((ref) => ref.kind === 'Rollout')?.name ?? '';
}

function rolloutState(obj: KubeObject & Partial<Rollout>): RolloutState {
  const status = obj.status ?? {};
  return { generation: obj.metadata.generation ?? 0, observedGeneration: status.observedGeneration ?? -1, phase: status.phase, step: status.currentStepIndex, stableRS: status.stableRS };
}

export async function openBenchCluster(): Promise<SandboxBenchCluster> {
  const { child, ready } = await startSandboxProcess();
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(ready.kubeconfig);
  kubeConfig.setCurrentContext(ready.harnessContext);
  const stopSandbox = async (): Promise<void> => {
    const exited = once(child, 'exit');
    child.disconnect();
    await exited;
  };
  const cluster = await benchClusterOn({ server: SANDBOX, kubeconfigPath: ready.kubeconfigPath, kubeConfig, stop: stopSandbox });
  return {
    ...cluster,
    adminUser: ready.adminUser,
    sandboxPid: child.pid ?? 0,
    stats: () => ask(child, 'stats') as Promise<StatsSnapshot>,
    resetStats: async () => void (await ask(child, 'reset-stats')),
    takeWrites: () => ask(child, 'take-writes') as Promise<LoggedWrite[]>,
  };
}

/** Creates the bench namespace on `api` and watches its Rollouts and ReplicaSets; stopping the cluster stops `api`. */
export async function benchClusterOn(api: BenchApiServer): Promise<BenchCluster> {
  const transport = await KubeTransport.fromKubeConfig(api.kubeConfig);
  const client = new KubeClient(transport);
  try {
    await client.create(Kinds.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NAMESPACE } });
  } catch (err) {
    transport.close();
    await api.stop();
    throw err;
  }

  const rollouts = new Map<string, RolloutState>();
  let changes: SeenChange[] = [];
  let recording = false;
  const aborter = new AbortController();
  const onLine = (kind: SeenChange['kind']) => (line: WatchLine) => {
    const seenAt = wallNow();
    if (line.type === 'BOOKMARK' || line.type === 'ERROR') return;
    const object = line.object as unknown as SeenChange['object'];
    const name = object.metadata.name ?? '';
    if (kind === 'Rollout') {
      if (line.type === 'DELETED') rollouts.delete(name);
      else rollouts.set(name, rolloutState(object as KubeObject & Partial<Rollout>));
    }
    if (recording) changes.push({ kind, type: line.type, rollout: kind === 'Rollout' ? name : ownerName(object), seenAt, object });
  };
  const watches = [
    transport.watch(collectionPath(Kinds.Rollout, NAMESPACE), {}, onLine('Rollout'), aborter.signal),
    transport.watch(collectionPath(Kinds.ReplicaSet, NAMESPACE), {}, onLine('ReplicaSet'), aborter.signal),
  ].map((w) => w.catch((err: unknown) => (aborter.signal.aborted ? undefined : process.stderr.write(`bench watch failed: ${String(err)}\n`))));

  return {
    server: api.server,
    kubeconfigPath: api.kubeconfigPath,
    client,
    rollouts,
    takeChanges() {
      const taken = changes;
      changes = [];
      return taken;
    },
    recordChanges(on) {
      recording = on;
      if (!on) changes = [];
    },
    async waitUntil(what, done, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!done()) {
        if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stop() {
      aborter.abort();
      await Promise.all(watches);
      transport.close();
      await api.stop();
    },
  };
}

/** Runs `work` over `items` with at most `limit` in flight. */
export async function forEachConcurrently<T>(items: readonly T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < items.length; i = next++) await work(items[i] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, () => worker()));
}

export function rolloutName(index: number, prefix = 'r'): string {
  return `${prefix}-${String(index).padStart(5, '0')}`;
}

/** A one-replica canary without a traffic router. */
export function canaryRollout(name: string, image: string, steps: CanaryStep[]): Rollout & KubeObject {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace: NAMESPACE },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image }] } },
      strategy: { canary: { steps } },
    },
  } as Rollout & KubeObject;
}

export async function setImage(client: KubeClient, name: string, image: string): Promise<void> {
  await client.patch(Kinds.Rollout, NAMESPACE, name, { spec: { template: { spec: { containers: [{ name: 'app', image }] } } } }, 'merge');
}

/** Whether the controller has caught up with the Rollout's spec and found it Healthy. */
export function settledHealthy(state: RolloutState | undefined): boolean {
  return state !== undefined && state.phase === 'Healthy' && state.observedGeneration === state.generation;
}

/** What to create for one Rollout named `name`: the Rollout on `img:1`, and anything it needs created first. */
export type RolloutSetup = (name: string) => { before?: Array<{ kind: ResourceKind; object: KubeObject }>; rollout: Rollout & KubeObject };

/**
 * Creates Rollouts `<prefix>-00000`… (by default plain canaries with `steps`) and waits until the controller reports
 * every one Healthy.
 */
export async function createHealthyRollouts(cluster: BenchCluster, count: number, steps: CanaryStep[], timeoutMs: number, prefix = 'r', setup?: RolloutSetup): Promise<string[]> {
  const names = Array.from({ length: count }, (_, i) => rolloutName(i, prefix));
  const build: RolloutSetup = setup ?? ((name) => ({ rollout: canaryRollout(name, 'img:1', steps) }));
  await forEachConcurrently(names, 16, async (name) => {
    const { before = [], rollout } = build(name);
    for (const { kind, object } of before) await cluster.client.create(kind, object);
    await cluster.client.create(Kinds.Rollout, rollout);
  });
  await cluster.waitUntil(`${count} Rollouts Healthy`, () => names.every((n) => settledHealthy(cluster.rollouts.get(n))), timeoutMs);
  return names;
}
