// Puts the `vane.dev/shard` label on what no replica would otherwise see: Rollouts without it (or naming a shard that
// does not exist), and the ReplicaSets, AnalysisRuns and Experiments of Rollouts made before sharding was turned on.
// The replica leading the controller's Lease watches for them; any replica may ask it to fix a Rollout whose label
// disagrees with its hash. A label is written with the object's resourceVersion, so it never undoes a newer change.
import type { Logger } from '../logger.js';
import { ControllerRunner, type ReconcileResult } from '../kube/controller-runner.js';
import { isConflict } from '../kube/kube-api-error.js';
import type { KubeClient } from '../kube/kube-client.js';
import { splitKey, type KubeObject } from '../kube/kube-object.js';
import { Kinds, type ResourceKind } from '../kube/resource-kind.js';
import { andSelectors, labelledShard, ownerShard, SHARD_LABEL, shardOf, unassignedSelector } from '../kube/shard.js';
import { SupervisedInformer } from '../kube/supervised-informer.js';
import { POD_TEMPLATE_HASH_LABEL } from '../resources/pod-template-hash.js';

const LABELLED_KINDS: Record<string, { kind: ResourceKind; selector?: string }> = {
  Rollout: { kind: Kinds.Rollout },
  ReplicaSet: { kind: Kinds.ReplicaSet, selector: POD_TEMPLATE_HASH_LABEL },
  AnalysisRun: { kind: Kinds.AnalysisRun },
  Experiment: { kind: Kinds.Experiment },
};

export interface ShardLabellerOptions {
  shards: number;
  namespace?: string;
  logger: Logger;
}

export class ShardLabeller {
  private readonly runner: ControllerRunner;
  private readonly unassigned: Array<SupervisedInformer<KubeObject>>;
  private watching = false;

  constructor(private readonly client: KubeClient, private readonly options: ShardLabellerOptions) {
    this.runner = new ControllerRunner((key) => this.label(key), { name: 'shardlabels', workers: 2, logger: options.logger });
    this.unassigned = Object.entries(LABELLED_KINDS).map(([name, { kind, selector }]) => {
      const informer = new SupervisedInformer<KubeObject>(client, kind, {
        namespace: options.namespace,
        labelSelector: andSelectors(selector, unassignedSelector(options.shards)),
        logger: options.logger,
      });
      informer.addHandler((e) => {
        if (e.type !== 'delete') this.runner.enqueue(`${name}|${e.key}`);
      });
      return informer;
    });
  }

  /** Labels work asked for with relabel(); every replica runs this. */
  start(): void {
    this.runner.start();
  }

  /** Watches for objects on no shard and labels them; only the replica leading the controller's Lease does. */
  watchUnassigned(): void {
    if (this.watching) return;
    this.watching = true;
    for (const informer of this.unassigned) informer.start();
  }

  async stopWatching(): Promise<void> {
    this.watching = false;
    await Promise.all(this.unassigned.map((informer) => informer.stop()));
  }

  async stop(): Promise<void> {
    await this.stopWatching();
    await this.runner.stop();
  }

  /** Asks for a Rollout's label to be set to its hash's shard (it names another, so its replica would not act on it). */
  relabelRollout(key: string): void {
    this.runner.enqueue(`Rollout|${key}`);
  }

  private async label(item: string): Promise<ReconcileResult> {
    const [name, key] = item.split('|') as [string, string];
    const target = LABELLED_KINDS[name];
    if (!target) return {};
    const { namespace, name: objectName } = splitKey(key);
    const obj = await this.client.get<KubeObject>(target.kind, namespace, objectName);
    if (!obj) return {};
    const shard = await this.shardFor(name, obj);
    if (shard === undefined || labelledShard(obj, this.options.shards) === shard) return {};
    try {
      await this.client.patch(target.kind, namespace, objectName, { metadata: { resourceVersion: obj.metadata.resourceVersion, labels: { [SHARD_LABEL]: String(shard) } } });
    } catch (err) {
      // Changed since the read: the change brings it back here if it still needs a label.
      if (!isConflict(err)) throw err;
      return { requeueAfterMs: 0 };
    }
    return {};
  }

  /** A Rollout's shard is its hash's; anything else follows its owner (an Experiment's label, read live). */
  private async shardFor(name: string, obj: KubeObject): Promise<number | undefined> {
    const { shards } = this.options;
    const namespace = obj.metadata.namespace ?? '';
    if (name === 'Rollout') return shardOf(namespace, obj.metadata.name ?? '', shards);
    const owner = obj.metadata.ownerReferences?.find((ref) => ref.controller === true);
    if (owner?.kind !== 'Experiment') return ownerShard(obj, shards) ?? shardOf(namespace, obj.metadata.name ?? '', shards);
    const experiment = await this.client.get<KubeObject>(Kinds.Experiment, namespace, owner.name);
    if (!experiment) return undefined;
    return labelledShard(experiment, shards) ?? ownerShard(experiment, shards) ?? shardOf(namespace, owner.name, shards);
  }
}
