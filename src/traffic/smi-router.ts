// SMI router: a TrafficSplit (split.smi-spec.io/v1alpha4) created and owned by the Rollout, splitting the root
// Service between the stable and canary Services by weight. No header routes: those need HTTPRouteGroups.
import { TerminalError } from '../errors.js';
import type { KubeObject } from '../kube/kube-object.js';
import { apiVersionOf, Kinds } from '../kube/resource-kind.js';
import type { Rollout, SMITrafficRouting } from '../resources/rollout.js';
import { checkPercent, describeObject, isOwnedBy, percentOf, rolloutOwnerReference, type RouterDeps } from './routing-object.js';
import { stableShare, type TrafficRouter, type WeightContext, type WeightDestination } from './traffic-router.js';
import { sameJson } from '../resources/canonical-json.js';

export interface TrafficSplitBackend {
  service: string;
  /** `type: number` in the v1alpha4 schema; Vane writes integer percents. */
  weight: number;
  [field: string]: unknown;
}

export interface TrafficSplitObject extends KubeObject {
  spec: { service: string; backends: TrafficSplitBackend[]; [field: string]: unknown };
}

export class SMIRouter implements TrafficRouter {
  readonly provider = 'smi';
  readonly additionalDestinations = true;
  private readonly namespace: string;
  private readonly name: string;
  private readonly rootService: string;

  constructor(
    private readonly rollout: Rollout,
    routing: SMITrafficRouting,
    private readonly services: { stable: string; canary: string },
    private readonly deps: RouterDeps,
  ) {
    this.namespace = rollout.metadata.namespace ?? 'default';
    this.name = routing.trafficSplitName ?? rollout.metadata.name ?? '';
    this.rootService = routing.rootService ?? services.stable;
  }

  /** Argo's SMI router: each additional destination is one more backend of the TrafficSplit. */
  async setWeight(canaryPercent: number, _context?: WeightContext, additional: readonly WeightDestination[] = []): Promise<void> {
    const weight = checkPercent(canaryPercent, `Rollout ${this.namespace}/${this.rollout.metadata.name ?? ''}`);
    const live = await this.readOwned();
    const desired = this.desiredSpec(weight, additional);
    if (!live) {
      await this.deps.writer.create<TrafficSplitObject>(Kinds.TrafficSplit, this.build(desired));
      return;
    }
    if (live.spec.service === desired.service && sameJson(live.spec.backends, desired.backends)) return;
    // Read-modify-write with the resourceVersion read: a concurrent edit makes a 409, never a lost update. Fields
    // of the spec Vane does not set (matches) are carried over as read.
    await this.deps.writer.replace<TrafficSplitObject>(Kinds.TrafficSplit, { ...live, spec: { ...live.spec, ...desired } });
  }

  async getWeight(): Promise<number | undefined> {
    const live = await this.deps.reader.get<TrafficSplitObject>(Kinds.TrafficSplit, this.namespace, this.name);
    const weightOf = (service: string): number | undefined => live?.spec.backends.find((b) => b.service === service)?.weight;
    const stable = weightOf(this.services.stable);
    const canary = weightOf(this.services.canary);
    if (stable === undefined || canary === undefined) return undefined;
    // The canary's share of all backends: experiment backends take part of what stable would have.
    const total = (live?.spec.backends ?? []).reduce((sum, b) => sum + b.weight, 0);
    return percentOf(total - canary, canary);
  }

  reset(context?: WeightContext): Promise<void> {
    return this.setWeight(0, context);
  }

  /** Deletes the TrafficSplit (the root Service then reaches every endpoint again). */
  async finalize(): Promise<void> {
    const live = await this.deps.reader.get<TrafficSplitObject>(Kinds.TrafficSplit, this.namespace, this.name);
    if (live && isOwnedBy(live, rolloutOwnerReference(this.rollout))) await this.deps.writer.delete(Kinds.TrafficSplit, this.namespace, this.name);
  }

  /** The TrafficSplit if this Rollout owns it; one owned by someone else is never taken over. */
  private async readOwned(): Promise<TrafficSplitObject | undefined> {
    const live = await this.deps.reader.get<TrafficSplitObject>(Kinds.TrafficSplit, this.namespace, this.name);
    if (live && !isOwnedBy(live, rolloutOwnerReference(this.rollout))) {
      const what = describeObject(Kinds.TrafficSplit, this.namespace, this.name);
      throw new TerminalError(`${what} exists and is not owned by Rollout ${this.namespace}/${this.rollout.metadata.name ?? ''}; set trafficRouting.smi.trafficSplitName to another name or delete it`);
    }
    return live;
  }

  private desiredSpec(canaryPercent: number, additional: readonly WeightDestination[]): TrafficSplitObject['spec'] {
    return {
      service: this.rootService,
      backends: [
        { service: this.services.stable, weight: stableShare(canaryPercent, additional) },
        { service: this.services.canary, weight: canaryPercent },
        ...additional.map((d) => ({ service: d.serviceName, weight: d.weight })),
      ],
    };
  }

  private build(spec: TrafficSplitObject['spec']): TrafficSplitObject {
    return {
      apiVersion: apiVersionOf(Kinds.TrafficSplit),
      kind: Kinds.TrafficSplit.kind,
      metadata: { name: this.name, namespace: this.namespace, ownerReferences: [rolloutOwnerReference(this.rollout)] },
      spec,
    };
  }
}

export function smiRouter(rollout: Rollout, routing: SMITrafficRouting, services: { stable: string; canary: string }, deps: RouterDeps): TrafficRouter {
  return new SMIRouter(rollout, routing, services, deps);
}
