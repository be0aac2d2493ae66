// The hand-over protocol of shard Leases, against the sandbox (and the real API server in that leg): a shard is taken
// only after its holder drained and released it, or after its Lease went unrenewed for a duration.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeClient } from '../../src/kube/kube-client.js';
import type { LeaseObject } from '../../src/kube/leader-election.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { ShardLeases } from '../../src/kube/shard-leases.js';
import { adminClient, openControllerCluster, type ControllerCluster } from '../support/controller-cluster.js';

const LEASE_MS = 1_000;

let cluster: ControllerCluster;
let client: KubeClient;

beforeAll(async () => {
  cluster = await openControllerCluster({ crdFiles: [] });
  client = await adminClient(cluster);
}, 120_000);

afterAll(async () => {
  client?.transport.close();
  await cluster?.stop();
});

/** One replica's view: what it acts on, in order of events, and a way to hold its hand-over open. */
class Replica {
  readonly acting = new Set<number>();
  readonly events: string[] = [];
  release: () => void = () => undefined;
  holdHandOver = false;
  /** A take-up that never finishes, as a cache list would on a server that stopped answering lists. */
  hangTakeUp = false;
  dead = false;
  /** Shard → when this replica last wrote itself into its Lease. */
  readonly renewals = new Map<number, number>();
  readonly leases: ShardLeases;

  constructor(private readonly identity: string, group: string, shards: number, leaseDurationMs = LEASE_MS) {
    this.leases = new ShardLeases(this.reachable(), {
      namespace: 'default',
      group,
      identity,
      shards,
      leaseDurationMs,
      retryPeriodMs: 100,
      takeUp: async (taken) => {
        if (this.hangTakeUp) await new Promise(() => undefined);
        for (const shard of taken) this.acting.add(shard);
        this.events.push(`take ${taken.join(',')}`);
      },
      giveUp: async (given) => {
        if (this.holdHandOver) await new Promise<void>((resolve) => (this.release = resolve));
        for (const shard of given) this.acting.delete(shard);
        this.events.push(`give ${given.join(',')}`);
      },
      released: async () => undefined,
      lost: (lost) => {
        for (const shard of lost) this.acting.delete(shard);
        this.events.push(`lost ${lost.join(',')}`);
      },
    });
  }

  private recordRenewal(lease: LeaseObject): void {
    const shard = /-shard-(\d+)$/.exec(lease.metadata.name ?? '')?.[1];
    if (shard !== undefined && lease.spec?.holderIdentity === this.identity) this.renewals.set(Number(shard), Date.now());
  }

  /** The shared client, until the replica dies: then every request fails as if the process were gone. */
  private reachable(): KubeClient {
    return new Proxy(client, {
      get: (target, property, receiver) => {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return async (...args: unknown[]) => {
          if (this.dead) throw new Error('replica is dead');
          const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (property === 'replace' || property === 'create') this.recordRenewal(args[1] as LeaseObject);
          return result;
        };
      },
    });
  }
}

