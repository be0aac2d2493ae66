// Istio router: canary weights on the stable/canary destinations of named VirtualService http routes (and of the
// tls and tcp routes tlsRoutes / tcpRoutes select) — by host (stable/canary Services) or by subset (a DestinationRule
// whose subsets are pinned to pod-template hashes) — and header routes as http routes Vane prepends (named `vane-<header-route>`). With trafficRouting.managedRoutes (Argo
// docs: managed routes), header and mirror routes carry their own names and sit above all others in that order.
import { TerminalError } from '../errors.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import { POD_TEMPLATE_HASH_LABEL } from '../resources/pod-template-hash.js';
import type { IstioTrafficRouting, IstioVirtualServiceRef, Rollout } from '../resources/rollout.js';
import {
  agreed,
  applyGuardedPatch,
  checkPercent,
  describeObject,
  pairWeightOps,
  percentOf,
  readRequired,
  type JsonPatchOp,
  type RouterDeps,
} from './routing-object.js';
import { stableShare, type HeaderRoute, type MirrorRoute, type TrafficRouter, type WeightContext, type WeightDestination } from './traffic-router.js';
import { sameJson } from '../resources/canonical-json.js';

export interface Destination {
  host: string;
  subset?: string;
  port?: { number?: number };
  [field: string]: unknown;
}

export interface RouteDestination {
  destination: Destination;
  weight?: number;
  [field: string]: unknown;
}

export interface HttpRoute {
  name?: string;
  match?: Array<Record<string, unknown>>;
  route?: RouteDestination[];
  [field: string]: unknown;
}

/** A tls or tcp route: matched by port (and SNI host for tls), weighted like an http route. */
export interface L4Route {
  match?: Array<{ port?: number; sniHosts?: string[]; [field: string]: unknown }>;
  route?: RouteDestination[];
  [field: string]: unknown;
}

export interface VirtualServiceObject extends KubeObject {
  spec?: { hosts?: string[]; http?: HttpRoute[]; tls?: L4Route[]; tcp?: L4Route[]; [field: string]: unknown };
}

export interface Subset {
  name: string;
  labels?: Record<string, string>;
  [field: string]: unknown;
}

export interface DestinationRuleObject extends KubeObject {
  spec?: { host?: string; subsets?: Subset[]; [field: string]: unknown };
}

type VirtualServiceConfig = IstioVirtualServiceRef;
/** Where a split lives in a VirtualService: `spec.http`, `spec.tls` or `spec.tcp`. */
type RouteSection = 'http' | 'tls' | 'tcp';
type DestinationRuleConfig = NonNullable<IstioTrafficRouting['destinationRule']>;

/** Which destinations are stable and canary: by Service host, or by subset of the DestinationRule's host. */
interface DestinationMatcher {
  stable: (d: Destination) => boolean;
  canary: (d: Destination) => boolean;
  stableLabel: string;
  canaryLabel: string;
}

interface SplitSite {
  section: RouteSection;
  routeIndex: number;
  route: HttpRoute | L4Route;
  stableIndex: number;
  canaryIndex: number;
}

interface LiveVirtualService {
  config: VirtualServiceConfig;
  vs: VirtualServiceObject;
  sites: SplitSite[];
}

interface LiveState {
  services: LiveVirtualService[];
  destinationRule: DestinationRuleObject | undefined;
}

/** Http routes Vane prepends are named with this prefix. */
export const VANE_ROUTE_PREFIX = 'vane-';

export class IstioRouter implements TrafficRouter {
  readonly provider = 'istio';
  readonly additionalDestinations = true;
  private readonly namespace: string;
  private readonly owner: string;
  private readonly virtualServices: VirtualServiceConfig[];
  /** trafficRouting.managedRoutes names, highest precedence first; undefined without the list. */
  private readonly managed: string[] | undefined;

