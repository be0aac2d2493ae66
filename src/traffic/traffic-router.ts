// The TrafficRouter port: how a canary's share of requests is set on a mesh or ingress. One file per provider.
import type { RouteMatch } from '../resources/rollout.js';

/** Hashes of the two versions, for providers that route by pod-template hash (e.g. Istio subsets). */
export interface WeightContext {
  canaryHash: string;
  stableHash: string;
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
  /** Sends `canaryPercent` of traffic to the canary and the rest to stable; writes nothing when already so. */
  setWeight(canaryPercent: number, context: WeightContext): Promise<void>;
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
