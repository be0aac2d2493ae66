// A tiny ReplicaSet controller and kubelet: keeps each ReplicaSet's Pods at spec.replicas, marks Pods Ready after
// a delay (never, for pod-template hashes a test has failed), and reports the counts in ReplicaSet status.
//
// Deployments are stored and served but not reconciled: Vane only reads their pod template. Jobs are run by the
// JobSimulator (for the job metric provider).
import { DeferredKeyQueue } from './deferred-key-queue.js';
import { JobSimulator } from './job-simulator.js';
import { objectKey, timestampNow, type KubeObject } from './kube-object.js';
import type { ObjectStore, StoreEvent } from './object-store.js';
import type { ResourceOperations } from './resource-operations.js';
import type { ResourceRegistry } from './resource-registry.js';
import type { ResourceType } from './resource-type.js';
import { isJsonObject, jsonEqual } from './schema/json-value.js';

export interface SimulatorOptions {
  /** Off: ReplicaSets get no Pods (default on). */
  enabled?: boolean;
  /** How long a new Pod takes to become Ready (default 100 ms). */
  readyDelayMs?: number;
}

/** The label Vane puts on the Pods of one pod template. */
export const POD_TEMPLATE_HASH_LABEL = 'rollouts-pod-template-hash';

const REPLICASETS = 'replicasets.apps';
const PODS = 'pods';

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
}

function controllerUid(obj: KubeObject): string | undefined {
  return obj.metadata.ownerReferences?.find((ref) => ref.controller === true)?.uid;
}

function isReady(pod: KubeObject): boolean {
  const conditions = (pod['status'] as { conditions?: Array<{ type: string; status: string }> } | undefined)?.conditions ?? [];
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True');
}

function templateOf(rs: KubeObject): PodTemplate {
  const spec = rs['spec'] as { template?: PodTemplate } | undefined;
  return spec?.template ?? {};
}

function desiredReplicas(rs: KubeObject): number {
  const replicas = (rs['spec'] as { replicas?: unknown } | undefined)?.replicas;
  return typeof replicas === 'number' ? replicas : 1;
}

function fullyLabeled(pod: KubeObject, labels: Record<string, string>): boolean {
  const podLabels = pod.metadata.labels ?? {};
  return Object.entries(labels).every(([k, v]) => podLabels[k] === v);
}