describe('shard Leases', () => {
  it('hand a shard to a joining replica only after the holder has drained it and released its Lease', async () => {
    const a = new Replica('a', 'handover', 2);
    a.leases.start();
    await waitUntil(() => a.acting.size === 2, 'a to act on both shards');
    a.holdHandOver = true;
    const b = new Replica('b', 'handover', 2);
    b.leases.start();
    await waitUntil(() => a.events.length > 1 || a.leases.liveMembers.length === 2, 'a to see b');
    // b's share is one shard, but a is still draining it: b must not take it, however long that lasts (> a duration).
    await sleep(LEASE_MS * 1.5);
    expect(b.acting.size).toBe(0);
    a.holdHandOver = false;
    a.release();
    await waitUntil(() => b.acting.size === 1, 'b to take its shard');
    expect([...a.acting, ...b.acting].sort()).toEqual([0, 1]);
    expect(a.events.at(-1)).toMatch(/^give /);
    await Promise.all([a.leases.stop(), b.leases.stop()]);
  });

  it('take a dead replica\'s shards once its Leases went a duration without renewal, not before', async () => {
    const a = new Replica('a', 'expiry', 2);
    a.leases.start();
    await waitUntil(() => a.acting.size === 2, 'a to act on both shards');
    const b = new Replica('b', 'expiry', 2);
    b.leases.start();
    await waitUntil(() => b.acting.size === 1, 'b to take one shard');
    a.dead = true;
    const diedAt = Date.now();
    const shard = [0, 1].find((n) => !b.acting.has(n)) ?? 0;
    await waitUntil(() => b.acting.size === 2, 'b to take the dead replica\'s shard', 10_000);
    const tookAt = Date.now();
    expect(tookAt - diedAt).toBeLessThan(LEASE_MS * 3);
    // Not before a whole duration has passed since the dead replica last renewed it (one clock: the test's).
    const lease = await client.get<LeaseObject>(Kinds.Lease, 'default', `expiry-shard-${shard}`);
    expect(lease?.spec?.holderIdentity).toBe('b');
    expect(lease?.spec?.leaseTransitions).toBeGreaterThanOrEqual(1);
    expect(tookAt - lastRenewal(a, shard)).toBeGreaterThanOrEqual(LEASE_MS);
    // The dead replica itself stopped acting before the Lease could expire (its renew deadline is 2/3 of it).
    expect(a.acting.size).toBe(0);
    expect(a.events.at(-1)).toMatch(/^lost /);
    await b.leases.stop();
  });

  it('stop acting at once on a shard whose Lease another holder wrote', async () => {
    const a = new Replica('a', 'taken', 1);
    a.leases.start();
    await waitUntil(() => a.acting.size === 1, 'a to act on its shard');
    const lease = await client.get<LeaseObject>(Kinds.Lease, 'default', 'taken-shard-0');
    await client.replace(Kinds.Lease, { ...lease, metadata: lease?.metadata ?? {}, spec: { ...lease?.spec, holderIdentity: 'intruder' } });
    await waitUntil(() => a.acting.size === 0, 'a to stop acting');
    expect(a.events).toContain('lost 0');
    await a.leases.stop();
  });

  it('keep renewing held Leases while taking a shard up hangs, so the shard is not lost meanwhile', async () => {
    const a = new Replica('a', 'slow-take', 1);
    a.hangTakeUp = true;
    a.leases.start();
    await waitUntil(() => a.leases.heldShards.length === 1, 'a to hold the shard');
    const first = (await client.get<LeaseObject>(Kinds.Lease, 'default', 'slow-take-shard-0'))?.spec?.renewTime;
    await sleep(LEASE_MS * 1.5);
    const later = await client.get<LeaseObject>(Kinds.Lease, 'default', 'slow-take-shard-0');
    expect(later?.spec?.holderIdentity).toBe('a');
    expect(later?.spec?.renewTime).not.toBe(first);
    expect(a.events.filter((e) => e.startsWith('lost'))).toEqual([]);
    await a.leases.stop();
  });

  it('on stop, hand everything over so the others take it without waiting for expiry', async () => {
    // A long Lease, so that a take-over shorter than it cannot have waited for expiry, however loaded the machine.
    const a = new Replica('a', 'leaving', 4, LEASE_MS * 5);
    const b = new Replica('b', 'leaving', 4, LEASE_MS * 5);
    a.leases.start();
    b.leases.start();
    await waitUntil(() => a.acting.size + b.acting.size === 4 && a.acting.size > 0 && b.acting.size > 0, 'both to act');
    const stoppedAt = Date.now();
    await a.leases.stop();
    await waitUntil(() => b.acting.size === 4, 'b to take everything');
    expect(Date.now() - stoppedAt).toBeLessThan(LEASE_MS * 5);
    await b.leases.stop();
  });
});

/** When the replica last wrote the shard's Lease, as it recorded it. */
function lastRenewal(replica: Replica, shard: number): number {
  return replica.renewals.get(shard) ?? 0;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}
