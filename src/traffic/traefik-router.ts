// Traefik router: canary weights on the stable/canary entries of a TraefikService's weighted round robin
// (`spec.weighted.services`), as Argo docs features/traffic-management/traefik.md describe. No header routes.
import { TerminalError } from '../errors.js';
import type { KubeObject } from '../kube/kube-object.js';
import { apiVersionOf, Kinds, type ResourceKind } from '../kube/resource-kind.js';
import type { Rollout, TraefikTrafficRouting } from '../resources/rollout.js';
import { applyGuardedPatch, checkPercent, describeObject, pairWeightOps, percentOf, type JsonPatchOp, type RouterDeps, type WeightPair } from './routing-object.js';
import type { TrafficRouter, WeightContext } from './traffic-router.js';

export interface WeightedService {
  name: string;
  kind?: 'Service' | 'TraefikService';
  namespace?: string;
  weight?: number;
  [field: string]: unknown;
}

export interface TraefikServiceObject extends KubeObject {
  spec?: { weighted?: { services?: WeightedService[]; [field: string]: unknown }; [field: string]: unknown };
}

/** Traefik's weight of a weighted service that names none. */
const DEFAULT_WEIGHT = 1;

/**
 * Traefik v3 serves TraefikService as traefik.io, v2 as traefik.containo.us; Argo Rollouts needs a controller flag to
 * pick one, Vane reads the v3 group first and falls back to the v2 one, so both work unconfigured.
 */
const SERVED_KINDS: readonly ResourceKind[] = [Kinds.TraefikService, Kinds.TraefikServiceV2];

interface LiveService {
  kind: ResourceKind;
  object: TraefikServiceObject;
  pair: WeightPair;
}

export class TraefikRouter implements TrafficRouter {
  readonly provider = 'traefik';
  private readonly namespace: string;
  private readonly owner: string;
  private readonly name: string;

  constructor(
    rollout: Rollout,
    routing: TraefikTrafficRouting,
    private readonly services: { stable: string; canary: string },
    private readonly deps: RouterDeps,
  ) {
    this.namespace = rollout.metadata.namespace ?? 'default';
    this.owner = `Rollout ${this.namespace}/${rollout.metadata.name ?? ''}`;
    this.name = routing.weightedTraefikServiceName;
  }

  async setWeight(canaryPercent: number, _context?: WeightContext): Promise<void> {
    const weight = checkPercent(canaryPercent, this.owner);
    const live = await this.readLive();
    if (!live) {
      const versions = SERVED_KINDS.map(apiVersionOf).join(' or ');
      throw new TerminalError(`${this.describe(Kinds.TraefikService)} not found as ${versions} (referenced by ${this.owner})`, { code: 'NotFound' });
    }
    await this.patch(live, weightOps(live, weight));
  }

  async getWeight(): Promise<number | undefined> {
    const live = await this.readLive();
    if (!live) return undefined;
    const services = live.object.spec?.weighted?.services ?? [];
    const weight = (index: number): number => services[index]?.weight ?? DEFAULT_WEIGHT;
    return percentOf(weight(live.pair.stableIndex), weight(live.pair.canaryIndex));
  }

  reset(context?: WeightContext): Promise<void> {
    return this.setWeight(0, context);
  }

  /** All traffic back to stable; a TraefikService already gone or changed beyond use has nothing to undo. */
  async finalize(): Promise<void> {
    let live: LiveService | undefined;
    try {
      live = await this.readLive();
    } catch (err) {
      if (err instanceof TerminalError) return;
      throw err;
    }
    if (live) await this.patch(live, weightOps(live, 0));
  }

  /** The TraefikService under whichever API group serves it, with where its stable and canary entries sit. */
  private async readLive(): Promise<LiveService | undefined> {
    for (const kind of SERVED_KINDS) {
      const object = await this.deps.reader.get<TraefikServiceObject>(kind, this.namespace, this.name);
      if (object) return { kind, object, pair: this.locate(kind, object) };
    }
    return undefined;
  }

  private locate(kind: ResourceKind, object: TraefikServiceObject): WeightPair {
    const what = this.describe(kind);
    const services = object.spec?.weighted?.services;
    if (!services) throw new TerminalError(`${what} has no spec.weighted.services: Vane splits a weighted round robin TraefikService`, { code: 'NotFound' });
    const find = (role: string, service: string): number => {
      const index = services.findIndex((s) => s.name === service && (s.kind ?? 'Service') === 'Service' && (s.namespace ?? this.namespace) === this.namespace);
      if (index < 0) throw new TerminalError(`${what} has no weighted service for the ${role} Service "${service}"`, { code: 'NotFound' });
      return index;
    };
    return { stableIndex: find('stable', this.services.stable), canaryIndex: find('canary', this.services.canary) };
  }

  private async patch(live: LiveService, ops: JsonPatchOp[]): Promise<void> {
    await applyGuardedPatch(this.deps.writer, live.kind, this.namespace, this.name, ops);
  }

  private describe(kind: ResourceKind): string {
    return describeObject(kind, this.namespace, this.name);
  }
}

function weightOps(live: LiveService, canaryPercent: number): JsonPatchOp[] {
  const base = '/spec/weighted/services';
  const services = live.object.spec?.weighted?.services ?? [];
  const guard = (index: number): JsonPatchOp => ({ op: 'test', path: `${base}/${index}/name`, value: (services[index] as WeightedService).name });
  return pairWeightOps(base, services.map((s) => s.weight), live.pair, canaryPercent, guard);
}

export function traefikRouter(rollout: Rollout, routing: TraefikTrafficRouting, services: { stable: string; canary: string }, deps: RouterDeps): TrafficRouter {
  return new TraefikRouter(rollout, routing, services, deps);
}
