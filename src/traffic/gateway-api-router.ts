// Gateway API router: canary weights on the stable/canary backendRefs of named HTTPRoute rules, header routes as
// extra rules Vane appends (named `vane-<header-route>-<n>`) and removes.
import { TerminalError } from '../errors.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import { isDnsLabel } from '../resources/rollout-validation.js';
import type { GatewayAPITrafficRouting, Rollout } from '../resources/rollout.js';
import {
  agreed,
  applyGuardedPatch,
  checkPercent,
  pairWeightOps,
  describeObject,
  percentOf,
  prefixPattern,
  readRequired,
  type JsonPatchOp,
  type RouterDeps,
} from './routing-object.js';
import type { HeaderRoute, TrafficRouter, WeightContext } from './traffic-router.js';
import { sameJson } from '../resources/canonical-json.js';

export interface BackendRef {
  group?: string;
  kind?: string;
  name: string;
  namespace?: string;
  port?: number;
  weight?: number;
  [field: string]: unknown;
}

export interface HeaderMatch {
  type?: 'Exact' | 'RegularExpression';
  name: string;
  value: string;
}

export interface RouteMatch {
  headers?: HeaderMatch[];
  [field: string]: unknown;
}

export interface RouteRule {
  name?: string;
  matches?: RouteMatch[];
  backendRefs?: BackendRef[];
  [field: string]: unknown;
}

export interface HTTPRouteObject extends KubeObject {
  spec?: { rules?: RouteRule[]; [field: string]: unknown };
}

type RouteConfig = GatewayAPITrafficRouting['httpRoutes'][number];

/** A rule Vane splits: where the stable and canary backendRefs sit in it. */
interface SplitSite {
  ruleIndex: number;
  rule: RouteRule;
  stableIndex: number;
  canaryIndex: number;
}

interface LiveRoute {
  config: RouteConfig;
  route: HTTPRouteObject;
  sites: SplitSite[];
}

/** Rules Vane adds are named with this prefix; users should not name their own rules so. */
export const VANE_RULE_PREFIX = 'vane-';
const MAX_RULES = 16;
/** The API's default weight of a backendRef without one. */
const DEFAULT_WEIGHT = 1;

export class GatewayAPIRouter implements TrafficRouter {
  readonly provider = 'gatewayAPI';
  private readonly namespace: string;
  private readonly owner: string;

  constructor(
    rollout: Rollout,
    private readonly routing: GatewayAPITrafficRouting,
    private readonly services: { stable: string; canary: string },
    private readonly deps: RouterDeps,
  ) {
    this.namespace = rollout.metadata.namespace ?? 'default';
    this.owner = `Rollout ${this.namespace}/${rollout.metadata.name ?? ''}`;
  }

  async setWeight(canaryPercent: number, _context?: WeightContext): Promise<void> {
    const weight = checkPercent(canaryPercent, this.owner);
    const live = await this.readAll();
    for (const { route, sites } of live) {
      await this.patch(route, sites.flatMap((site) => weightOps(site, weight)));
    }
  }

  async getWeight(): Promise<number | undefined> {
    const readings: Array<number | undefined> = [];
    for (const config of this.routing.httpRoutes) {
      const route = await this.deps.reader.get<HTTPRouteObject>(Kinds.HTTPRoute, this.namespace, config.name);
      if (!route) return undefined;
      for (const site of this.locate(route, config)) readings.push(siteWeight(site));
    }
    return agreed(readings);
  }

  reset(context?: WeightContext): Promise<void> {
    return this.setWeight(0, context);
  }

  async setHeaderRoute(headerRoute: HeaderRoute, _context?: WeightContext): Promise<void> {
    const live = (await this.readAll()).filter((l) => l.config.useHeaderRoutes === true);
    if (live.length === 0) throw new TerminalError(`${this.owner}: header route "${headerRoute.name}" needs an httpRoute with useHeaderRoutes: true`);
    const plans = live.map((l) => ({ route: l.route, ops: this.headerRuleOps(l, headerRoute) }));
    for (const { route, ops } of plans) await this.patch(route, ops);
  }

  async removeHeaderRoute(name: string): Promise<void> {
    for (const config of this.routing.httpRoutes) {
      const route = await this.deps.reader.get<HTTPRouteObject>(Kinds.HTTPRoute, this.namespace, config.name);
      if (route) await this.patch(route, removeRuleOps(route, (ruleName) => isHeaderRuleOf(ruleName, name)));
    }
  }