  constructor(
    rollout: Rollout,
    private readonly routing: IstioTrafficRouting,
    private readonly services: { stable: string; canary: string },
    private readonly deps: RouterDeps,
  ) {
    this.namespace = rollout.metadata.namespace ?? 'default';
    this.owner = `Rollout ${this.namespace}/${rollout.metadata.name ?? ''}`;
    this.virtualServices = [...(routing.virtualService ? [routing.virtualService] : []), ...(routing.virtualServices ?? [])];
    this.managed = rollout.spec.strategy.canary?.trafficRouting?.managedRoutes?.map((r) => r.name);
  }

  /**
   * Additional destinations (experiment Services) are destinations to their Service host in each split route, by
   * host split and subset split alike: the Service selects exactly the experiment's pods.
   */
  async setWeight(canaryPercent: number, context: WeightContext, additional: readonly WeightDestination[] = []): Promise<void> {
    const weight = checkPercent(canaryPercent, this.owner);
    const live = await this.readAll();
    // Subsets first: a canary weight must never reach a subset still selecting other pods.
    if (live.destinationRule) await this.pinSubsets(live.destinationRule, context);
    for (const { vs, sites } of live.services) await this.patch(vs, sites.flatMap((s) => this.splitOps(s, weight, additional)));
  }

  async getWeight(): Promise<number | undefined> {
    const matcher = await this.matcherOrUndefined();
    if (!matcher) return undefined;
    const readings: Array<number | undefined> = [];
    for (const config of this.virtualServices) {
      const vs = await this.deps.reader.get<VirtualServiceObject>(Kinds.VirtualService, this.namespace, config.name);
      if (!vs) return undefined;
      for (const site of this.locate(vs, config, matcher)) readings.push(siteWeight(site, this.routing.destinationRule?.additionalSubsetNames ?? []));
    }
    return agreed(readings);
  }

  reset(context: WeightContext): Promise<void> {
    return this.setWeight(0, context);
  }

  async setHeaderRoute(headerRoute: HeaderRoute, _context?: WeightContext): Promise<void> {
    if (headerRoute.match.length === 0) throw new TerminalError(`${this.owner}: header route "${headerRoute.name}" has no header to match`);
    const live = await this.readAll();
    const plans = live.services.map(({ vs, sites }) => {
      const desired = headerHttpRoute(this.routeName(headerRoute.name), sites, headerRoute);
      return { vs, ops: this.managed ? orderedRouteOps(vs, desired, this.managed) : headerRouteOps(vs, desired) };
    });
    for (const { vs, ops } of plans) await this.patch(vs, ops);
  }

  /** Argo docs (mirroring): a managed route above the split that keeps its weights and copies requests to the canary. */
  async setMirrorRoute(mirror: MirrorRoute, _context?: WeightContext): Promise<void> {
    const managed = this.managed;
    if (!managed?.includes(mirror.name)) throw new TerminalError(`${this.owner}: mirror route "${mirror.name}" must be listed in trafficRouting.managedRoutes`);
    if (mirror.match.length === 0) throw new TerminalError(`${this.owner}: mirror route "${mirror.name}" has no match`);
    const live = await this.readAll();
    const plans = live.services.map(({ vs, sites }) => ({ vs, ops: orderedRouteOps(vs, mirrorRoute(sites, mirror), managed) }));
    for (const { vs, ops } of plans) await this.patch(vs, ops);
  }

  async removeHeaderRoute(name: string): Promise<void> {
    for (const config of this.virtualServices) {
      const vs = await this.deps.reader.get<VirtualServiceObject>(Kinds.VirtualService, this.namespace, config.name);
      if (vs) await this.patch(vs, removeRouteOps(vs, (routeName) => routeName === this.routeName(name)));
    }
  }

