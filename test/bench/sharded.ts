// Benchmark: N Rollouts over R replicas of a sharded controller (--shards S). One plain controller creates them
// Healthy (its peak RSS is the one-process reference of the same run); then R replicas start, label them onto shards
// and take an image change on all; one replica is SIGKILLed and its shards must be taken over within a Lease duration
// and a pass; a replica joins and shards move. Throughout, the sandbox's write log (one user per replica) must never
// show a Rollout written by one replica, then another, then the first again.
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { LeaseObject } from '../../src/kube/leader-election.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { LEASE_GROUP_LABEL } from '../../src/kube/shard-leases.js';
import { shardOf } from '../../src/kube/shard.js';
import { createHealthyRollouts, forEachConcurrently, NAMESPACE, setImage, settledHealthy, type SandboxBenchCluster } from './bench-cluster.js';
import type { Figure, Section } from './bench-table.js';
import { spawnController, type BenchController } from './controller-process.js';
import { round } from './proc-sampling.js';
import type { LoggedWrite } from './sandbox-process.js';
import { SCALE_STEPS } from './scale.js';

export interface ShardedSettings {
  rollouts: number;
  replicas: number;
  shards: number;
  leaseSeconds: number;
}

const LEASE_GROUP = 'vane-controller';

interface Replica {
  name: string;
  controller: BenchController;
}