  /** Removes every rule Vane added and puts all traffic on stable; routes already gone are skipped. */
  async finalize(): Promise<void> {
    for (const config of this.routing.httpRoutes) {
      const route = await this.deps.reader.get<HTTPRouteObject>(Kinds.HTTPRoute, this.namespace, config.name);
      if (!route) continue;
      const sites = this.tryLocate(route, config);
      // Weight ops address the original positions, so they go before the removals shift them.
      await this.patch(route, [...sites.flatMap((s) => weightOps(s, 0)), ...removeRuleOps(route, isVaneRule)]);
    }
  }

  /** Reads and validates every named route before any write, so a bad second route leaves the first untouched. */
  private async readAll(): Promise<LiveRoute[]> {
    const live: LiveRoute[] = [];
    for (const config of this.routing.httpRoutes) {
      const route = await readRequired<HTTPRouteObject>(this.deps.reader, Kinds.HTTPRoute, this.namespace, config.name, this.owner);
      live.push({ config, route, sites: this.locate(route, config) });
    }
    return live;
  }

  private locate(route: HTTPRouteObject, config: RouteConfig): SplitSite[] {
    const what = describeObject(Kinds.HTTPRoute, this.namespace, config.name);
    const rules = route.spec?.rules ?? [];
    const chosen = config.rules ? namedRules(rules, config.rules, what) : rulesWithBackend(rules, this.services.stable, this.namespace);
    if (chosen.length === 0) throw new TerminalError(`${what} has no rule with a backendRef to the stable Service "${this.services.stable}"`, { code: 'NotFound' });
    return chosen.map((ruleIndex) => this.site(rules, ruleIndex, what));
  }

  private tryLocate(route: HTTPRouteObject, config: RouteConfig): SplitSite[] {
    try {
      return this.locate(route, config);
    } catch (err) {
      if (err instanceof TerminalError) return [];
      throw err;
    }
  }

  private site(rules: RouteRule[], ruleIndex: number, what: string): SplitSite {
    const rule = rules[ruleIndex] as RouteRule;
    const refs = rule.backendRefs ?? [];
    const label = rule.name ? `rule "${rule.name}"` : `rule ${ruleIndex}`;
    const find = (role: string, service: string): number => {
      const index = refs.findIndex((ref) => refersTo(ref, service, this.namespace));
      if (index < 0) throw new TerminalError(`${what} ${label} has no backendRef to the ${role} Service "${service}"`, { code: 'NotFound' });
      return index;
    };
    return { ruleIndex, rule, stableIndex: find('stable', this.services.stable), canaryIndex: find('canary', this.services.canary) };
  }

  private headerRuleOps(live: LiveRoute, headerRoute: HeaderRoute): JsonPatchOp[] {
    const what = describeObject(Kinds.HTTPRoute, this.namespace, live.config.name);
    if (!isDnsLabel(headerRoute.name)) throw new TerminalError(`${this.owner}: header route name "${headerRoute.name}" must be a DNS label (lower case letters, digits, '-', at most 63 characters)`);
    if (headerRoute.match.length === 0) throw new TerminalError(`${this.owner}: header route "${headerRoute.name}" has no header to match`);
    const rules = live.route.spec?.rules ?? [];
    const desired = live.sites.map((site, n) => headerRule(`${headerRuleBase(headerRoute.name)}${n}`, site, headerRoute));
    const existing = rules.filter((r) => isHeaderRuleOf(r.name, headerRoute.name));
    if (sameJson(existing, desired)) return [];
    const count = rules.length - existing.length + desired.length;
    if (count > MAX_RULES) throw new TerminalError(`${what} would have ${count} rules with header route "${headerRoute.name}"; HTTPRoute allows ${MAX_RULES}`);
    const removals = removeRuleOps(live.route, (name) => isHeaderRuleOf(name, headerRoute.name));
    return [...removals, ...desired.map((rule): JsonPatchOp => ({ op: 'add', path: '/spec/rules/-', value: rule }))];
  }

  private async patch(route: HTTPRouteObject, ops: JsonPatchOp[]): Promise<void> {
    await applyGuardedPatch(this.deps.writer, Kinds.HTTPRoute, this.namespace, route.metadata.name ?? '', ops);
  }
}

