// A stand-in for the ReplicaSet controller and the kubelet on a real API server that runs neither: it reports each
// ReplicaSet's replicas at once and its Pods Ready after a delay, through the status subresource, exactly as the
// sandbox's simulator does — including the same knob to keep the Pods of one pod-template hash from ever being Ready.
import type { KubeClient } from '../../src/kube/kube-client.js';
import { isConflict, isNotFound } from '../../src/kube/kube-api-error.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { SupervisedInformer } from '../../src/kube/supervised-informer.js';

/** The label Vane puts on the Pods (and ReplicaSets) of one pod template. */
const HASH_LABEL = 'rollouts-pod-template-hash';

interface ReplicaSet extends KubeObject {
  spec?: { replicas?: number };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; fullyLabeledReplicas?: number; observedGeneration?: number };
}

/** The knobs a test turns on the cluster's workloads, on the sandbox and on a real API server alike. */
export interface WorkloadKnobs {
  failReadiness(hash: string): void;
  restoreReadiness(hash: string): void;
  setReadyDelay(ms: number): void;
}

export class ReplicaSetStandIn implements WorkloadKnobs {
  private readonly informer: SupervisedInformer<ReplicaSet>;
  private readonly failing = new Set<string>();
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(private readonly client: KubeClient, private readyDelayMs = 100) {
    this.informer = new SupervisedInformer<ReplicaSet>(client, Kinds.ReplicaSet, {});
    this.informer.addHandler(({ type, key, object }) => {
      if (type !== 'delete') this.observe(key, object);
    });
  }

  async start(): Promise<void> {
    this.informer.start();
    await this.informer.waitForSync();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.informer.stop();
  }

  failReadiness(hash: string): void {
    this.failing.add(hash);
    this.resyncHash(hash);
  }

  restoreReadiness(hash: string): void {
    this.failing.delete(hash);
    this.resyncHash(hash);
  }

  setReadyDelay(ms: number): void {
    this.readyDelayMs = ms;
  }

  private resyncHash(hash: string): void {
    for (const rs of this.informer.list()) {
      if (rs.metadata.labels?.[HASH_LABEL] === hash) this.observe(`${rs.metadata.namespace}/${rs.metadata.name}`, rs);
    }
  }

  /** Replicas (and losses of readiness) are reported at once; Pods become Ready after the delay. */
  private observe(key: string, rs: ReplicaSet): void {
    const desired = rs.spec?.replicas ?? 1;
    const ready = Math.min(rs.status?.readyReplicas ?? 0, desired);
    void this.write(key, this.failingOf(rs) ? 0 : ready);
    if (!this.failingOf(rs) && ready < desired && !this.timers.has(key)) {
      this.timers.set(key, setTimeout(() => {
        this.timers.delete(key);
        const current = this.informer.get(key);
        if (current) void this.write(key, this.failingOf(current) ? 0 : current.spec?.replicas ?? 1);
      }, this.readyDelayMs));
    }
  }

  private failingOf(rs: ReplicaSet): boolean {
    const hash = rs.metadata.labels?.[HASH_LABEL];
    return hash !== undefined && this.failing.has(hash);
  }

  /** Writes the status a ReplicaSet controller would, with the resourceVersion cached; a conflict waits for the next event. */
  private async write(key: string, ready: number): Promise<void> {
    const rs = this.informer.get(key);
    if (!rs || this.stopped) return;
    const desired = rs.spec?.replicas ?? 1;
    const status = statusFor(desired, Math.min(ready, desired), rs.metadata.generation ?? 1);
    if (sameStatus(status, rs.status)) return;
    try {
      await this.client.replaceStatus(Kinds.ReplicaSet, { ...rs, status });
    } catch (err) {
      if (!isConflict(err) && !isNotFound(err) && !this.stopped) throw err;
    }
  }
}

/** apps/v1 ReplicaSetStatus: every counter but `replicas` is omitempty, so a real server never serves it as 0. */
function statusFor(replicas: number, ready: number, generation: number): ReplicaSet['status'] {
  const status: Record<string, number> = { replicas, fullyLabeledReplicas: replicas, readyReplicas: ready, availableReplicas: ready, observedGeneration: generation };
  for (const field of Object.keys(status)) if (field !== 'replicas' && status[field] === 0) delete status[field];
  return status;
}

function sameStatus(a: ReplicaSet['status'], b: ReplicaSet['status']): boolean {
  const fields = ['replicas', 'readyReplicas', 'availableReplicas', 'fullyLabeledReplicas', 'observedGeneration'] as const;
  return fields.every((f) => (a?.[f] ?? 0) === (b?.[f] ?? 0));
}
