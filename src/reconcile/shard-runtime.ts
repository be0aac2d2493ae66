// One replica of a sharded controller: which shards it acts on (the gate), the Leases that decide it, the label
// selectors its caches watch through, and the labels it puts on what it creates. docs/adr/0017-shards-over-leases.md.
import type { Logger } from '../logger.js';
import type { Reconcile } from '../kube/controller-runner.js';
import type { KubeClient } from '../kube/kube-client.js';
import { objectKey, splitKey, type KubeObject } from '../kube/kube-object.js';
import { Kinds, type ResourceKind } from '../kube/resource-kind.js';
import { labelledShard, SHARD_LABEL, shardOf } from '../kube/shard.js';
import { ShardGate } from '../kube/shard-gate.js';
import { ShardLeases } from '../kube/shard-leases.js';
import type { SupervisedInformer } from '../kube/supervised-informer.js';
import type { RolloutInformers } from './rollout-informers.js';
import { ShardLabeller } from './shard-labeller.js';

/** Kinds the controller creates that are watched by shard: they carry their owner's shard label from birth. */
const SHARDED_KINDS = new Set([Kinds.ReplicaSet.kind, Kinds.AnalysisRun.kind, Kinds.Experiment.kind]);

export interface ShardRuntimeOptions {
  shards: number;
  identity: string;
  namespace?: string;
  leaseNamespace: string;
  /** Prefix of the Leases' names (the controller's Lease name). */
  leaseGroup: string;
  leaseDurationMs: number;
  logger: Logger;
}

/** What taking up a shard wakes: the work queues of the controller and the notification outbox. */
export type Requeue = (wanted: (obj: KubeObject) => boolean) => void;

export class ShardRuntime {
  readonly gate = new ShardGate();
  private leases: ShardLeases | undefined;
  private labeller: ShardLabeller | undefined;
  private informers: RolloutInformers | undefined;
  private readonly requeues: Requeue[] = [];

  constructor(private readonly options: ShardRuntimeOptions) {}

  /** The shard of a Rollout key: its hash's, whatever its label says (a wrong label is corrected, not obeyed). */
  readonly rolloutShard = (key: string): number => {
    const { namespace, name } = splitKey(key);
    return shardOf(namespace ?? '', name, this.options.shards);
  };

  /** Labels for an object being created: its owner's shard, so the replica acting on the owner sees it. */
  labelsOnCreate = (kind: ResourceKind, obj: KubeObject): Record<string, string> | undefined => {
    if (!SHARDED_KINDS.has(kind.kind) || obj.metadata.labels?.[SHARD_LABEL] !== undefined) return undefined;
    const shard = this.informers?.shardOfNew(obj);
    return shard === undefined ? undefined : { [SHARD_LABEL]: String(shard) };
  };

  /** A reconcile keyed by Rollout that runs only on this replica's active shards. */
  guardRollouts(reconcile: Reconcile): Reconcile {
    return this.gate.guard(this.rolloutShard, reconcile);
  }

  /** A reconcile of a labelled kind (AnalysisRuns, Experiments), routed by the label of the cached object. */
  guardObjects<T extends KubeObject>(informer: SupervisedInformer<T>, reconcile: Reconcile): Reconcile {
    return this.gate.guard((key) => {
      const obj = informer.get(key);
      return obj ? labelledShard(obj, this.options.shards) : undefined;
    }, reconcile);
  }

  /** Counts a Rollout's transitions in metrics only on the replica acting on it. */
  actsOn(rollout: { metadata: { namespace?: string; name?: string } }): boolean {
    return this.gate.isActive(this.rolloutShard(objectKey(rollout)));
  }

  /** Runs with these caches and wakes these queues when a shard is taken up; call before start(). */
  attach(client: KubeClient, informers: RolloutInformers, ...requeues: Requeue[]): void {
    this.informers = informers;
    this.requeues.push(...requeues);
    const { shards, identity, namespace, leaseNamespace, leaseGroup, leaseDurationMs, logger } = this.options;
    this.labeller = new ShardLabeller(client, { shards, logger, ...(namespace !== undefined ? { namespace } : {}) });
    // A Rollout on an active shard here whose label names another is relabelled, so its own shard's replica sees it.
    informers.rollouts.addHandler((e) => {
      if (e.type === 'delete') return;
      const labelled = labelledShard(e.object, shards);
      if (labelled !== undefined && this.gate.isActive(labelled) && labelled !== this.rolloutShard(e.key)) this.labeller?.relabelRollout(e.key);
    });
    this.leases = new ShardLeases(client, {
      namespace: leaseNamespace,
      group: leaseGroup,
      identity,
      shards,
      leaseDurationMs,
      retryPeriodMs: Math.max(100, Math.round(leaseDurationMs / 7)),
      logger,
      takeUp: (taken, held) => this.takeUp(taken, held),
      giveUp: (given) => this.gate.deactivate(given),
      released: (held) => informers.selectShards(held),
      lost: (lost) => void this.gate.deactivate(lost),
    });
  }

  start(): void {
    this.labeller?.start();
    this.leases?.start();
  }

  /** This replica leads the controller's Lease: it labels what is on no shard yet. */
  lead(): void {
    this.labeller?.watchUnassigned();
  }

  async stopLeading(): Promise<void> {
    await this.labeller?.stopWatching();
  }

  /** Hands every shard over (passes drained, Leases released), then stops labelling. */
  async stop(): Promise<void> {
    await this.leases?.stop();
    await this.labeller?.stop();
  }

  get heldShards(): number[] {
    return this.leases?.heldShards ?? [];
  }

  private async takeUp(taken: number[], held: number[]): Promise<void> {
    await this.informers?.selectShards(held);
    // A Lease lost while the caches were listing is not acted on.
    const stillHeld = taken.filter((shard) => this.heldShards.includes(shard));
    this.gate.activate(stillHeld);
    const wanted = new Set(stillHeld);
    const onTaken = (obj: KubeObject): boolean => {
      const shard = obj.kind === 'Rollout' ? this.rolloutShard(objectKey(obj)) : labelledShard(obj, this.options.shards);
      return shard !== undefined && wanted.has(shard);
    };
    for (const requeue of this.requeues) requeue(onTaken);
  }
}