function namedRules(rules: RouteRule[], names: string[], what: string): number[] {
  return names.map((name) => {
    const index = rules.findIndex((r) => r.name === name);
    if (index < 0) throw new TerminalError(`${what} has no rule named "${name}"`, { code: 'NotFound' });
    return index;
  });
}

function rulesWithBackend(rules: RouteRule[], service: string, namespace: string): number[] {
  return rules.flatMap((rule, index) => (!isVaneRule(rule.name) && (rule.backendRefs ?? []).some((ref) => refersTo(ref, service, namespace)) ? [index] : []));
}

function refersTo(ref: BackendRef, service: string, namespace: string): boolean {
  const isService = (ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service';
  return isService && ref.name === service && (ref.namespace ?? namespace) === namespace;
}

function weightOps(site: SplitSite, canaryPercent: number): JsonPatchOp[] {
  const base = `/spec/rules/${site.ruleIndex}/backendRefs`;
  const refs = site.rule.backendRefs ?? [];
  const guard = (index: number): JsonPatchOp => ({ op: 'test', path: `${base}/${index}/name`, value: (refs[index] as BackendRef).name });
  return pairWeightOps(base, refs.map((ref) => ref.weight), site, canaryPercent, guard);
}

function siteWeight(site: SplitSite): number | undefined {
  const refs = site.rule.backendRefs ?? [];
  return percentOf(refs[site.stableIndex]?.weight ?? DEFAULT_WEIGHT, refs[site.canaryIndex]?.weight ?? DEFAULT_WEIGHT);
}

function headerRuleBase(headerRouteName: string): string {
  return `${VANE_RULE_PREFIX}${headerRouteName}-`;
}

function isHeaderRuleOf(ruleName: string | undefined, headerRouteName: string): boolean {
  const base = headerRuleBase(headerRouteName);
  return ruleName !== undefined && ruleName.startsWith(base) && /^\d+$/.test(ruleName.slice(base.length));
}

function isVaneRule(ruleName: string | undefined): boolean {
  return ruleName !== undefined && /^vane-.+-\d+$/.test(ruleName);
}

/** Removes matching rules from the last to the first, each guarded by its name, so earlier indices stay valid. */
function removeRuleOps(route: HTTPRouteObject, matches: (ruleName: string | undefined) => boolean): JsonPatchOp[] {
  const rules = route.spec?.rules ?? [];
  const ops: JsonPatchOp[] = [];
  for (let i = rules.length - 1; i >= 0; i--) {
    const name = rules[i]?.name;
    if (!matches(name)) continue;
    ops.push({ op: 'test', path: `/spec/rules/${i}/name`, value: name }, { op: 'remove', path: `/spec/rules/${i}` });
  }
  return ops;
}

/** The split rule's own matches narrowed by the header, sending everything to the canary backend alone. */
function headerRule(name: string, site: SplitSite, headerRoute: HeaderRoute): RouteRule {
  const headers = headerRoute.match.map(({ headerName, headerValue }): HeaderMatch => {
    if (headerValue.exact !== undefined) return { type: 'Exact', name: headerName, value: headerValue.exact };
    if (headerValue.prefix !== undefined) return { type: 'RegularExpression', name: headerName, value: prefixPattern(headerValue.prefix) };
    if (headerValue.regex !== undefined) return { type: 'RegularExpression', name: headerName, value: headerValue.regex };
    throw new TerminalError(`header route "${headerRoute.name}": header "${headerName}" has no exact, prefix or regex value`);
  });
  const names = new Set(headers.map((h) => h.name.toLowerCase()));
  const baseMatches = site.rule.matches && site.rule.matches.length > 0 ? site.rule.matches : [{}];
  const matches = baseMatches.map((m) => ({ ...m, headers: [...(m.headers ?? []).filter((h) => !names.has(h.name.toLowerCase())), ...headers] }));
  const canary = site.rule.backendRefs?.[site.canaryIndex] as BackendRef;
  return { name, matches, backendRefs: [{ ...canary, weight: 1 }] };
}

export function gatewayAPIRouter(rollout: Rollout, routing: GatewayAPITrafficRouting, services: { stable: string; canary: string }, deps: RouterDeps): TrafficRouter {
  return new GatewayAPIRouter(rollout, routing, services, deps);
}