  /** Removes the http routes Vane added and puts all traffic on stable; objects already gone are skipped. */
  async finalize(): Promise<void> {
    const matcher = await this.matcherOrUndefined();
    for (const config of this.virtualServices) {
      const vs = await this.deps.reader.get<VirtualServiceObject>(Kinds.VirtualService, this.namespace, config.name);
      if (!vs) continue;
      const sites = matcher ? this.tryLocate(vs, config, matcher) : [];
      // splitOps also drops destinations an experiment step left.
      await this.patch(vs, [...sites.flatMap((s) => this.splitOps(s, 0, [])), ...removeRouteOps(vs, (name) => this.isVaneRoute(name))]);
    }
  }

  /** Reads and validates the DestinationRule and every VirtualService before any write. */
  private async readAll(): Promise<LiveState> {
    if (this.virtualServices.length === 0) throw new TerminalError(`${this.owner}: istio traffic routing names no virtualService`);
    const config = this.routing.destinationRule;
    const destinationRule = config ? await readRequired<DestinationRuleObject>(this.deps.reader, Kinds.DestinationRule, this.namespace, config.name, this.owner) : undefined;
    const matcher = this.matcher(destinationRule);
    const services: LiveVirtualService[] = [];
    for (const vsConfig of this.virtualServices) {
      const vs = await readRequired<VirtualServiceObject>(this.deps.reader, Kinds.VirtualService, this.namespace, vsConfig.name, this.owner);
      services.push({ config: vsConfig, vs, sites: this.locate(vs, vsConfig, matcher) });
    }
    return { services, destinationRule };
  }

  private async matcherOrUndefined(): Promise<DestinationMatcher | undefined> {
    const config = this.routing.destinationRule;
    if (!config) return this.matcher(undefined);
    const dr = await this.deps.reader.get<DestinationRuleObject>(Kinds.DestinationRule, this.namespace, config.name);
    return dr ? this.matcher(dr) : undefined;
  }

  /** The name of the http route for a header or mirror route: its own when managed, else prefixed. */
  private routeName(name: string): string {
    return this.managed ? name : `${VANE_ROUTE_PREFIX}${name}`;
  }

  private isVaneRoute(name: string | undefined): boolean {
    return name !== undefined && (name.startsWith(VANE_ROUTE_PREFIX) || (this.managed?.includes(name) ?? false));
  }

  private matcher(dr: DestinationRuleObject | undefined): DestinationMatcher {
    const config = this.routing.destinationRule;
    if (!config || !dr) {
      const { stable, canary } = this.services;
      return { stable: (d) => isHost(d.host, stable, this.namespace), canary: (d) => isHost(d.host, canary, this.namespace), stableLabel: `host "${stable}"`, canaryLabel: `host "${canary}"` };
    }
    const what = describeObject(Kinds.DestinationRule, this.namespace, config.name);
    const host = dr.spec?.host;
    if (!host) throw new TerminalError(`${what} has no spec.host`);
    for (const subset of [config.stableSubsetName, config.canarySubsetName]) {
      if (!(dr.spec?.subsets ?? []).some((s) => s.name === subset)) throw new TerminalError(`${what} has no subset named "${subset}"`, { code: 'NotFound' });
    }
    const short = host.split('.')[0] ?? host;
    const subsetOf = (name: string) => (d: Destination): boolean => d.subset === name && isHost(d.host, short, this.namespace);
    return { stable: subsetOf(config.stableSubsetName), canary: subsetOf(config.canarySubsetName), stableLabel: `subset "${config.stableSubsetName}"`, canaryLabel: `subset "${config.canarySubsetName}"` };
  }