export async function runShardedBench(cluster: SandboxBenchCluster, settings: ShardedSettings, log: (line: string) => void): Promise<Section> {
  const { rollouts: n, replicas: count, shards, leaseSeconds } = settings;
  const figures: Figure[] = [];
  // The creator only sets the scene; a heap beyond the Deployment's lets one process create 20,000 at once.
  const creator = await spawnController(cluster.kubeconfigPath, [], { nodeFlags: ['--max-old-space-size=2048'] });
  await creator.waitReady(60_000);
  log(`sharded: creating ${n} Rollouts with one plain controller`);
  const names = await createHealthyRollouts(cluster, n, SCALE_STEPS, 60_000 + n * 60).finally(async () => {
    figures.push({ figure: 'one plain controller, peak RSS creating them (reference; heap 2 GiB)', value: creator.sample().peakRssMiB, unit: 'MiB' });
    await creator.stop();
  });
  await cluster.takeWrites();

  const replicas: Replica[] = [];
  const start = async (index: number): Promise<Replica> => {
    const name = `replica-${index}`;
    const logFile = join(tmpdir(), `vane-bench-${name}-${process.pid}.log`);
    log(`sharded: ${name} logs to ${logFile}`);
    const controller = await spawnController(await replicaKubeconfig(cluster.kubeconfigPath, name), ['--shards', String(shards), '--lease-namespace', 'default', '--lease-duration', String(leaseSeconds)], {
      leaderElect: true,
      env: { POD_NAME: name },
      logFile,
    });
    const replica = { name, controller };
    replicas.push(replica);
    return replica;
  };
  const timeline = new LeaseTimeline(cluster);
  try {
    log(`sharded: ${count} replicas, ${shards} shards`);
    timeline.start();
    const startedAt = Date.now();
    for (let i = 0; i < count; i++) await start(i);
    await Promise.all(replicas.map((r) => r.controller.waitReady(120_000)));
    // The ReplicaSets too: the leader's label writes on other replicas' shards must be over before writes are judged.
    await waitFor(async () => (await labelledRollouts(cluster)) === n && (await unlabelledReplicaSets(cluster)) === 0, 'every Rollout and ReplicaSet labelled', 120_000 + n * 40);
    await waitBalanced(cluster, replicas.map((r) => r.name), shards, leaseSeconds);
    figures.push({ figure: `start ${count} replicas → every Rollout and ReplicaSet labelled, shards balanced`, value: round((Date.now() - startedAt) / 1000, 1), unit: 's' });
    figures.push({ figure: 'shards per replica', value: [...countBy(await holders(cluster)).values()].sort().join(' / ') });

    log('sharded: image change on all');
    await cluster.takeWrites();
    const burstAt = Date.now();
    await changeImages(cluster, names, 'img:2', 60_000 + n * 60);
    figures.push({ figure: 'image change on all → all Healthy', value: round((Date.now() - burstAt) / 1000, 1), unit: 's' });
    const peaks = replicas.map((r) => r.controller.sample().peakRssMiB);
    figures.push({ figure: 'peak RSS per replica (VmHWM)', value: peaks.join(' / '), unit: 'MiB', note: `max ${Math.max(...peaks)}` });
    const burstWrites = await cluster.takeWrites();
    figures.push(writersFigure('Rollouts written by more than one replica during the burst', burstWrites, names, 0));
    figures.push(outsideLeaseFigure('writes by a replica not holding the shard\'s Lease, burst', burstWrites, names, shards, timeline));

    log('sharded: SIGKILL of one replica');
    const victim = replicas[1] as Replica;
    const victimShards = [...(await holders(cluster))].filter(([, holder]) => holder === victim.name).map(([shard]) => shard);
    const moved = names.filter((name) => victimShards.includes(shardOf(NAMESPACE, name, shards)));
    await cluster.takeWrites();
    await victim.controller.kill();
    const killedAt = Date.now();
    const movedHealthy = changeImages(cluster, moved, 'img:3', 60_000 + moved.length * 60);
    movedHealthy.catch(() => undefined); // awaited below; a take-over that times out first must not leave it unhandled
    await waitFor(async () => {
      const now = await holders(cluster);
      return victimShards.every((shard) => now.has(shard) && now.get(shard) !== victim.name);
    }, 'the killed replica\'s shards taken over', leaseSeconds * 4_000);
    const takenMs = Date.now() - killedAt;
    await movedHealthy;
    figures.push({ figure: `SIGKILL → its ${victimShards.length} shards held by others`, value: round(takenMs / 1000, 1), unit: 's', target: `≤ Lease ${leaseSeconds} s + one pass` });
    figures.push({ figure: `SIGKILL → its ${moved.length} Rollouts Healthy on a new image`, value: round((Date.now() - killedAt) / 1000, 1), unit: 's' });
    const afterKill = await cluster.takeWrites();
    figures.push({ figure: 'writes by the killed replica after SIGKILL', value: afterKill.filter((w) => w.user === victim.name && w.arrivedAt > killedAt).length, target: '0' });
    figures.push(writersFigure('Rollouts written A → B → A across the take-over', afterKill, names, 1));
    figures.push(outsideLeaseFigure('writes by a replica not holding the shard\'s Lease, take-over', afterKill, names, shards, timeline));

    log('sharded: a replica joins');
    const joiner = await start(count);
    await joiner.controller.waitReady(120_000);
    const joinedAt = Date.now();
    await waitBalanced(cluster, replicas.filter((r) => r !== victim).map((r) => r.name), shards, leaseSeconds);
    figures.push({ figure: 'replica joins → shards balanced again', value: round((Date.now() - joinedAt) / 1000, 1), unit: 's', note: `shards per replica now ${[...countBy(await holders(cluster)).values()].sort().join(' / ')}` });
    await changeImages(cluster, names, 'img:4', 60_000 + n * 60);
    const joinWrites = await cluster.takeWrites();
    figures.push(writersFigure('Rollouts written A → B → A across the join', joinWrites, names, 1));
    figures.push(outsideLeaseFigure('writes by a replica not holding the shard\'s Lease, join', joinWrites, names, shards, timeline));
  } catch (err) {
    // The figures measured so far still say something; the failure is the last of them.
    figures.push({ figure: 'failed', value: err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err) });
  } finally {
    timeline.stop();
    await Promise.all(replicas.map((r) => r.controller.stop()));
  }
  return { benchmark: `sharded N=${n}, ${count} replicas, ${shards} shards`, figures };
}

