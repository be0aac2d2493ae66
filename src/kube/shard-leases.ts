// The Leases of a sharded controller: one per replica saying it is alive, one per shard saying who acts on it. Every
// replica lists them each period, works out the same assignment of shards to live replicas (shard-assignment.ts),
// hands over what is no longer its own and acquires what is. See docs/adr/0017-shards-over-leases.md.
//
// Safety rests on one order: a replica acts on a shard only after acquiring its Lease, and releases a Lease only after
// nothing acts on the shard any more. A replica that dies stops renewing; its Leases are taken once they have not
// changed for a Lease duration, judged by when *we* saw them change (clock skew between nodes does not matter).
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import { labelValueFor } from './bounded-name.js';
import { isAlreadyExists, isConflict } from './kube-api-error.js';
import type { KubeClient } from './kube-client.js';
import { microTime, releaseLease, type LeaseObject } from './leader-election.js';
import { Kinds } from './resource-kind.js';
import { assignShards } from './shard-assignment.js';

export const LEASE_GROUP_LABEL = 'vane.dev/lease-group';
const LEASE_ROLE_LABEL = 'vane.dev/lease-role';

export interface ShardLeasesOptions {
  /** Namespace of the Leases (the controller's own). */
  namespace: string;
  /** Names the Leases of one controller Deployment: `<group>-member-<identity>` and `<group>-shard-<n>`. */
  group: string;
  identity: string;
  shards: number;
  leaseDurationMs: number;
  /** How often the Leases are listed, renewed and acquired. */
  retryPeriodMs: number;
  logger?: Logger;
  /**
   * Shards whose Leases were just acquired: resolves once this replica acts on them. `held` is every shard it holds.
   * Not awaited by the renewals (a list that hangs must not stop them): check a shard is still held before acting.
   */
  takeUp(shards: number[], held: number[]): Promise<void>;
  /** Shards to hand over: resolves once nothing acts on them; their Leases are released after. */
  giveUp(shards: number[]): Promise<void>;
  /** Leases released: `held` is what is left, so caches can drop the rest. */
  released(held: number[]): Promise<void>;
  /** Leases lost without a hand-over (renewals failing past the deadline, or taken): stop acting on them at once. */
  lost(shards: number[]): void;
}

interface Observation {
  holder: string;
  renewTime: string;
  at: number;
}

export class ShardLeases {
  private readonly observed = new Map<string, Observation>();
  /** Shards whose Lease this replica holds, with when each was last renewed (or acquired). */
  private readonly held = new Map<number, number>();
  /** Held shards being handed over: nothing new is admitted; released once drained. */
  private readonly handing = new Set<number>();
  private readonly drained = new Set<number>();
  private readonly log: Logger;
  private stopped = true;
  private timer: NodeJS.Timeout | undefined;
  private current: Promise<void> = Promise.resolve();
  private lastFailure: string | undefined;
  private members: string[] = [];
  /** Periods since start: shards are acquired from the second on, once replicas started together have seen each other. */
  private ticks = 0;

  constructor(private readonly client: KubeClient, private readonly options: ShardLeasesOptions) {
    this.log = (options.logger ?? silentLogger).child({ leaseGroup: options.group, identity: options.identity });
  }

  /** The shards this replica holds the Lease of (acting on them, or handing them over). */
  get heldShards(): number[] {
    return [...this.held.keys()].sort((a, b) => a - b);
  }

  /** The live replicas as last seen, this one included. */
  get liveMembers(): string[] {
    return [...this.members];
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule(0);
  }

