// App Mesh router (appmesh.k8s.aws/v1beta2): canary weights on the weightedTargets of the routes of the VirtualRouter
// that provides the named VirtualService, with the canary and stable VirtualNodes' podSelectors pinned to the two
// pod-template hashes, as Argo docs getting-started/appmesh describe. No header routes.
import { TerminalError } from '../errors.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds, type ResourceKind } from '../kube/resource-kind.js';
import { POD_TEMPLATE_HASH_LABEL } from '../resources/pod-template-hash.js';
import type { AppMeshTrafficRouting, Rollout } from '../resources/rollout.js';
import { agreed, applyGuardedPatch, checkPercent, describeObject, pairWeightOps, percentOf, type JsonPatchOp, type RouterDeps } from './routing-object.js';
import type { TrafficRouter, WeightContext } from './traffic-router.js';

interface ObjectRef {
  name: string;
  namespace?: string;
}

export interface WeightedTarget {
  virtualNodeRef?: ObjectRef;
  virtualNodeARN?: string;
  weight: number;
  [field: string]: unknown;
}

interface RouteRule {
  action?: { weightedTargets?: WeightedTarget[]; [field: string]: unknown };
  [field: string]: unknown;
}

/** The route kinds whose action splits by weight; a route holds exactly one of them. */
export const ROUTE_TYPES = ['httpRoute', 'tcpRoute', 'http2Route', 'grpcRoute'] as const;
type RouteType = (typeof ROUTE_TYPES)[number];

export type MeshRoute = { name: string; priority?: number; [field: string]: unknown } & Partial<Record<RouteType, RouteRule>>;

export interface VirtualRouterObject extends KubeObject {
  spec?: { routes?: MeshRoute[]; [field: string]: unknown };
}

export interface MeshVirtualServiceObject extends KubeObject {
  spec?: { provider?: { virtualRouter?: { virtualRouterRef?: ObjectRef; [field: string]: unknown }; [field: string]: unknown }; [field: string]: unknown };
}

export interface VirtualNodeObject extends KubeObject {
  spec?: { podSelector?: { matchLabels?: Record<string, string>; [field: string]: unknown }; [field: string]: unknown };
}

/**
 * What a VirtualNode's hash label reads when it must select no pod: App Mesh's admission webhook refuses two
 * VirtualNodes with the same podSelector, so a canary without pods of its own (or sharing the stable hash) is parked
 * on a hash no pod carries, as Argo Rollouts does.
 */
export const PARKED_CANARY_HASH = 'canary-hash';
export const PARKED_STABLE_HASH = 'stable-hash';

/** A route Vane splits: where it is, its kind, and where the stable and canary targets sit in it. */
interface SplitSite {
  routeIndex: number;
  type: RouteType;
  targets: WeightedTarget[];
  stableIndex: number;
  canaryIndex: number;
}

interface LiveRouter {
  router: VirtualRouterObject;
  namespace: string;
  sites: SplitSite[];
}

export class AppMeshRouter implements TrafficRouter {
  readonly provider = 'appMesh';
  private readonly namespace: string;
  private readonly owner: string;

  constructor(
    rollout: Rollout,
    private readonly routing: AppMeshTrafficRouting,
    private readonly deps: RouterDeps,
  ) {
    this.namespace = rollout.metadata.namespace ?? 'default';
    this.owner = `Rollout ${this.namespace}/${rollout.metadata.name ?? ''}`;
  }

  async setWeight(canaryPercent: number, context: WeightContext): Promise<void> {
    const weight = checkPercent(canaryPercent, this.owner);
    const live = await this.readRouter(true);
    const { stableVirtualNodeRef: stable, canaryVirtualNodeRef: canary } = this.routing.virtualNodeGroup;
    const nodes = [await this.readNode(stable.name), await this.readNode(canary.name)];
    // Nodes first: a canary weight must never reach a VirtualNode still selecting other pods.
    const stableHash = context.stableHash || PARKED_STABLE_HASH;
    const canaryHash = !context.canaryHash || context.canaryHash === stableHash ? PARKED_CANARY_HASH : context.canaryHash;
    await this.pin(nodes[0] as VirtualNodeObject, stableHash);
    await this.pin(nodes[1] as VirtualNodeObject, canaryHash);
    await this.patchRouter(live, live.sites.flatMap((s) => weightOps(s, weight)));
  }

  async getWeight(): Promise<number | undefined> {
    const live = await this.readRouter(false);
    if (!live) return undefined;
    return agreed(live.sites.map((s) => percentOf(s.targets[s.stableIndex]?.weight ?? 0, s.targets[s.canaryIndex]?.weight ?? 0)));
  }

  reset(context: WeightContext): Promise<void> {
    return this.setWeight(0, context);
  }

  /** All traffic back to the stable VirtualNode; objects already gone (or no longer usable) have nothing to undo. */
  async finalize(): Promise<void> {
    let live: LiveRouter | undefined;
    try {
      live = await this.readRouter(false);
    } catch (err) {
      if (err instanceof TerminalError) return;
      throw err;
    }
    if (live) await this.patchRouter(live, live.sites.flatMap((s) => weightOps(s, 0)));
  }