/** A copy of the sandbox's kubeconfig whose current context is the replica's own user. */
async function replicaKubeconfig(path: string, user: string): Promise<string> {
  const config = yaml.load(await readFile(path, 'utf8')) as Record<string, unknown>;
  const file = join(tmpdir(), `vane-bench-${user}-${process.pid}.kubeconfig`);
  await writeFile(file, yaml.dump({ ...config, 'current-context': `vane-sandbox-${user}` }), { mode: 0o600 });
  return file;
}

/** Shard → the replica holding its Lease (unexpired holders only as the Leases say; a dead one's expire). */
async function holders(cluster: SandboxBenchCluster): Promise<Map<number, string>> {
  const { items } = await cluster.client.list<LeaseObject>(Kinds.Lease, 'default', { labelSelector: `${LEASE_GROUP_LABEL}=${LEASE_GROUP}` });
  const held = new Map<number, string>();
  for (const lease of items) {
    const shard = /-shard-(\d+)$/.exec(lease.metadata.name ?? '')?.[1];
    const holder = lease.spec?.holderIdentity ?? '';
    if (shard !== undefined && holder !== '') held.set(Number(shard), holder);
  }
  return held;
}

/**
 * Waits until exactly `live` hold the shards, each its share rounded down or up, unchanged for two Lease periods (the
 * hand-overs of a membership change are over).
 */
async function waitBalanced(cluster: SandboxBenchCluster, live: readonly string[], shards: number, leaseSeconds: number): Promise<void> {
  const low = Math.floor(shards / live.length);
  const high = Math.ceil(shards / live.length);
  let stableSince = Date.now();
  let last = '';
  await waitFor(async () => {
    const held = await holders(cluster);
    const counts = countBy(held);
    const balanced = held.size === shards && counts.size === live.length && live.every((name) => (counts.get(name) ?? 0) >= low && (counts.get(name) ?? 0) <= high);
    const now = JSON.stringify([...held].sort((a, b) => a[0] - b[0]));
    if (!balanced || now !== last) stableSince = Date.now();
    last = now;
    return balanced && Date.now() - stableSince >= (leaseSeconds * 2_000) / 7;
  }, `shards balanced over ${live.join(', ')}`, leaseSeconds * 12_000);
}

async function labelledRollouts(cluster: SandboxBenchCluster): Promise<number> {
  const { items } = await cluster.client.list(Kinds.Rollout, NAMESPACE, { labelSelector: 'vane.dev/shard' });
  return items.length;
}

async function unlabelledReplicaSets(cluster: SandboxBenchCluster): Promise<number> {
  const { items } = await cluster.client.list(Kinds.ReplicaSet, NAMESPACE, { labelSelector: '!vane.dev/shard' });
  return items.length;
}

function countBy(held: Map<number, string>): Map<string, number> {
  const counts = new Map<string, number>();
  for (const holder of held.values()) counts.set(holder, (counts.get(holder) ?? 0) + 1);
  return counts;
}

