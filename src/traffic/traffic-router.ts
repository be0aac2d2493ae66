// The TrafficRouter port: how a canary's share of requests is set on a mesh or ingress. One file per provider.
import type { RouteMatch } from '../resources/rollout.js';

/** Hashes of the two versions, for providers that route by pod-template hash (e.g. Istio subsets). */
export interface WeightContext {
  canaryHash: string;
  stableHash: string;
}

/**
 * A Service besides stable and canary that receives `weight` percent (Argo's WeightDestination): an experiment
 * template's Service while its experiment step runs. Stable gets what canary and these leave.
 */
export interface WeightDestination {
  serviceName: string;
  /** The pods' hash, for routers that pin a subset to it. */
  podTemplateHash: string;
  weight: number;
}

export interface HeaderRoute {
  name: string;
  /** Requests whose header matches go to the canary regardless of weight. */
  match: Array<{ headerName: string; headerValue: { exact?: string; prefix?: string; regex?: string } }>;
}

export interface MirrorRoute {
  name: string;
  match: RouteMatch[];
  /** Percent of matching requests copied to the canary. */
  percentage: number;
}

export interface TrafficRouter {
  readonly provider: string;
  /**
   * Sends `canaryPercent` of traffic to the canary, each additional destination its weight, and the rest to stable;
   * writes nothing when already so. Destinations set before and absent now are removed. Only routers with
   * `additionalDestinations` accept a non-empty list.
   */
  setWeight(canaryPercent: number, context: WeightContext, additional?: readonly WeightDestination[]): Promise<void>;
  /** True for routers that can carry additional destinations (experiment weights). */
  readonly additionalDestinations?: boolean;
  /** The canary weight read back from the live object(s); undefined when they disagree or are missing. */
  getWeight(): Promise<number | undefined>;
  /** All traffic to stable. */
  reset(context: WeightContext): Promise<void>;
  setHeaderRoute?(route: HeaderRoute, context: WeightContext): Promise<void>;
  /** Removes the header or mirror route `name` Vane set. */
  removeHeaderRoute?(name: string): Promise<void>;
  setMirrorRoute?(route: MirrorRoute, context: WeightContext): Promise<void>;
  /** Removes everything Vane added (routes, owned objects' weights) when the Rollout is deleted. */
  finalize(): Promise<void>;
}

/** What stable keeps: 100 less the canary and every additional destination, never below 0 (Argo clamps the same). */
export function stableShare(canaryPercent: number, additional: readonly WeightDestination[] = []): number {
  return Math.max(0, 100 - canaryPercent - additional.reduce((sum, d) => sum + d.weight, 0));
}