  /** The VirtualRouter behind the VirtualService, with its split sites; when not `required`, undefined if either is missing. */
  private async readRouter(required: true): Promise<LiveRouter>;
  private async readRouter(required: false): Promise<LiveRouter | undefined>;
  private async readRouter(required: boolean): Promise<LiveRouter | undefined> {
    const vsName = this.routing.virtualService.name;
    const vs = await this.read<MeshVirtualServiceObject>(Kinds.AppMeshVirtualService, this.namespace, vsName, required);
    if (!vs) return undefined;
    const ref = vs.spec?.provider?.virtualRouter?.virtualRouterRef;
    if (!ref?.name) throw new TerminalError(`${meshObject(Kinds.AppMeshVirtualService, this.namespace, vsName)} is not provided by a VirtualRouter (spec.provider.virtualRouter.virtualRouterRef): Vane splits a VirtualRouter's routes`, { code: 'NotFound' });
    const namespace = ref.namespace || this.namespace;
    const router = await this.read<VirtualRouterObject>(Kinds.VirtualRouter, namespace, ref.name, required);
    if (!router) return undefined;
    return { router, namespace, sites: this.locate(router, namespace) };
  }

  private async readNode(name: string): Promise<VirtualNodeObject> {
    return (await this.read<VirtualNodeObject>(Kinds.VirtualNode, this.namespace, name, true)) as VirtualNodeObject;
  }

  private async read<T extends KubeObject>(kind: ResourceKind, namespace: string, name: string, required: boolean): Promise<T | undefined> {
    const found = await this.deps.reader.get<T>(kind, namespace, name);
    if (!found && required) throw new TerminalError(`${meshObject(kind, namespace, name)} not found (referenced by ${this.owner})`, { code: 'NotFound' });
    return found;
  }

  private locate(router: VirtualRouterObject, namespace: string): SplitSite[] {
    const what = meshObject(Kinds.VirtualRouter, namespace, router.metadata.name ?? '');
    const routes = router.spec?.routes ?? [];
    const { stableVirtualNodeRef: stable, canaryVirtualNodeRef: canary } = this.routing.virtualNodeGroup;
    const targetsNode = (node: string) => (t: WeightedTarget): boolean => t.virtualNodeRef?.name === node && (t.virtualNodeRef.namespace || namespace) === this.namespace;
    const named = this.routing.virtualService.routes;
    const chosen = named && named.length > 0
      ? named.map((name) => {
        const index = routes.findIndex((r) => r.name === name);
        if (index < 0) throw new TerminalError(`${what} has no route named "${name}"`, { code: 'NotFound' });
        return index;
      })
      : routes.flatMap((r, index) => ((ruleOf(r)?.rule.action?.weightedTargets ?? []).some(targetsNode(stable.name)) ? [index] : []));
    if (chosen.length === 0) throw new TerminalError(`${what} has no route with a weightedTarget to the stable VirtualNode "${stable.name}"`, { code: 'NotFound' });
    return chosen.map((routeIndex) => {
      const route = routes[routeIndex] as MeshRoute;
      const found = ruleOf(route);
      if (!found) throw new TerminalError(`${what} route "${route.name}" has none of ${ROUTE_TYPES.join(', ')}: Vane splits only those`, { code: 'NotFound' });
      const targets = found.rule.action?.weightedTargets ?? [];
      const find = (role: string, node: string): number => {
        const index = targets.findIndex(targetsNode(node));
        if (index < 0) throw new TerminalError(`${what} route "${route.name}" has no weightedTarget to the ${role} VirtualNode "${node}"`, { code: 'NotFound' });
        return index;
      };
      return { routeIndex, type: found.type, targets, stableIndex: find('stable', stable.name), canaryIndex: find('canary', canary.name) };
    });
  }

  /** Sets the node's pod-template-hash match label; the rest of its podSelector is left alone. */
  private async pin(node: VirtualNodeObject, hash: string): Promise<void> {
    const selector = node.spec?.podSelector;
    if (selector?.matchLabels?.[POD_TEMPLATE_HASH_LABEL] === hash) return;
    const op: JsonPatchOp = selector?.matchLabels
      ? { op: 'add', path: `/spec/podSelector/matchLabels/${POD_TEMPLATE_HASH_LABEL}`, value: hash }
      : selector
        ? { op: 'add', path: '/spec/podSelector/matchLabels', value: { [POD_TEMPLATE_HASH_LABEL]: hash } }
        : { op: 'add', path: '/spec/podSelector', value: { matchLabels: { [POD_TEMPLATE_HASH_LABEL]: hash } } };
    await applyGuardedPatch(this.deps.writer, Kinds.VirtualNode, this.namespace, node.metadata.name ?? '', [op]);
  }

  private async patchRouter(live: LiveRouter, ops: JsonPatchOp[]): Promise<void> {
    await applyGuardedPatch(this.deps.writer, Kinds.VirtualRouter, live.namespace, live.router.metadata.name ?? '', ops);
  }
}

/** App Mesh's VirtualService shares its kind name with Istio's, so messages say which one. */
function meshObject(kind: ResourceKind, namespace: string, name: string): string {
  return `App Mesh ${describeObject(kind, namespace, name)}`;
}

function ruleOf(route: MeshRoute): { type: RouteType; rule: RouteRule } | undefined {
  const type = ROUTE_TYPES.find((t) => route[t] !== undefined);
  return type ? { type, rule: route[type] as RouteRule } : undefined;
}

function weightOps(site: SplitSite, canaryPercent: number): JsonPatchOp[] {
  const base = `/spec/routes/${site.routeIndex}/${site.type}/action/weightedTargets`;
  const guard = (index: number): JsonPatchOp => ({ op: 'test', path: `${base}/${index}/virtualNodeRef`, value: (site.targets[index] as WeightedTarget).virtualNodeRef });
  return pairWeightOps(base, site.targets.map((t) => t.weight), site, canaryPercent, guard);
}

export function appMeshRouter(rollout: Rollout, routing: AppMeshTrafficRouting, deps: RouterDeps): TrafficRouter {
  return new AppMeshRouter(rollout, routing, deps);
}
