// Ambassador / Emissary-ingress router: for each base Mapping the Rollout names, a canary Mapping `<mapping>-canary`
// copied from it with the canary Service and a `weight`, created, updated and deleted by Vane and owned by the
// Rollout (Argo docs features/traffic-management/ambassador.md). The base Mappings are only read.
import { TerminalError } from '../errors.js';
import type { KubeObject } from '../kube/kube-object.js';
import { apiVersionOf, Kinds } from '../kube/resource-kind.js';
import { sameJson } from '../resources/canonical-json.js';
import type { AmbassadorTrafficRouting, Rollout } from '../resources/rollout.js';
import { agreed, checkPercent, describeObject, isOwnedBy, readRequired, rolloutOwnerReference, type RouterDeps } from './routing-object.js';
import type { TrafficRouter, WeightContext } from './traffic-router.js';

export interface MappingObject extends KubeObject {
  spec?: { prefix?: string; service?: string; weight?: number; [field: string]: unknown };
}

/** `[scheme://]name[.namespace...][:port]`: Ambassador's service reference, split around the Service name. */
const SERVICE_REFERENCE = /^([a-z][a-z0-9+.-]*:\/\/)?([^.:/]+)(.*)$/i;
/** Argo keeps the canary Mapping's name within 253 characters by cutting the base name at 246. */
const MAX_BASE_NAME = 253 - '-canary'.length;

/** The canary Mapping's name for a base Mapping, as Argo Rollouts names it. */
export function canaryMappingName(base: string): string {
  return `${base.slice(0, MAX_BASE_NAME)}-canary`;
}

export class AmbassadorRouter implements TrafficRouter {
  readonly provider = 'ambassador';
  private readonly namespace: string;
  private readonly owner: string;

  constructor(
    private readonly rollout: Rollout,
    private readonly routing: AmbassadorTrafficRouting,
    private readonly services: { stable: string; canary: string },
    private readonly deps: RouterDeps,
  ) {
    this.namespace = rollout.metadata.namespace ?? 'default';
    this.owner = `Rollout ${this.namespace}/${rollout.metadata.name ?? ''}`;
  }

  /**
   * Weight 0 deletes the canary Mappings (Ambassador then sends everything to the base Mapping), so a canary at 0
   * and a finished rollout leave nothing behind. Argo sets weight 0 and deletes five seconds later; Vane deletes at
   * once and relies on the scale-down delay that keeps the old pods serving while the change propagates.
   */
  async setWeight(canaryPercent: number, _context?: WeightContext): Promise<void> {
    const weight = checkPercent(canaryPercent, this.owner);
    for (const base of this.routing.mappings) await this.setMappingWeight(base, weight);
  }

  async getWeight(): Promise<number | undefined> {
    const readings: Array<number | undefined> = [];
    for (const base of this.routing.mappings) {
      const baseMapping = await this.deps.reader.get<MappingObject>(Kinds.AmbassadorMapping, this.namespace, base);
      const canary = await this.deps.reader.get<MappingObject>(Kinds.AmbassadorMapping, this.namespace, canaryMappingName(base));
      readings.push(!baseMapping ? undefined : canary ? canary.spec?.weight : 0);
    }
    return agreed(readings);
  }

  reset(context?: WeightContext): Promise<void> {
    return this.setWeight(0, context);
  }

  async finalize(): Promise<void> {
    for (const base of this.routing.mappings) {
      const name = canaryMappingName(base);
      const canary = await this.deps.reader.get<MappingObject>(Kinds.AmbassadorMapping, this.namespace, name);
      if (canary && isOwnedBy(canary, rolloutOwnerReference(this.rollout))) await this.deps.writer.delete(Kinds.AmbassadorMapping, this.namespace, name);
    }
  }

  private async setMappingWeight(base: string, weight: number): Promise<void> {
    const name = canaryMappingName(base);
    const canary = await this.readOwnedCanary(name);
    if (weight === 0) {
      if (canary) await this.deps.writer.delete(Kinds.AmbassadorMapping, this.namespace, name);
      return;
    }
    const baseMapping = await readRequired<MappingObject>(this.deps.reader, Kinds.AmbassadorMapping, this.namespace, base, this.owner);
    const spec = this.canarySpec(baseMapping, weight);
    if (!canary) {
      await this.deps.writer.create<MappingObject>(Kinds.AmbassadorMapping, {
        apiVersion: apiVersionOf(Kinds.AmbassadorMapping),
        kind: Kinds.AmbassadorMapping.kind,
        // Like Argo, none of the base's metadata is copied: a GitOps tool's tracking label would claim (and prune) it.
        metadata: { name, namespace: this.namespace, ownerReferences: [rolloutOwnerReference(this.rollout)] },
        spec,
      });
      return;
    }
    // Follows the base Mapping's spec as it changes; the resourceVersion read makes a concurrent edit a 409.
    if (!sameJson(canary.spec, spec)) await this.deps.writer.replace<MappingObject>(Kinds.AmbassadorMapping, { ...canary, spec });
  }

  /** The base spec sending to the canary Service with `weight`; a weighted base cannot take part (Argo refuses it too). */
  private canarySpec(base: MappingObject, weight: number): NonNullable<MappingObject['spec']> {
    const what = describeObject(Kinds.AmbassadorMapping, this.namespace, base.metadata.name ?? '');
    const spec = base.spec ?? {};
    if (spec.weight !== undefined && spec.weight !== 0) {
      throw new TerminalError(`${what} sets weight ${spec.weight}: a Mapping that Vane splits must not define a weight (remove it)`);
    }
    const parts = SERVICE_REFERENCE.exec(spec.service ?? '');
    if (!parts || parts[2] !== this.services.stable) {
      throw new TerminalError(`${what} sends to ${JSON.stringify(spec.service ?? '')}, not to the stableService "${this.services.stable}": its canary copy could not be pointed at "${this.services.canary}"`);
    }
    return { ...spec, service: `${parts[1] ?? ''}${this.services.canary}${parts[3] ?? ''}`, weight };
  }

  private async readOwnedCanary(name: string): Promise<MappingObject | undefined> {
    const canary = await this.deps.reader.get<MappingObject>(Kinds.AmbassadorMapping, this.namespace, name);
    if (canary && !isOwnedBy(canary, rolloutOwnerReference(this.rollout))) {
      throw new TerminalError(`${describeObject(Kinds.AmbassadorMapping, this.namespace, name)} exists and is not owned by ${this.owner}; delete or rename it`);
    }
    return canary;
  }
}

export function ambassadorRouter(rollout: Rollout, routing: AmbassadorTrafficRouting, services: { stable: string; canary: string }, deps: RouterDeps): TrafficRouter {
  return new AmbassadorRouter(rollout, routing, services, deps);
}