  /** Hands every shard over (drained, then released) and leaves the member list, so the others take over at once. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.current;
    const shards = this.heldShards;
    await this.options.giveUp(shards);
    await Promise.all([...shards.map((shard) => this.release(this.shardLease(shard))), this.release(this.memberLease)]).catch((err: unknown) =>
      this.log.warn({ err: describe(err) }, 'could not release every Lease; they expire instead'),
    );
    this.held.clear();
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.current = this.tick().finally(() => this.schedule(this.options.retryPeriodMs * (0.8 + Math.random() * 0.4)));
    }, delayMs);
    this.timer.unref();
  }

  private async tick(): Promise<void> {
    try {
      const leases = await this.listLeases();
      await this.renewOrCreate(this.memberLease, 'member', leases.get(this.memberLease));
      this.members = this.liveHolders(leases, 'member');
      if (!this.members.includes(this.options.identity)) this.members.push(this.options.identity);
      const mine = new Set(assignShards(this.options.shards, this.members).get(this.options.identity) ?? []);
      await this.keepHeld(leases);
      await this.releaseDrained();
      this.handOver([...this.held.keys()].filter((shard) => !mine.has(shard) && !this.handing.has(shard)));
      // In the first period this replica may be the only member it knows of; taking every shard then would make it
      // list them all, only to hand most over a period later.
      if (this.ticks++ > 0) await this.acquire([...mine].filter((shard) => !this.held.has(shard)), leases);
      this.recovered();
    } catch (err) {
      this.failed(err);
      this.loseOverdue();
    }
  }

  private async listLeases(): Promise<Map<string, LeaseObject>> {
    const { items } = await this.client.list<LeaseObject>(Kinds.Lease, this.options.namespace, { labelSelector: `${LEASE_GROUP_LABEL}=${this.groupLabel}` });
    const now = Date.now();
    for (const lease of items) {
      const name = lease.metadata.name ?? '';
      const holder = lease.spec?.holderIdentity ?? '';
      const renewTime = lease.spec?.renewTime ?? '';
      const seen = this.observed.get(name);
      if (seen?.holder !== holder || seen.renewTime !== renewTime) this.observed.set(name, { holder, renewTime, at: now });
    }
    return new Map(items.map((lease) => [lease.metadata.name ?? '', lease]));
  }

  /** Identities holding unexpired Leases of a role. */
  private liveHolders(leases: Map<string, LeaseObject>, role: 'member' | 'shard'): string[] {
    return [...leases.values()]
      .filter((lease) => lease.metadata.labels?.[LEASE_ROLE_LABEL] === role && !this.expired(lease))
      .map((lease) => lease.spec?.holderIdentity ?? '');
  }

  private expired(lease: LeaseObject): boolean {
    const holder = lease.spec?.holderIdentity ?? '';
    const seen = this.observed.get(lease.metadata.name ?? '');
    const durationMs = (lease.spec?.leaseDurationSeconds ?? this.options.leaseDurationMs / 1000) * 1000;
    return holder === '' || seen === undefined || seen.at + durationMs < Date.now();
  }

  /** Renews the held shards' Leases; one another replica took, or that could not be renewed in time, is lost. */
  private async keepHeld(leases: Map<string, LeaseObject>): Promise<void> {
    const lost: number[] = [];
    for (const shard of [...this.held.keys()]) {
      if (this.drained.has(shard)) continue;
      const lease = leases.get(this.shardLease(shard));
      if (lease?.spec?.holderIdentity !== this.options.identity) {
        lost.push(shard);
        continue;
      }
      try {
        if (await this.renewOrCreate(this.shardLease(shard), 'shard', lease)) this.held.set(shard, Date.now());
      } catch (err) {
        this.failed(err);
      }
    }
    this.lose(lost, 'taken by another replica');
    this.loseOverdue();
  }

  private loseOverdue(): void {
    const deadline = Date.now() - (this.options.leaseDurationMs * 2) / 3;
    this.lose([...this.held].filter(([, renewedAt]) => renewedAt < deadline).map(([shard]) => shard), 'renew deadline exceeded');
  }

  private lose(shards: number[], why: string): void {
    if (shards.length === 0) return;
    for (const shard of shards) {
      this.held.delete(shard);
      this.handing.delete(shard);
      this.drained.delete(shard);
    }
    this.log.warn({ shards, why }, 'lost shards');
    this.options.lost(shards);
  }

  /** Stops admitting work on shards that are now another replica's; their Leases are released once drained. */
  private handOver(shards: number[]): void {
    if (shards.length === 0) return;
    for (const shard of shards) this.handing.add(shard);
    this.log.info({ shards }, 'handing shards over');
    this.options.giveUp(shards).then(
      () => {
        for (const shard of shards) if (this.handing.has(shard)) this.drained.add(shard);
      },
      (err: unknown) => this.log.error({ err: describe(err), shards }, 'could not drain shards'),
    );
  }

