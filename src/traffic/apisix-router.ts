// APISIX router (apisix.apache.org/v2): canary weights on the stable/canary backends of named ApisixRoute http rules,
// and each header route as an ApisixRoute of its own, named after it and owned by the Rollout, whose copies of the
// split rules match the header and send everything to the canary (Argo docs features/traffic-management/apisix.md).
import { TerminalError } from '../errors.js';
import type { KubeObject } from '../kube/kube-object.js';
import { apiVersionOf, Kinds } from '../kube/resource-kind.js';
import { sameJson } from '../resources/canonical-json.js';
import type { ApisixTrafficRouting, Rollout } from '../resources/rollout.js';
import { combinedFieldsOf } from '../resources/rollout.js';
import {
  agreed,
  applyGuardedPatch,
  checkPercent,
  describeObject,
  isOwnedBy,
  pairWeightOps,
  percentOf,
  prefixPattern,
  readRequired,
  rolloutOwnerReference,
  type JsonPatchOp,
  type RouterDeps,
} from './routing-object.js';
import type { HeaderRoute, TrafficRouter, WeightContext } from './traffic-router.js';

export interface ApisixBackend {
  serviceName: string;
  servicePort?: number | string;
  weight?: number;
  [field: string]: unknown;
}

export interface ApisixExpr {
  subject: { scope: string; name?: string };
  op: string;
  value?: string;
  set?: string[];
}

export interface ApisixHttpRule {
  name: string;
  priority?: number;
  match?: { paths?: string[]; exprs?: ApisixExpr[]; [field: string]: unknown };
  backends?: ApisixBackend[];
  [field: string]: unknown;
}

export interface ApisixRouteObject extends KubeObject {
  spec?: { http?: ApisixHttpRule[]; [field: string]: unknown };
}

/** APISIX's weight of a backend that names none. */
const DEFAULT_WEIGHT = 100;
/** Copied onto header routes: controllers that select by the legacy class annotation need it on both. */
const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

/** A rule Vane splits: where it is in spec.http and where its stable and canary backends sit. */
interface SplitSite {
  ruleIndex: number;
  rule: ApisixHttpRule;
  stableIndex: number;
  canaryIndex: number;
}

interface LiveRoute {
  route: ApisixRouteObject;
  sites: SplitSite[];
}

export class ApisixRouter implements TrafficRouter {
  readonly provider = 'apisix';
  private readonly namespace: string;
  private readonly owner: string;
  private readonly routeName: string;
  /** Argo Rollouts' default: without `rules`, the one rule named like the ApisixRoute. */
  private readonly ruleNames: string[];

  constructor(
    private readonly rollout: Rollout,
    routing: ApisixTrafficRouting,
    private readonly services: { stable: string; canary: string },
    private readonly deps: RouterDeps,
  ) {
    this.namespace = rollout.metadata.namespace ?? 'default';
    this.owner = `Rollout ${this.namespace}/${rollout.metadata.name ?? ''}`;
    this.routeName = routing.route.name;
    this.ruleNames = routing.route.rules && routing.route.rules.length > 0 ? routing.route.rules : [routing.route.name];
  }

  async setWeight(canaryPercent: number, _context?: WeightContext): Promise<void> {
    const weight = checkPercent(canaryPercent, this.owner);
    const live = await this.readMain();
    await this.patchMain(live.sites.flatMap((s) => weightOps(s, weight)));
  }

  async getWeight(): Promise<number | undefined> {
    const route = await this.deps.reader.get<ApisixRouteObject>(Kinds.ApisixRoute, this.namespace, this.routeName);
    if (!route) return undefined;
    const weight = (backend: ApisixBackend | undefined): number => backend?.weight ?? DEFAULT_WEIGHT;
    return agreed(this.locate(route).map((s) => percentOf(weight(s.rule.backends?.[s.stableIndex]), weight(s.rule.backends?.[s.canaryIndex]))));
  }

  reset(context?: WeightContext): Promise<void> {
    return this.setWeight(0, context);
  }