  private locate(vs: VirtualServiceObject, config: VirtualServiceConfig, matcher: DestinationMatcher): SplitSite[] {
    const what = describeObject(Kinds.VirtualService, this.namespace, config.name);
    const routes = vs.spec?.http ?? [];
    // Argo (e2e istio-host-only-tls-split): a VirtualService without http routes splits only its tls or tcp routes,
    // even when `routes` names some.
    const l4Only = routes.length === 0 && (config.tlsRoutes !== undefined || config.tcpRoutes !== undefined);
    const chosen = l4Only ? [] : config.routes ? namedRoutes(routes, config.routes, what) : routesWith(routes, matcher.stable, (name) => this.isVaneRoute(name));
    if (chosen.length === 0 && !l4Only) throw new TerminalError(`${what} has no http route with a destination to the stable ${matcher.stableLabel}`, { code: 'NotFound' });
    // Argo: managed mirror routes carry the split too (requests they match still go by weight), so they follow it.
    const mirrors = routes.flatMap((r, index) => (r.mirror !== undefined && r.name !== undefined && this.managed?.includes(r.name) ? [index] : []));
    const tls = (config.tlsRoutes ?? []).flatMap((selector) => l4Routes(vs.spec?.tls ?? [], 'tls', selector.port, selector.sniHosts, what));
    const tcp = (config.tcpRoutes ?? []).flatMap((selector) => l4Routes(vs.spec?.tcp ?? [], 'tcp', selector.port, undefined, what));
    return [
      ...[...chosen, ...mirrors].map((routeIndex) => site(routes, 'http', routeIndex, matcher, what)),
      ...unique(tls).map((routeIndex) => site(vs.spec?.tls ?? [], 'tls', routeIndex, matcher, what)),
      ...unique(tcp).map((routeIndex) => site(vs.spec?.tcp ?? [], 'tcp', routeIndex, matcher, what)),
    ];
  }

  private tryLocate(vs: VirtualServiceObject, config: VirtualServiceConfig, matcher: DestinationMatcher): SplitSite[] {
    try {
      return this.locate(vs, config, matcher);
    } catch (err) {
      if (err instanceof TerminalError) return [];
      throw err;
    }
  }

  /** Pins the stable and canary subsets' hash labels; the rest of each subset (and of the rule) is left alone. */
  private async pinSubsets(dr: DestinationRuleObject, context: WeightContext): Promise<void> {
    const config = this.routing.destinationRule as DestinationRuleConfig;
    const subsets = dr.spec?.subsets ?? [];
    const ops: JsonPatchOp[] = [];
    const pin = (name: string, hash: string): void => {
      const index = subsets.findIndex((s) => s.name === name);
      const subset = subsets[index] as Subset;
      if (!hash || subset.labels?.[POD_TEMPLATE_HASH_LABEL] === hash) return;
      ops.push({ op: 'test', path: `/spec/subsets/${index}/name`, value: name });
      const value = subset.labels ? hash : { [POD_TEMPLATE_HASH_LABEL]: hash };
      ops.push({ op: 'add', path: subset.labels ? `/spec/subsets/${index}/labels/${POD_TEMPLATE_HASH_LABEL}` : `/spec/subsets/${index}/labels`, value });
    };
    pin(config.stableSubsetName, context.stableHash);
    pin(config.canarySubsetName, context.canaryHash);
    await applyGuardedPatch(this.deps.writer, Kinds.DestinationRule, this.namespace, config.name, ops);
  }

