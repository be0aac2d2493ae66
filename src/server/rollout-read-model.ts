// The server's read side: informer caches of Rollouts and what hangs off them (ReplicaSets, AnalysisRuns, Events),
// indexed by the owning Rollout's uid, so every read request is answered from memory.
import type { Logger } from '../logger.js';
import { silentLogger } from '../logger.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import { SupervisedInformer } from '../kube/supervised-informer.js';
import type { AnalysisRun } from '../resources/analysis.js';
import { STEP_ROLLOUT_UID_LABEL } from '../resources/experiment.js';
import type { Rollout } from '../resources/rollout.js';
import { POD_TEMPLATE_HASH_LABEL } from '../resources/pod-template-hash.js';
import type { ReplicaSetObject } from '../resources/replica-set.js';

export type RolloutObject = Rollout & KubeObject;
export type AnalysisRunObject = AnalysisRun & KubeObject;

// The ReplicaSet shape of src/resources, which the controller uses too, so its informer can be shared with this model.
export type { ReplicaSetObject };

/** An events.k8s.io/v1 Event, as far as the server shows it. */
export interface EventObject extends KubeObject {
  regarding?: { kind?: string; name?: string; namespace?: string; uid?: string };
  reason?: string;
  note?: string;
  type?: string;
  eventTime?: string;
  series?: { count?: number; lastObservedTime?: string };
  deprecatedCount?: number;
  deprecatedLastTimestamp?: string;
  reportingController?: string;
}

/** Informers the caller already runs (the controller's) and wants shared instead of duplicated. */
export interface SharedInformers {
  rollouts?: SupervisedInformer<RolloutObject>;
  replicaSets?: SupervisedInformer<ReplicaSetObject>;
  analysisRuns?: SupervisedInformer<AnalysisRunObject>;
  events?: SupervisedInformer<EventObject>;
}

export interface ReadModelOptions {
  namespace?: string;
  shared?: SharedInformers;
  logger?: Logger;
}

/**
 * Only Events about Vane's Rollouts, selected by the server (events.k8s.io/v1 supports `regarding.*` field selectors
 * since its introduction in 1.19): a cluster's Events are mostly about pods and nodes, and are many.
 */
export const ROLLOUT_EVENTS_FIELD_SELECTOR = `regarding.kind=${Kinds.Rollout.kind},regarding.apiVersion=${Kinds.Rollout.group}/${Kinds.Rollout.version}`;

// Index names carry a prefix so they cannot collide with indexes the controller adds to shared informers.
const BY_OWNER_UID = 'server/owner-uid';
const BY_REGARDING_UID = 'server/regarding-uid';

export class RolloutReadModel {
  readonly rollouts: SupervisedInformer<RolloutObject>;
  readonly replicaSets: SupervisedInformer<ReplicaSetObject>;
  readonly analysisRuns: SupervisedInformer<AnalysisRunObject>;
  readonly events: SupervisedInformer<EventObject>;
  /** Only the informers this model created; shared ones are started and stopped by their owner. */
  private readonly owned: Array<SupervisedInformer<KubeObject>> = [];

  constructor(client: KubeClient, options: ReadModelOptions = {}) {
    const base = { namespace: options.namespace, logger: options.logger ?? silentLogger };
    const shared = options.shared ?? {};
    this.rollouts = shared.rollouts ?? this.own(new SupervisedInformer<RolloutObject>(client, Kinds.Rollout, base));
    // Only the ReplicaSets the controller labels (as its own informer does), not every ReplicaSet of the cluster.
    this.replicaSets = shared.replicaSets ?? this.own(new SupervisedInformer<ReplicaSetObject>(client, Kinds.ReplicaSet, { ...base, labelSelector: POD_TEMPLATE_HASH_LABEL }));
    this.analysisRuns = shared.analysisRuns ?? this.own(new SupervisedInformer<AnalysisRunObject>(client, Kinds.AnalysisRun, base));
    this.events = shared.events ?? this.own(new SupervisedInformer<EventObject>(client, Kinds.Event, { ...base, fieldSelector: ROLLOUT_EVENTS_FIELD_SELECTOR }));
    this.replicaSets.addIndex(BY_OWNER_UID, rolloutOwnerUids);
    this.analysisRuns.addIndex(BY_OWNER_UID, analysisRunRolloutUids);
    this.events.addIndex(BY_REGARDING_UID, (e) => (e.regarding?.kind === 'Rollout' && e.regarding.uid ? [e.regarding.uid] : []));
  }

  start(): void {
    for (const informer of this.owned) informer.start();
  }

  async stop(): Promise<void> {
    await Promise.all(this.owned.map((informer) => informer.stop()));
  }

  async waitForSync(): Promise<void> {
    await Promise.all(this.all().map((informer) => informer.waitForSync()));
  }

  get hasSynced(): boolean {
    return this.all().every((informer) => informer.hasSynced);
  }

  /** Which caches have not listed yet, for /readyz. */
  unsynced(): string[] {
    return this.all().filter((informer) => !informer.hasSynced).map((informer) => informer.kind.plural);
  }

  rollout(namespace: string, name: string): RolloutObject | undefined {
    return this.rollouts.get(`${namespace}/${name}`);
  }

  listRollouts(namespace?: string): RolloutObject[] {
    return this.rollouts.list(namespace).sort(byNamespaceAndName);
  }

  replicaSetsOf(rollout: Rollout): ReplicaSetObject[] {
    return this.replicaSets.byIndex(BY_OWNER_UID, rollout.metadata.uid ?? '');
  }

  analysisRunsOf(rollout: Rollout): AnalysisRunObject[] {
    return this.analysisRuns.byIndex(BY_OWNER_UID, rollout.metadata.uid ?? '');
  }

  eventsOf(rollout: Rollout): EventObject[] {
    return this.events.byIndex(BY_REGARDING_UID, rollout.metadata.uid ?? '');
  }

  private own<T extends KubeObject>(informer: SupervisedInformer<T>): SupervisedInformer<T> {
    this.owned.push(informer as unknown as SupervisedInformer<KubeObject>);
    return informer;
  }

  private all(): Array<SupervisedInformer<KubeObject>> {
    return [this.rollouts, this.replicaSets, this.analysisRuns, this.events] as unknown as Array<SupervisedInformer<KubeObject>>;
  }
}

/** A Rollout's own runs, and the runs of the Experiments its experiment steps ran (labelled with its uid). */
export function analysisRunRolloutUids(run: KubeObject): string[] {
  const stepOf = run.metadata.labels?.[STEP_ROLLOUT_UID_LABEL];
  return stepOf === undefined ? rolloutOwnerUids(run) : [...new Set([...rolloutOwnerUids(run), stepOf])];
}

function rolloutOwnerUids(obj: KubeObject): string[] {
  return (obj.metadata.ownerReferences ?? []).filter((ref) => ref.kind === 'Rollout').map((ref) => ref.uid);
}

function byNamespaceAndName(a: KubeObject, b: KubeObject): number {
  return (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}