  async setHeaderRoute(headerRoute: HeaderRoute, _context?: WeightContext): Promise<void> {
    if (headerRoute.match.length === 0) throw new TerminalError(`${this.owner}: header route "${headerRoute.name}" has no header to match`);
    const main = await this.readMain();
    const existing = await this.readOwned(headerRoute.name);
    const spec = this.headerRouteSpec(main, headerRoute);
    if (!existing) {
      await this.deps.writer.create<ApisixRouteObject>(Kinds.ApisixRoute, this.buildHeaderRoute(main.route, headerRoute.name, spec));
      return;
    }
    if (sameJson(existing.spec, spec)) return;
    // Read-modify-write with the resourceVersion read: a concurrent edit makes a 409, never a lost update.
    await this.deps.writer.replace<ApisixRouteObject>(Kinds.ApisixRoute, { ...existing, spec });
  }

  async removeHeaderRoute(name: string): Promise<void> {
    if (await this.readOwned(name)) await this.deps.writer.delete(Kinds.ApisixRoute, this.namespace, name);
  }

  /**
   * Puts all traffic on stable and deletes the header-route ApisixRoutes the Rollout's steps name. Any others it
   * once made (steps since removed) are owned by the Rollout and go with it by garbage collection.
   */
  async finalize(): Promise<void> {
    const route = await this.deps.reader.get<ApisixRouteObject>(Kinds.ApisixRoute, this.namespace, this.routeName);
    const sites = route ? this.tryLocate(route) : [];
    await this.patchMain(sites.flatMap((s) => weightOps(s, 0)));
    for (const name of this.headerRouteNames()) {
      const live = await this.deps.reader.get<ApisixRouteObject>(Kinds.ApisixRoute, this.namespace, name);
      if (live && isOwnedBy(live, rolloutOwnerReference(this.rollout))) await this.deps.writer.delete(Kinds.ApisixRoute, this.namespace, name);
    }
  }

  private async readMain(): Promise<LiveRoute> {
    const route = await readRequired<ApisixRouteObject>(this.deps.reader, Kinds.ApisixRoute, this.namespace, this.routeName, this.owner);
    return { route, sites: this.locate(route) };
  }

  /** The header route's ApisixRoute if this Rollout owns it; one owned by someone else is never taken over. */
  private async readOwned(name: string): Promise<ApisixRouteObject | undefined> {
    const live = await this.deps.reader.get<ApisixRouteObject>(Kinds.ApisixRoute, this.namespace, name);
    if (live && !isOwnedBy(live, rolloutOwnerReference(this.rollout))) {
      throw new TerminalError(`${this.describe(name)} exists and is not owned by ${this.owner}; the APISIX router keeps header route "${name}" in an ApisixRoute of that name, so rename the header route or delete the object`);
    }
    return live;
  }

  private locate(route: ApisixRouteObject): SplitSite[] {
    const what = this.describe(this.routeName);
    const rules = route.spec?.http ?? [];
    return this.ruleNames.map((name) => {
      const ruleIndex = rules.findIndex((r) => r.name === name);
      if (ruleIndex < 0) {
        const hint = name === this.routeName ? ' (without trafficRouting.apisix.route.rules, the rule named like the ApisixRoute is split, as in Argo Rollouts)' : '';
        throw new TerminalError(`${what} has no http rule named "${name}"${hint}`, { code: 'NotFound' });
      }
      const rule = rules[ruleIndex] as ApisixHttpRule;
      const find = (role: string, service: string): number => {
        const index = (rule.backends ?? []).findIndex((b) => b.serviceName === service);
        if (index < 0) throw new TerminalError(`${what} http rule "${name}" has no backend to the ${role} Service "${service}"`, { code: 'NotFound' });
        return index;
      };
      return { ruleIndex, rule, stableIndex: find('stable', this.services.stable), canaryIndex: find('canary', this.services.canary) };
    });
  }

  private tryLocate(route: ApisixRouteObject): SplitSite[] {
    try {
      return this.locate(route);
    } catch (err) {
      if (err instanceof TerminalError) return [];
      throw err;
    }
  }