  /**
   * The weights of one split route. Without additional destinations (and none left over) only the pair's weights
   * change. Otherwise the route's destination list is rewritten as a whole, guarded by a test of the list read:
   * additional destinations get their weight (appended when missing), and other weighted destinations — ones a
   * finished experiment left — go, as Argo removes them; stable keeps the rest.
   */
  /**
   * The patch for one split: the pair's weights, an experiment's destinations (added, changed, or dropped when it ends)
   * and, untouched, the destinations of `additionalSubsetNames`, whose weights come out of stable's share.
   */
  private splitOps(s: SplitSite, canaryPercent: number, additional: readonly WeightDestination[]): JsonPatchOp[] {
    const reservedSubsets = this.routing.destinationRule?.additionalSubsetNames ?? [];
    const destinations = s.route.route ?? [];
    const isPair = (i: number): boolean => i === s.stableIndex || i === s.canaryIndex;
    const leftover = destinations.some((d, i) => !isPair(i) && !isAdditional(d, reservedSubsets) && (d.weight ?? 0) > 0);
    if (additional.length === 0 && !leftover) return weightOps(s, canaryPercent, reservedSubsets, this.owner);
    const reserved = reservedWeight(destinations, reservedSubsets);
    const wanted = (d: Destination): WeightDestination | undefined => (d.subset === undefined ? additional.find((a) => isHost(d.host, a.serviceName, this.namespace)) : undefined);
    const desired: RouteDestination[] = [];
    destinations.forEach((d, i) => {
      if (i === s.stableIndex) desired.push({ ...d, weight: Math.max(0, stableShare(canaryPercent, additional) - reserved) });
      else if (i === s.canaryIndex) desired.push({ ...d, weight: canaryPercent });
      else if (isAdditional(d, reservedSubsets)) desired.push(d);
      else if (wanted(d.destination) !== undefined) desired.push({ ...d, weight: wanted(d.destination)?.weight ?? 0 });
      else if ((d.weight ?? 0) === 0) desired.push(d);
    });
    for (const a of additional) {
      if (!destinations.some((d) => wanted(d.destination) === a)) desired.push({ destination: { host: a.serviceName }, weight: a.weight });
    }
    if (sameJson(desired, destinations)) return [];
    const path = `/spec/${s.section}/${s.routeIndex}/route`;
    return [{ op: 'test', path, value: destinations }, { op: 'replace', path, value: desired }];
  }


  private async patch(vs: VirtualServiceObject, ops: JsonPatchOp[]): Promise<void> {
    await applyGuardedPatch(this.deps.writer, Kinds.VirtualService, this.namespace, vs.metadata.name ?? '', ops);
  }
}

/** `web`, `web.shop`, `web.shop.svc` and `web.shop.svc.cluster.local` all name Service web in namespace shop. */
function isHost(host: string, service: string, namespace: string): boolean {
  if (host === service) return true;
  const [name, ns] = host.split('.');
  return name === service && ns === namespace;
}

function namedRoutes(routes: HttpRoute[], names: string[], what: string): number[] {
  return names.map((name) => {
    const index = routes.findIndex((r) => r.name === name);
    if (index < 0) throw new TerminalError(`${what} has no http route named "${name}"`, { code: 'NotFound' });
    return index;
  });
}

function routesWith(routes: HttpRoute[], isStable: (d: Destination) => boolean, isVane: (name: string | undefined) => boolean): number[] {
  return routes.flatMap((r, index) => (!isVane(r.name) && (r.route ?? []).some((d) => isStable(d.destination)) ? [index] : []));
}

/**
 * Argo docs istio.md (TLS and TCP routes): the routes whose matches all name one port, equal to `port` (absent: 0),
 * and for tls exactly the SNI hosts `sniHosts`; a selector that matches none is an error.
 */
function l4Routes(routes: L4Route[], section: 'tls' | 'tcp', port: number | undefined, sniHosts: string[] | undefined, what: string): number[] {
  const wantedHosts = [...new Set(sniHosts ?? [])].sort();
  const found = routes.flatMap((route, index) => {
    const ports = new Set((route.match ?? []).map((m) => m.port ?? 0));
    if (ports.size > 1 || ([...ports][0] ?? 0) !== (port ?? 0)) return [];
    const hosts = [...new Set((route.match ?? []).flatMap((m) => m.sniHosts ?? []))].sort();
    return section === 'tcp' || sameJson(hosts, wantedHosts) ? [index] : [];
  });
  if (found.length === 0) {
    const hosts = section === 'tls' ? ` and SNI hosts [${wantedHosts.join(', ')}]` : '';
    throw new TerminalError(`${what} has no ${section} route matching port ${port ?? 0}${hosts}`, { code: 'NotFound' });
  }
  return found;
}

function unique(indexes: number[]): number[] {
  return [...new Set(indexes)];
}