export class WorkloadSimulator {
  private readonly failingHashes = new Set<string>();
  private readonly readyTimers = new Map<string, NodeJS.Timeout>();
  private readonly queue: DeferredKeyQueue;
  private readonly unsubscribe: () => void;
  private readyDelayMs: number;
  private podIpCounter = 2;
  private readonly enabled: boolean;
  private readonly jobs: JobSimulator | undefined;

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly operations: ResourceOperations,
    options: SimulatorOptions,
    onError: (err: unknown) => void,
  ) {
    this.enabled = options.enabled ?? true;
    this.readyDelayMs = options.readyDelayMs ?? 100;
    this.queue = new DeferredKeyQueue((key) => this.reconcile(key), onError);
    this.unsubscribe = store.subscribe((event) => this.observe(event));
    this.jobs = this.enabled ? new JobSimulator(store, registry, operations, () => this.readyDelayMs, onError) : undefined;
  }

  /** Pods whose `rollouts-pod-template-hash` label is `hash` stop being (or never become) Ready. */
  failReadiness(hash: string): void {
    this.failingHashes.add(hash);
    for (const pod of this.podsWithHash(hash)) this.setReadiness(pod, false);
  }

  /** Undoes failReadiness: those Pods become Ready after the usual delay. */
  restoreReadiness(hash: string): void {
    this.failingHashes.delete(hash);
    for (const pod of this.podsWithHash(hash)) this.scheduleReady(pod);
  }

  setReadyDelay(ms: number): void {
    this.readyDelayMs = ms;
  }

  stop(): void {
    this.jobs?.stop();
    this.unsubscribe();
    this.queue.stop();
    for (const timer of this.readyTimers.values()) clearTimeout(timer);
    this.readyTimers.clear();
  }

  private type(storageKey: string): ResourceType {
    const type = this.registry.storageType(storageKey);
    if (!type) throw new Error(`no type for ${storageKey}`);
    return type;
  }

  private observe(event: StoreEvent): void {
    if (!this.enabled) return;
    const { metadata } = event.object;
    if (event.storageKey === REPLICASETS) {
      this.queue.add(objectKey(metadata.namespace, metadata.name ?? ''));
      return;
    }
    if (event.storageKey !== PODS) return;
    if (event.type === 'DELETED') this.clearTimer(event.object);
    const owner = controllerUid(event.object);
    const location = owner ? this.store.locate(owner) : undefined;
    if (location?.storageKey === REPLICASETS) this.queue.add(objectKey(location.namespace, location.name));
  }

  /** Through the store's owner index: listing the namespace made every pass O(pods), and a burst O(N²). */
  private ownedPods(rs: KubeObject): KubeObject[] {
    const uid = rs.metadata.uid;
    if (!uid) return [];
    const pods: KubeObject[] = [];
    for (const { storageKey, namespace, name } of this.store.dependentsOf(uid)) {
      const pod = storageKey === PODS ? this.store.get(PODS, namespace, name) : undefined;
      if (pod && controllerUid(pod) === uid && !pod.metadata.deletionTimestamp) pods.push(pod);
    }
    return pods;
  }

  private reconcile(key: string): void {
    const [namespace, name] = key.split('/');
    const rs = this.store.get(REPLICASETS, namespace, name ?? '');
    if (!rs || rs.metadata.deletionTimestamp || !namespace || !name) return;
    const pods = this.ownedPods(rs);
    const desired = desiredReplicas(rs);
    if (pods.length < desired) {
      for (let i = pods.length; i < desired; i++) this.createPod(rs);
    } else if (pods.length > desired) {
      this.deleteExtra(pods, pods.length - desired);
    }
    this.writeStatus(rs);
  }

  private createPod(rs: KubeObject): void {
    const template = templateOf(rs);
    const { name = '', namespace, uid = '' } = rs.metadata;
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${name}-`,
        namespace,
        labels: { ...(template.metadata?.labels ?? {}) },
        annotations: { ...(template.metadata?.annotations ?? {}) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name, uid, controller: true, blockOwnerDeletion: true }],
      },
      spec: structuredClone(template.spec ?? {}),
    };
    const created = this.operations.create(this.type(PODS), namespace, pod);
    this.scheduleReady(created);
  }

  /** Scales down the way the ReplicaSet controller prefers: not-ready Pods first, then the newest. */
  private deleteExtra(pods: KubeObject[], count: number): void {
    const ranked = [...pods].sort((a, b) => {
      const readiness = Number(isReady(a)) - Number(isReady(b));
      if (readiness !== 0) return readiness;
      return (b.metadata.creationTimestamp ?? '').localeCompare(a.metadata.creationTimestamp ?? '');
    });
    for (const pod of ranked.slice(0, count)) this.operations.delete(this.type(PODS), pod.metadata.namespace, pod.metadata.name ?? '');
  }

  private writeStatus(rs: KubeObject): void {
    const pods = this.ownedPods(rs);
    const ready = pods.filter(isReady).length;
    const templateLabels = templateOf(rs).metadata?.labels ?? {};
    const status: Record<string, unknown> = { ...(isJsonObject(rs['status']) ? rs['status'] : {}), replicas: pods.length };
    const counters = {
      fullyLabeledReplicas: pods.filter((p) => fullyLabeled(p, templateLabels)).length,
      readyReplicas: ready,
      availableReplicas: ready,
      observedGeneration: rs.metadata.generation ?? 1,
    };
    // These are omitempty in apps/v1: a real server never serialises them as 0.
    for (const [field, value] of Object.entries(counters)) {
      if (value === 0) delete status[field];
      else status[field] = value;
    }
    if (jsonEqual(status, rs['status'])) return;
    this.operations.replace(this.type(REPLICASETS), rs, { ...rs, status }, 'status');
  }

  private podsWithHash(hash: string): KubeObject[] {
    return this.store.list(PODS).filter((pod) => pod.metadata.labels?.[POD_TEMPLATE_HASH_LABEL] === hash);
  }

  private hashFails(pod: KubeObject): boolean {
    const hash = pod.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
    return hash !== undefined && this.failingHashes.has(hash);
  }

  private scheduleReady(pod: KubeObject): void {
    const key = objectKey(pod.metadata.namespace, pod.metadata.name ?? '');
    if (this.readyTimers.has(key)) return;
    const timer = setTimeout(() => {
      this.readyTimers.delete(key);
      const current = this.store.get(PODS, pod.metadata.namespace, pod.metadata.name ?? '');
      if (current && current.metadata.uid === pod.metadata.uid && !current.metadata.deletionTimestamp) this.setReadiness(current, !this.hashFails(current));
    }, this.readyDelayMs);
    this.readyTimers.set(key, timer);
  }

  private clearTimer(pod: KubeObject): void {
    const key = objectKey(pod.metadata.namespace, pod.metadata.name ?? '');
    const timer = this.readyTimers.get(key);
    if (timer) clearTimeout(timer);
    this.readyTimers.delete(key);
  }

  /** The status a kubelet reports for a running Pod whose readiness probe passes (or fails). */
  private setReadiness(pod: KubeObject, ready: boolean): void {
    const now = timestampNow();
    const old = (isJsonObject(pod['status']) ? pod['status'] : {}) as Record<string, unknown>;
    const ip = typeof old['podIP'] === 'string' ? old['podIP'] : this.nextPodIp();
    const readyText = ready ? 'True' : 'False';
    const containers = ((pod['spec'] as { containers?: Array<{ name: string; image?: string }> } | undefined)?.containers ?? []).map((c) => ({
      name: c.name,
      image: c.image ?? '',
      imageID: '',
      ready,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: (old['startTime'] as string | undefined) ?? now } },
    }));
    const status = {
      ...old,
      phase: 'Running',
      conditions: [
        { type: 'Initialized', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        { type: 'Ready', status: readyText, lastProbeTime: null, lastTransitionTime: now },
        { type: 'ContainersReady', status: readyText, lastProbeTime: null, lastTransitionTime: now },
        { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
      ],
      hostIP: '10.0.0.1',
      podIP: ip,
      podIPs: [{ ip }],
      startTime: (old['startTime'] as string | undefined) ?? now,
      containerStatuses: containers,
    };
    if (isReady(pod) === ready && old['phase'] === 'Running') return;
    this.operations.replace(this.type(PODS), pod, { ...pod, status }, 'status');
  }

  private nextPodIp(): string {
    const n = this.podIpCounter++;
    return `10.244.${Math.floor(n / 254) % 256}.${(n % 254) + 1}`;
  }
}