  private async releaseDrained(): Promise<void> {
    const shards = [...this.drained];
    if (shards.length === 0) return;
    for (const shard of shards) {
      await this.release(this.shardLease(shard));
      this.held.delete(shard);
      this.handing.delete(shard);
      this.drained.delete(shard);
    }
    this.log.info({ shards }, 'released shards');
    this.inBackground(this.options.released(this.heldShards), 'could not narrow the caches to the shards held');
  }

  /** Takes the Leases of shards that are free (released, or not renewed for a duration) and starts acting on them. */
  private async acquire(shards: number[], leases: Map<string, LeaseObject>): Promise<void> {
    const acquired: number[] = [];
    for (const shard of shards) {
      const lease = leases.get(this.shardLease(shard));
      if (lease && !this.expired(lease)) continue;
      if (await this.renewOrCreate(this.shardLease(shard), 'shard', lease)) {
        this.held.set(shard, Date.now());
        acquired.push(shard);
      }
    }
    if (acquired.length === 0) return;
    this.log.info({ shards: acquired }, 'acquired shards');
    this.inBackground(this.options.takeUp(acquired, this.heldShards), 'could not take shards up');
  }

  /** Cache work runs beside the renewals: a relist that waits on a slow server must not let held Leases lapse. */
  private inBackground(work: Promise<void>, what: string): void {
    work.catch((err: unknown) => this.log.error({ err: describe(err) }, what));
  }

  /** Writes this replica into the Lease (creating it); false when another replica wrote first. */
  private async renewOrCreate(name: string, role: 'member' | 'shard', current: LeaseObject | undefined): Promise<boolean> {
    const now = new Date();
    const mine = current?.spec?.holderIdentity === this.options.identity;
    const spec = {
      holderIdentity: this.options.identity,
      leaseDurationSeconds: Math.ceil(this.options.leaseDurationMs / 1000),
      renewTime: microTime(now),
      acquireTime: mine ? current.spec?.acquireTime : microTime(now),
      leaseTransitions: (current?.spec?.leaseTransitions ?? 0) + (mine || current === undefined ? 0 : 1),
    };
    try {
      if (current) {
        // Renewed a third of a duration at most: others see it change in time, and idle replicas write little.
        if (mine && Date.now() - Date.parse(current.spec?.renewTime ?? '') < this.options.leaseDurationMs / 3) return true;
        await this.client.replace(Kinds.Lease, { ...current, spec: { ...current.spec, ...spec } });
      } else {
        const labels = { [LEASE_GROUP_LABEL]: this.groupLabel, [LEASE_ROLE_LABEL]: role };
        await this.client.create(Kinds.Lease, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { namespace: this.options.namespace, name, labels }, spec });
      }
      this.observed.set(name, { holder: this.options.identity, renewTime: spec.renewTime, at: Date.now() });
      return true;
    } catch (err) {
      if (isConflict(err) || isAlreadyExists(err)) return false;
      throw err;
    }
  }

  private release(name: string): Promise<void> {
    return releaseLease(this.client, this.options.namespace, name, this.options.identity);
  }

  private get groupLabel(): string {
    return labelValueFor(this.options.group);
  }

  private get memberLease(): string {
    return boundedLeaseName(`${this.options.group}-member-${this.options.identity}`);
  }

  private shardLease(shard: number): string {
    return `${this.options.group}-shard-${shard}`;
  }

  private failed(err: unknown): void {
    const message = describe(err);
    if (message === this.lastFailure) return;
    this.lastFailure = message;
    this.log.warn({ err: message }, 'shard Leases could not be read or written; retrying (logged again only if the cause changes)');
  }

  private recovered(): void {
    if (this.lastFailure === undefined) return;
    this.lastFailure = undefined;
    this.log.info('shard Leases work again');
  }
}

/** A Lease name from an identity (a pod name, or host and pid): lower case, DNS characters, bounded. */
function boundedLeaseName(value: string): string {
  return labelValueFor(value.toLowerCase().replace(/[^a-z0-9.-]+/g, '-')).replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '') || 'member';
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