function site(routes: Array<HttpRoute | L4Route>, section: RouteSection, routeIndex: number, matcher: DestinationMatcher, what: string): SplitSite {
  const route = routes[routeIndex] as HttpRoute | L4Route;
  const destinations = route.route ?? [];
  const label = typeof route.name === 'string' ? `${section} route "${route.name}"` : `${section} route ${routeIndex}`;
  const find = (role: string, describe: string, is: (d: Destination) => boolean): number => {
    const index = destinations.findIndex((d) => is(d.destination));
    if (index < 0) throw new TerminalError(`${what} ${label} has no destination to the ${role} ${describe}`, { code: 'NotFound' });
    return index;
  };
  return { section, routeIndex, route, stableIndex: find('stable', matcher.stableLabel, matcher.stable), canaryIndex: find('canary', matcher.canaryLabel, matcher.canary) };
}

function weightOps(s: SplitSite, canaryPercent: number, additionalSubsets: readonly string[], owner: string): JsonPatchOp[] {
  const base = `/spec/${s.section}/${s.routeIndex}/route`;
  const destinations = s.route.route ?? [];
  const guard = (index: number): JsonPatchOp => ({ op: 'test', path: `${base}/${index}/destination`, value: (destinations[index] as RouteDestination).destination });
  const reserved = reservedWeight(destinations, additionalSubsets);
  // Their weights are guarded too: a change to them changes stable's share, so a patch computed from old ones fails.
  const reservedGuards = destinations.flatMap((d, i) => (isAdditional(d, additionalSubsets) ? [{ op: 'test' as const, path: `${base}/${i}/weight`, value: d.weight }] : []));
  if (reserved > 100) throw new TerminalError(`${owner}: the additionalSubsetNames destinations of a ${s.section} route hold ${reserved}%, more than 100`);
  // The canary can have at most what the additional subsets leave: 100 (a promotion) means all of it, stable none.
  const canary = Math.min(canaryPercent, 100 - reserved);
  return [...reservedGuards, ...pairWeightOps(base, destinations.map((d) => d.weight), s, canary, guard, reserved)];
}

/** Argo docs istio.md: destinations to an additional subset keep their weight, which comes out of stable's share. */
function reservedWeight(destinations: readonly RouteDestination[], additionalSubsets: readonly string[]): number {
  return destinations.filter((d) => isAdditional(d, additionalSubsets)).reduce((sum, d) => sum + (d.weight ?? 0), 0);
}

function isAdditional(d: RouteDestination, additionalSubsets: readonly string[]): boolean {
  return d.destination.subset !== undefined && additionalSubsets.includes(d.destination.subset);
}

function siteWeight(s: SplitSite, additionalSubsets: readonly string[]): number | undefined {
  const destinations = s.route.route ?? [];
  // Beside additional subsets the canary's weight is its percent as written; with nothing left on stable it has all
  // the traffic Vane routes, which is 100 to the machine.
  if (reservedWeight(destinations, additionalSubsets) > 0) {
    const canary = destinations[s.canaryIndex]?.weight ?? 0;
    return (destinations[s.stableIndex]?.weight ?? 0) === 0 && canary > 0 ? 100 : canary;
  }
  // Istio sends everything to a lone destination without a weight; with several, a missing weight is 0.
  const weight = (d: RouteDestination | undefined): number => d?.weight ?? (destinations.length === 1 ? 100 : 0);
  // The canary's share of the whole route: experiment destinations take part of what stable would have.
  const others = destinations.reduce((sum, d, i) => sum + (i === s.stableIndex || i === s.canaryIndex ? 0 : weight(d)), 0);
  return percentOf(weight(destinations[s.stableIndex]) + others, weight(destinations[s.canaryIndex]));
}

/** The http route sending requests whose headers all match to the canary destination of the first split. */
function headerHttpRoute(name: string, sites: SplitSite[], headerRoute: HeaderRoute): HttpRoute {
  const headers = Object.fromEntries(headerRoute.match.map(({ headerName, headerValue }) => [headerName.toLowerCase(), stringMatch(headerRoute.name, headerName, headerValue)]));
  return { name, match: [{ headers }], route: [{ destination: canaryDestination(sites), weight: 100 }] };
}

