// The informers behind a RolloutCache, with the indexes that map a changed object back to the Rollouts it affects.
import type { Logger } from '../logger.js';
import type { KubeClient } from '../kube/kube-client.js';
import { trimForCache } from '../kube/cache-trim.js';
import { objectKey, type KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import { labelledShard, ownerShard, SHARD_LABEL } from '../kube/shard.js';
import { SupervisedInformer, type InformerOptions } from '../kube/supervised-informer.js';
import type { AnalysisRun, AnalysisTemplate } from '../resources/analysis.js';
import type { Experiment } from '../resources/experiment.js';
import type { Rollout } from '../resources/rollout.js';
import { POD_TEMPLATE_HASH_LABEL } from '../resources/pod-template-hash.js';
import type { ReplicaSetObject } from '../resources/replica-set.js';
import type { ServiceObject } from '../traffic/service-selector.js';
import type { DeploymentObject, RolloutCache } from './rollout-cache.js';

const BY_OWNER = 'owner';
const BY_SERVICE = 'service';
const BY_DEPLOYMENT = 'deployment';
const BY_EXPERIMENT = 'experiment';

export interface RolloutInformerOptions {
  namespace?: string;
  resyncMs?: number;
  watchdogMs?: number;
  logger: Logger;
  /**
   * Split into this many shards: Rollouts, ReplicaSets, AnalysisRuns and Experiments are watched only on the shards
   * this replica owns (none until selectShards), through their `vane.dev/shard` label. Absent: everything is watched.
   */
  shards?: number;
}

export class RolloutInformers implements RolloutCache {
  readonly rollouts: SupervisedInformer<Rollout & KubeObject>;
  readonly replicaSets: SupervisedInformer<ReplicaSetObject>;
  readonly services: SupervisedInformer<ServiceObject>;
  readonly analysisRuns: SupervisedInformer<AnalysisRun & KubeObject>;
  readonly analysisTemplates: SupervisedInformer<AnalysisTemplate & KubeObject>;
  readonly clusterAnalysisTemplates: SupervisedInformer<AnalysisTemplate & KubeObject>;
  readonly deployments: SupervisedInformer<DeploymentObject>;
  readonly experiments: SupervisedInformer<Experiment & KubeObject>;
  private readonly shards: number | undefined;

  constructor(client: KubeClient, options: RolloutInformerOptions) {
    this.shards = options.shards;
    // Sharded: each of these caches holds only the shards selectShards() chose (none until then).
    const sharded: InformerOptions = options.shards === undefined ? {} : { partitionLabel: SHARD_LABEL };
    const base: InformerOptions = {
      namespace: options.namespace,
      // No periodic resync: every change arrives by watch (a relist after a gap re-delivers what changed) and every
      // wait is a requeue, so a resync would only be work in proportion to N at rest (docs/adr/0016-scale-in-one-process.md).
      resyncMs: options.resyncMs ?? 0,
      watchdogMs: options.watchdogMs,
      logger: options.logger,
      // managedFields and last-applied can double an object's size; no reader of these caches uses them.
      trim: trimForCache,
    };
    this.rollouts = new SupervisedInformer(client, Kinds.Rollout, { ...base, ...sharded });
    // Only ReplicaSets that carry our hash label: the cache does not hold every ReplicaSet of the cluster.
    this.replicaSets = new SupervisedInformer(client, Kinds.ReplicaSet, { ...base, ...sharded, labelSelector: POD_TEMPLATE_HASH_LABEL });
    this.services = new SupervisedInformer(client, Kinds.Service, { ...base, resyncMs: 0 });
    this.analysisRuns = new SupervisedInformer(client, Kinds.AnalysisRun, { ...base, ...sharded });
    this.analysisTemplates = new SupervisedInformer(client, Kinds.AnalysisTemplate, { ...base, resyncMs: 0 });
    this.clusterAnalysisTemplates = new SupervisedInformer(client, Kinds.ClusterAnalysisTemplate, { ...base, namespace: undefined, resyncMs: 0 });
    this.deployments = new SupervisedInformer(client, Kinds.Deployment, { ...base, resyncMs: 0 });
    this.experiments = new SupervisedInformer(client, Kinds.Experiment, { ...base, ...sharded });

    this.replicaSets.addIndex(BY_OWNER, ownerKeys);
    this.analysisRuns.addIndex(BY_OWNER, ownerKeys);
    this.experiments.addIndex(BY_OWNER, ownerKeys);
    // What an Experiment owns: its templates' ReplicaSets and its AnalysisRuns.
    this.replicaSets.addIndex(BY_EXPERIMENT, experimentOwnerKeys);
    this.analysisRuns.addIndex(BY_EXPERIMENT, experimentOwnerKeys);
    this.rollouts.addIndex(BY_SERVICE, (ro) => serviceNames(ro).map((svc) => `${ro.metadata.namespace}/${svc}`));
    this.rollouts.addIndex(BY_DEPLOYMENT, (ro) => (ro.spec?.workloadRef ? [`${ro.metadata.namespace}/${ro.spec.workloadRef.name}`] : []));
  }

  get all(): Array<SupervisedInformer<KubeObject>> {
    return [
      this.rollouts,
      this.replicaSets,
      this.services,
      this.analysisRuns,
      this.analysisTemplates,
      this.clusterAnalysisTemplates,
      this.deployments,
      this.experiments,
    ] as unknown as Array<SupervisedInformer<KubeObject>>;
  }

  start(): void {
    for (const informer of this.all) informer.start();
  }

  /**
   * Watches the objects of exactly these shards; resolves once every sharded cache holds them. Shards handed over
   * leave the caches without a request and only shards taken up are listed.
   */
  async selectShards(owned: readonly number[]): Promise<void> {
    const partitions = owned.map(String);
    await Promise.all([this.rollouts, this.replicaSets, this.analysisRuns, this.experiments].map((informer) => informer.selectPartitions(partitions)));
  }

  /**
   * The shard of an object this replica creates: its owner's (a Rollout's by hash, an Experiment's by its label in
   * this cache), or its own name's. Undefined when not sharded or when the owner is not known here.
   */
  shardOfNew(obj: KubeObject): number | undefined {
    const shards = this.shards;
    if (shards === undefined) return undefined;
    const owner = obj.metadata.ownerReferences?.find((ref) => ref.controller === true);
    if (owner?.kind !== 'Experiment') return ownerShard(obj, shards);
    const experiment = this.experiments.get(`${obj.metadata.namespace}/${owner.name}`);
    return experiment ? labelledShard(experiment as KubeObject, shards) : undefined;
  }

  async stop(): Promise<void> {
    await Promise.all(this.all.map((informer) => informer.stop()));
  }

  async waitForSync(): Promise<void> {
    await Promise.all(this.all.map((informer) => informer.waitForSync()));
  }

  get hasSynced(): boolean {
    return this.all.every((informer) => informer.hasSynced);
  }

  /** The Rollout keys an object's change should wake. */
  rolloutKeysFor(obj: KubeObject, kind: 'ReplicaSet' | 'AnalysisRun' | 'Service' | 'Deployment' | 'Experiment'): string[] {
    if (kind === 'ReplicaSet' || kind === 'AnalysisRun' || kind === 'Experiment') {
      const owner = obj.metadata.ownerReferences?.find((ref) => ref.kind === 'Rollout' && ref.controller);
      return owner ? [`${obj.metadata.namespace}/${owner.name}`] : [];
    }
    const index = kind === 'Service' ? BY_SERVICE : BY_DEPLOYMENT;
    return this.rollouts.byIndex(index, objectKey(obj)).map(objectKey);
  }

  rollout(namespace: string, name: string): Rollout | undefined {
    return this.rollouts.get(`${namespace}/${name}`);
  }

  replicaSetsOf(rollout: Rollout): ReplicaSetObject[] {
    return this.replicaSets.byIndex(BY_OWNER, rollout.metadata.uid ?? '');
  }

  service(namespace: string, name: string): ServiceObject | undefined {
    return this.services.get(`${namespace}/${name}`);
  }

  analysisRunsOf(rollout: Rollout): AnalysisRun[] {
    return this.analysisRuns.byIndex(BY_OWNER, rollout.metadata.uid ?? '');
  }

  /** The key of the Experiment that controls `obj` (a ReplicaSet or AnalysisRun), if one does. */
  experimentKeyFor(obj: KubeObject): string | undefined {
    const owner = obj.metadata.ownerReferences?.find((ref) => ref.kind === 'Experiment' && ref.controller);
    return owner ? `${obj.metadata.namespace}/${owner.name}` : undefined;
  }

  experiment(namespace: string, name: string): Experiment | undefined {
    return this.experiments.get(`${namespace}/${name}`);
  }

  experimentsOf(rollout: Rollout): Experiment[] {
    return this.experiments.byIndex(BY_OWNER, rollout.metadata.uid ?? '');
  }

  replicaSetsOfExperiment(experiment: Experiment): ReplicaSetObject[] {
    return this.replicaSets.byIndex(BY_EXPERIMENT, experiment.metadata.uid ?? '');
  }

  analysisRunsOfExperiment(experiment: Experiment): AnalysisRun[] {
    return this.analysisRuns.byIndex(BY_EXPERIMENT, experiment.metadata.uid ?? '');
  }

  deployment(namespace: string, name: string): DeploymentObject | undefined {
    return this.deployments.get(`${namespace}/${name}`);
  }

  analysisTemplate(namespace: string, name: string): AnalysisTemplate | undefined {
    return this.analysisTemplates.get(`${namespace}/${name}`);
  }

  clusterAnalysisTemplate(name: string): AnalysisTemplate | undefined {
    return this.clusterAnalysisTemplates.get(name);
  }
}

function ownerKeys(obj: KubeObject): string[] {
  return (obj.metadata.ownerReferences ?? []).filter((ref) => ref.kind === 'Rollout').map((ref) => ref.uid);
}

function experimentOwnerKeys(obj: KubeObject): string[] {
  return (obj.metadata.ownerReferences ?? []).filter((ref) => ref.kind === 'Experiment').map((ref) => ref.uid);
}

function serviceNames(rollout: Rollout): string[] {
  const { canary, blueGreen } = rollout.spec?.strategy ?? {};
  return [canary?.stableService, canary?.canaryService, blueGreen?.activeService, blueGreen?.previewService].filter(
    (name): name is string => typeof name === 'string',
  );
}