/** Changes the image of `names` and waits until every one is Healthy on the generation that change made. */
async function changeImages(cluster: SandboxBenchCluster, names: readonly string[], image: string, timeoutMs: number): Promise<void> {
  const before = new Map(names.map((name) => [name, cluster.rollouts.get(name)?.generation ?? 0]));
  await forEachConcurrently(names, 16, (name) => setImage(cluster.client, name, image));
  await cluster.waitUntil(`${names.length} Rollouts Healthy on ${image}`, () => names.every((name) => {
    const state = cluster.rollouts.get(name);
    return settledHealthy(state) && (state?.generation ?? 0) > (before.get(name) ?? 0);
  }), timeoutMs);
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The writes of replicas that act on a Rollout (its status, its ReplicaSets), with the Rollout they act on. */
function rolloutWrites(writes: LoggedWrite[], names: readonly string[]): Array<{ write: LoggedWrite; rollout: string }> {
  const known = new Set(names);
  const acting: Array<{ write: LoggedWrite; rollout: string }> = [];
  for (const w of [...writes].sort((a, b) => a.arrivedAt - b.arrivedAt)) {
    if (!w.user.startsWith('replica-') || w.code >= 400) continue;
    if (w.resource === 'rollouts' && w.subresource !== 'status') continue;
    if (w.resource !== 'rollouts' && w.resource !== 'replicasets') continue;
    const rollout = w.resource === 'rollouts' ? w.name ?? '' : (w.name ?? '').replace(/-[^-]+$/, '');
    if (known.has(rollout)) acting.push({ write: w, rollout });
  }
  return acting;
}

/**
 * The property sharding promises, checked directly: every write acting on a Rollout comes from the replica holding its
 * shard's unexpired Lease at that moment (to the 250 ms the Leases are polled at). A Rollout may go A → B → A without
 * breaking it — a Lease lost on a starved machine and later handed back — but never be written by one replica while
 * another holds its shard.
 */
function outsideLeaseFigure(figure: string, writes: LoggedWrite[], names: readonly string[], shards: number, timeline: LeaseTimeline): Figure {
  const outside = rolloutWrites(writes, names).filter(({ write, rollout }) => !timeline.held(write.user, shardOf(NAMESPACE, rollout, shards), write.arrivedAt));
  const first = outside[0];
  return {
    figure,
    value: outside.length,
    target: '0',
    note: `${timeline.sampleCount} Lease samples${first ? `; e.g. ${first.write.user} → ${first.write.resource}/${first.write.name} at ${new Date(first.write.arrivedAt).toISOString()}` : ''}`,
  };
}

/** The holders of the shard Leases, polled every 250 ms while the replicas run; a Lease past its renewTime + duration holds nothing. */
class LeaseTimeline {
  private readonly samples: Array<{ at: number; held: Map<number, string> }> = [];
  private running = false;

  constructor(private readonly cluster: SandboxBenchCluster) {}

  start(): void {
    this.running = true;
    void this.poll();
  }

  stop(): void {
    this.running = false;
  }

  get sampleCount(): number {
    return this.samples.length;
  }

  /** True when `replica` held `shard` in the sample just before `at` or in the one just after. */
  held(replica: string, shard: number, at: number): boolean {
    const after = this.samples.findIndex((sample) => sample.at >= at);
    const around = after === -1 ? this.samples.slice(-1) : this.samples.slice(Math.max(0, after - 1), after + 1);
    return around.some((sample) => sample.held.get(shard) === replica);
  }

  private async poll(): Promise<void> {
    while (this.running) {
      try {
        const { items } = await this.cluster.client.list<LeaseObject>(Kinds.Lease, 'default', { labelSelector: `${LEASE_GROUP_LABEL}=${LEASE_GROUP}` });
        const at = Date.now();
        const held = new Map<number, string>();
        for (const lease of items) {
          const shard = /-shard-(\d+)$/.exec(lease.metadata.name ?? '')?.[1];
          const renewed = Date.parse(lease.spec?.renewTime ?? '');
          const live = renewed + (lease.spec?.leaseDurationSeconds ?? 0) * 1000 > at;
          if (shard !== undefined && lease.spec?.holderIdentity && live) held.set(Number(shard), lease.spec.holderIdentity);
        }
        this.samples.push({ at, held });
      } catch {
        // a missed sample only widens the window the next one covers
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/**
 * Rollouts acted on (status, ReplicaSets) by replicas in an order that returns to an earlier one: with `handOvers`
 * 0, any second writer counts; with 1, one hand-over is allowed (A → B) but not a return (A → B → A).
 */
function writersFigure(figure: string, writes: LoggedWrite[], names: readonly string[], handOvers: number): Figure {
  const byRollout = new Map<string, string[]>();
  for (const { write, rollout } of rolloutWrites(writes, names)) {
    const runs = byRollout.get(rollout) ?? [];
    if (runs.at(-1) !== write.user) runs.push(write.user);
    byRollout.set(rollout, runs);
  }
  const bad = [...byRollout].filter(([, runs]) => (handOvers === 0 ? runs.length > 1 : new Set(runs).size !== runs.length));
  return { figure, value: bad.length, target: '0', note: `${byRollout.size} Rollouts written${bad[0] ? `; e.g. ${bad[0][0]}: ${bad[0][1].join(' → ')}` : ''}` };
}