function canaryDestination(sites: SplitSite[]): Destination {
  const first = firstHttpSite(sites);
  return ((first.route.route ?? [])[first.canaryIndex] as RouteDestination).destination;
}

/** Header and mirror routes are http routes: they copy the first http split (tls and tcp cannot match headers). */
function firstHttpSite(sites: SplitSite[]): SplitSite {
  const first = sites.find((s) => s.section === 'http');
  if (first === undefined) throw new TerminalError('header and mirror routes need an http route to split; the VirtualService splits only tls or tcp routes');
  return first;
}

/** Argo docs (mirroring): the split's destinations and weights as they are, plus a mirror to the canary. */
function mirrorRoute(sites: SplitSite[], mirror: MirrorRoute): HttpRoute {
  const first = firstHttpSite(sites);
  const match = mirror.match.map((m) => {
    const istio: Record<string, unknown> = {};
    if (m.method) istio['method'] = { ...m.method };
    if (m.path) istio['uri'] = { ...m.path };
    if (m.headers) istio['headers'] = structuredClone(m.headers);
    return istio;
  });
  return { name: mirror.name, match, route: structuredClone(first.route.route ?? []), mirror: canaryDestination(sites), mirrorPercentage: { value: mirror.percentage } };
}

/**
 * Puts `desired` in place of any route of its name and orders the list: managed routes first, in managedRoutes
 * order, then every other route as it was. The whole list is guarded by a `test` of what was read.
 */
function orderedRouteOps(vs: VirtualServiceObject, desired: HttpRoute, managed: readonly string[]): JsonPatchOp[] {
  const routes = vs.spec?.http ?? [];
  const all = [...routes.filter((r) => r.name !== desired.name), desired];
  const isManaged = (r: HttpRoute): boolean => r.name !== undefined && managed.includes(r.name);
  const ordered = [...managed.flatMap((name) => all.filter((r) => r.name === name)), ...all.filter((r) => !isManaged(r))];
  if (sameJson(ordered, routes)) return [];
  return [{ op: 'test', path: '/spec/http', value: routes }, { op: 'replace', path: '/spec/http', value: ordered }];
}

function headerRouteOps(vs: VirtualServiceObject, desired: HttpRoute): JsonPatchOp[] {
  const routes = vs.spec?.http ?? [];
  const index = routes.findIndex((r) => r.name === desired.name);
  if (index >= 0 && sameJson(routes[index], desired)) return [];
  const removal = removeRouteOps(vs, (name) => name === desired.name);
  // Prepended: Istio takes the first http route that matches, so the header route must come before the split.
  return [...removal, { op: 'add', path: '/spec/http/0', value: desired }];
}

function stringMatch(routeName: string, headerName: string, value: HeaderRoute['match'][number]['headerValue']): Record<string, string> {
  if (value.exact !== undefined) return { exact: value.exact };
  if (value.prefix !== undefined) return { prefix: value.prefix };
  if (value.regex !== undefined) return { regex: value.regex };
  throw new TerminalError(`header route "${routeName}": header "${headerName}" has no exact, prefix or regex value`);
}

function removeRouteOps(vs: VirtualServiceObject, matches: (name: string | undefined) => boolean): JsonPatchOp[] {
  const routes = vs.spec?.http ?? [];
  const ops: JsonPatchOp[] = [];
  for (let i = routes.length - 1; i >= 0; i--) {
    const name = routes[i]?.name;
    if (matches(name)) ops.push({ op: 'test', path: `/spec/http/${i}/name`, value: name }, { op: 'remove', path: `/spec/http/${i}` });
  }
  return ops;
}

export function istioRouter(rollout: Rollout, routing: IstioTrafficRouting, services: { stable: string; canary: string }, deps: RouterDeps): TrafficRouter {
  return new IstioRouter(rollout, routing, services, deps);
}