  /** The main route's spec with only the split rules, each narrowed by the header and sent to the canary alone. */
  private headerRouteSpec(main: LiveRoute, headerRoute: HeaderRoute): NonNullable<ApisixRouteObject['spec']> {
    // TCP/UDP `stream` routes are not copied: two ApisixRoutes must not claim the same ingress port.
    const { http: _http, stream: _stream, ...rest } = main.route.spec ?? {};
    const exprs = headerRoute.match.map(({ headerName, headerValue }) => headerExpr(headerRoute.name, headerName, headerValue));
    const names = new Set(exprs.map((e) => e.subject.name?.toLowerCase()));
    const http = main.sites.map(({ rule, canaryIndex }): ApisixHttpRule => {
      // Upstreams (ApisixUpstream references) are dropped with the stable backend: header traffic reaches the canary only.
      const { upstreams: _upstreams, ...copy } = rule;
      const kept = (rule.match?.exprs ?? []).filter((e) => !(e.subject.scope === 'Header' && names.has(e.subject.name?.toLowerCase())));
      return {
        ...copy,
        // Argo Rollouts raises the copy's priority by one so that it is tried before the weighted rule it narrows.
        priority: (rule.priority ?? 0) + 1,
        match: { ...rule.match, exprs: [...kept, ...exprs] },
        backends: [{ ...(rule.backends?.[canaryIndex] as ApisixBackend), weight: DEFAULT_WEIGHT }],
      };
    });
    return { ...rest, http };
  }

  private buildHeaderRoute(main: ApisixRouteObject, name: string, spec: NonNullable<ApisixRouteObject['spec']>): ApisixRouteObject {
    const legacyClass = main.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
    return {
      apiVersion: apiVersionOf(Kinds.ApisixRoute),
      kind: Kinds.ApisixRoute.kind,
      metadata: {
        name,
        namespace: this.namespace,
        ...(legacyClass ? { annotations: { [LEGACY_CLASS_ANNOTATION]: legacyClass } } : {}),
        ownerReferences: [rolloutOwnerReference(this.rollout)],
      },
      spec,
    };
  }

  private headerRouteNames(): string[] {
    const steps = this.rollout.spec.strategy.canary?.steps ?? [];
    return [...new Set(steps.flatMap((step) => combinedFieldsOf(step).setHeaderRoute?.name ?? []))];
  }

  private async patchMain(ops: JsonPatchOp[]): Promise<void> {
    await applyGuardedPatch(this.deps.writer, Kinds.ApisixRoute, this.namespace, this.routeName, ops);
  }

  private describe(name: string): string {
    return describeObject(Kinds.ApisixRoute, this.namespace, name);
  }
}

function headerExpr(routeName: string, headerName: string, value: HeaderRoute['match'][number]['headerValue']): ApisixExpr {
  const subject = { scope: 'Header', name: headerName };
  if (value.exact !== undefined) return { subject, op: 'Equal', value: value.exact };
  if (value.prefix !== undefined) return { subject, op: 'RegexMatch', value: prefixPattern(value.prefix) };
  if (value.regex !== undefined) return { subject, op: 'RegexMatch', value: value.regex };
  throw new TerminalError(`header route "${routeName}": header "${headerName}" has no exact, prefix or regex value`);
}

function weightOps(site: SplitSite, canaryPercent: number): JsonPatchOp[] {
  const base = `/spec/http/${site.ruleIndex}/backends`;
  const backends = site.rule.backends ?? [];
  const guard = (index: number): JsonPatchOp => ({ op: 'test', path: `${base}/${index}/serviceName`, value: (backends[index] as ApisixBackend).serviceName });
  return pairWeightOps(base, backends.map((b) => b.weight), site, canaryPercent, guard);
}

export function apisixRouter(rollout: Rollout, routing: ApisixTrafficRouting, services: { stable: string; canary: string }, deps: RouterDeps): TrafficRouter {
  return new ApisixRouter(rollout, routing, services, deps);
}
