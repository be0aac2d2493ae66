// AWS Load Balancer Controller (ALB) router: the weight is a forward action in the user's Ingress annotation
// `<prefix>/actions.<rootService>` (Argo docs features/traffic-management/alb.md); header routes are an action and a
// conditions annotation per route plus an Ingress path to that action. Only annotations and paths Vane lists in
// its bookkeeping annotation are ever changed.
import { TerminalError } from '../errors.js';
import { Kinds } from '../kube/resource-kind.js';
import { sameJson } from '../resources/canonical-json.js';
import type { ALBTrafficRouting, Rollout } from '../resources/rollout.js';
import type { IngressObject } from './nginx-router.js';
import { agreed, applyGuardedPatch, checkPercent, describeObject, percentOf, readRequired, type JsonPatchOp, type RouterDeps } from './routing-object.js';
import { stableShare, type HeaderRoute, type TrafficRouter, type WeightContext, type WeightDestination } from './traffic-router.js';

export const DEFAULT_ALB_ANNOTATION_PREFIX = 'alb.ingress.kubernetes.io';
/**
 * Which ALB annotations each Rollout manages on an Ingress: `{"<rollout>": ["<key>", ...]}`, the shape of Argo's
 * `rollouts.argoproj.io/managed-alb-annotations` under Vane's own name, so a still-running Argo controller never
 * mistakes Vane's actions for those of a deleted Argo Rollout and resets them.
 */
export const MANAGED_ALB_ANNOTATIONS = 'vane.dev/managed-alb-annotations';
/** The backend port name that tells the AWS Load Balancer Controller to read the action annotation. */
export const USE_ANNOTATION = 'use-annotation';
/** TargetGroupStickinessConfig's range in the AWS API: 1 second to 7 days. */
const MAX_STICKINESS_SECONDS = 604800;

export interface ALBTargetGroup {
  ServiceName: string;
  ServicePort: string;
  Weight: number;
}

/** The forward action JSON the AWS Load Balancer Controller reads, field for field as Argo Rollouts writes it. */
export interface ALBAction {
  Type: 'forward';
  ForwardConfig: {
    TargetGroups: ALBTargetGroup[];
    TargetGroupStickinessConfig?: { Enabled: boolean; DurationSeconds: number };
  };
}

export interface ALBCondition {
  field: 'http-header';
  httpHeaderConfig: { httpHeaderName: string; values: string[] };
}

type ManagedAnnotations = Record<string, string[]>;
type Annotations = Record<string, string | null>;
type IngressPaths = NonNullable<NonNullable<NonNullable<IngressObject['spec']>['rules']>[number]['http']>['paths'];

export class ALBRouter implements TrafficRouter {
  readonly provider = 'alb';
  readonly additionalDestinations = true;
  private readonly namespace: string;
  private readonly rolloutName: string;
  private readonly owner: string;
  private readonly ingresses: readonly string[];
  private readonly prefix: string;
  /** The action name: the Service of the Ingress backend that reads the annotation. */
  private readonly actionService: string;
  private readonly port: string;

  constructor(
    rollout: Rollout,
    private readonly routing: ALBTrafficRouting,
    private readonly services: { stable: string; canary: string },
    private readonly deps: RouterDeps,
  ) {
    this.namespace = rollout.metadata.namespace ?? 'default';
    this.rolloutName = rollout.metadata.name ?? '';
    this.owner = `Rollout ${this.namespace}/${this.rolloutName}`;
    this.ingresses = routing.ingresses ?? (routing.ingress !== undefined ? [routing.ingress] : []);
    if (this.ingresses.length === 0) throw new TerminalError(`${this.owner}: trafficRouting.alb names no ingress or ingresses`);
    this.prefix = routing.annotationPrefix ?? DEFAULT_ALB_ANNOTATION_PREFIX;
    this.actionService = routing.rootService ?? services.stable;
    this.port = String(routing.servicePort);
  }

  /**
   * Argo docs alb.md: TargetGroups [canary, stable] with weights summing to 100, on every Ingress; each additional
   * destination (an experiment template's Service) is one more target group on the same port.
   */
  async setWeight(canaryPercent: number, _context?: WeightContext, additional: readonly WeightDestination[] = []): Promise<void> {
    const weight = checkPercent(canaryPercent, this.owner);
    const action = this.forwardAction([
      { ServiceName: this.services.canary, ServicePort: this.port, Weight: weight },
      { ServiceName: this.services.stable, ServicePort: this.port, Weight: stableShare(weight, additional) },
      ...additional.map((d) => ({ ServiceName: d.serviceName, ServicePort: this.port, Weight: d.weight })),
    ]);
    const key = this.actionKey(this.actionService);
    for (const name of this.ingresses) {
      const ingress = await this.read(name);
      this.requireRootPath(ingress);
      await this.patch(ingress, annotationOps(ingress, { [key]: JSON.stringify(action), ...this.managed(ingress, [key], []) }));
    }
  }

  async getWeight(): Promise<number | undefined> {
    const readings: Array<number | undefined> = [];
    for (const name of this.ingresses) {
      const ingress = await this.deps.reader.get<IngressObject>(Kinds.Ingress, this.namespace, name);
      readings.push(ingress ? this.weightOf(ingress) : undefined);
    }
    return agreed(readings);
  }

  reset(context?: WeightContext): Promise<void> {
    return this.setWeight(0, context);
  }

  /** Argo's ALB header routing: a forward action with the canary alone, under conditions matching the headers. */
  async setHeaderRoute(route: HeaderRoute, _context?: WeightContext): Promise<void> {
    const conditions = this.conditions(route);
    const action = this.forwardAction([{ ServiceName: this.services.canary, ServicePort: this.port, Weight: 100 }]);
    const keys = [this.actionKey(route.name), this.conditionsKey(route.name)];
    for (const name of this.ingresses) {
      const ingress = await this.read(name);
      const wanted = { [keys[0]!]: JSON.stringify(action), [keys[1]!]: JSON.stringify(conditions), ...this.managed(ingress, keys, []) };
      await this.patch(ingress, [...annotationOps(ingress, wanted), ...this.addRoutePathOps(ingress, route.name)]);
    }
  }

  async removeHeaderRoute(name: string): Promise<void> {
    const keys = [this.actionKey(name), this.conditionsKey(name)];
    for (const ingressName of this.ingresses) {
      const ingress = await this.read(ingressName);
      const wanted = { [keys[0]!]: null, [keys[1]!]: null, ...this.managed(ingress, [], keys) };
      await this.patch(ingress, [...removeRoutePathOps(ingress, name), ...annotationOps(ingress, wanted)]);
    }
  }

  /**
   * What Argo's Ingress controller does when a Rollout is gone: every weighted action this Rollout managed forwards
   * to its own Service at weight 100; header routes (their annotations and paths) are removed; the Rollout leaves
   * the bookkeeping annotation. An Ingress that is gone or never carried this Rollout's actions is left alone.
   */
  async finalize(): Promise<void> {
    for (const name of this.ingresses) {
      const ingress = await this.deps.reader.get<IngressObject>(Kinds.Ingress, this.namespace, name);
      const managed = ingress ? this.managedAnnotations(ingress) : {};
      const keys = managed[this.rolloutName];
      if (!ingress || !keys) continue;
      const routeNames = keys.filter((k) => k.startsWith(this.conditionsKey(''))).map((k) => k.slice(this.conditionsKey('').length));
      const headerKeys = new Set(routeNames.flatMap((r) => [this.actionKey(r), this.conditionsKey(r)]));
      const wanted: Annotations = {};
      for (const key of keys) wanted[key] = headerKeys.has(key) ? null : this.restoredAction(ingress, key);
      const { [this.rolloutName]: _mine, ...others } = managed;
      wanted[MANAGED_ALB_ANNOTATIONS] = Object.keys(others).length > 0 ? managedValue(others) : null;
      await this.patch(ingress, [...routeNames.flatMap((r) => removeRoutePathOps(ingress, r)), ...annotationOps(ingress, wanted)]);
    }
  }

  /** The action a weighted key is restored to: its own Service at 100, stickiness and port as last written. */
  private restoredAction(ingress: IngressObject, key: string): string | null {
    if (!key.startsWith(this.actionKey(''))) return ingress.metadata.annotations?.[key] ?? null;
    const service = key.slice(this.actionKey('').length);
    const previous = parseAction(ingress.metadata.annotations?.[key]);
    const port = previous?.ForwardConfig.TargetGroups[0]?.ServicePort ?? this.port;
    const stickiness = previous?.ForwardConfig.TargetGroupStickinessConfig;
    const action: ALBAction = { Type: 'forward', ForwardConfig: { TargetGroups: [{ ServiceName: service, ServicePort: port, Weight: 100 }], ...(stickiness ? { TargetGroupStickinessConfig: stickiness } : {}) } };
    return JSON.stringify(action);
  }

  private weightOf(ingress: IngressObject): number | undefined {
    const action = parseAction(ingress.metadata.annotations?.[this.actionKey(this.actionService)]);
    if (!action) return undefined;
    const weightOf = (service: string): number => action.ForwardConfig.TargetGroups.find((g) => g.ServiceName === service)?.Weight ?? 0;
    const total = action.ForwardConfig.TargetGroups.reduce((sum, g) => sum + g.Weight, 0);
    // The canary's share of all target groups: experiment target groups take part of what stable would have.
    return percentOf(total - weightOf(this.services.canary), weightOf(this.services.canary));
  }

  private forwardAction(targetGroups: ALBTargetGroup[]): ALBAction {
    const stickiness = this.routing.stickinessConfig;
    if (stickiness?.enabled === true && (stickiness.durationSeconds < 1 || stickiness.durationSeconds > MAX_STICKINESS_SECONDS)) {
      throw new TerminalError(`${this.owner}: trafficRouting.alb.stickinessConfig.durationSeconds must be between 1 and ${MAX_STICKINESS_SECONDS} (7 days), got ${stickiness.durationSeconds}`);
    }
    const sticky = stickiness?.enabled === true ? { TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: stickiness.durationSeconds } } : {};
    return { Type: 'forward', ForwardConfig: { TargetGroups: targetGroups, ...sticky } };
  }

  /** ALB http-header conditions hold literal values (with * and ? wildcards): only exact matches translate. */
  private conditions(route: HeaderRoute): ALBCondition[] {
    return route.match.map(({ headerName, headerValue }) => {
      if (headerValue.exact === undefined) {
        throw new TerminalError(`${this.owner}: ALB header route "${route.name}": header "${headerName}" must match an exact value (ALB conditions support exact values only)`);
      }
      return { field: 'http-header', httpHeaderConfig: { httpHeaderName: headerName, values: [headerValue.exact] } };
    });
  }

  private async read(name: string): Promise<IngressObject> {
    return readRequired<IngressObject>(this.deps.reader, Kinds.Ingress, this.namespace, name, this.owner);
  }

  private requireRootPath(ingress: IngressObject): void {
    // A numbered port sends the ALB straight to the Service: weights in the annotation would silently do nothing.
    if (rootPaths(ingress, this.actionService).some((p) => isActionPath(p, this.actionService))) return;
    const what = describeObject(Kinds.Ingress, this.namespace, ingress.metadata.name ?? '');
    throw new TerminalError(`${what} has no rule whose backend is the Service "${this.actionService}" (trafficRouting.alb.rootService, else stableService) with port name "${USE_ANNOTATION}"`, { code: 'NotFound' });
  }

  /** A path to the route's action before each path to the root action (same path, same type), once per rule. */
  private addRoutePathOps(ingress: IngressObject, route: string): JsonPatchOp[] {
    this.requireRootPath(ingress);
    const ops: JsonPatchOp[] = [];
    (ingress.spec?.rules ?? []).forEach((rule, i) => {
      const paths = rule.http?.paths ?? [];
      if (paths.some((p) => isActionPath(p, route))) return;
      const roots = paths.flatMap((p, j) => (p.backend.service?.name === this.actionService ? [j] : []));
      // Highest index first, so each insertion leaves the positions still to come where they were read.
      for (const j of roots.reverse()) {
        const root = paths[j]!;
        const base = `/spec/rules/${i}/http/paths/${j}`;
        ops.push({ op: 'test', path: `${base}/backend/service/name`, value: this.actionService });
        const headerPath = { ...(root['path'] !== undefined ? { path: root['path'] } : {}), pathType: root['pathType'], backend: { service: { name: route, port: { name: USE_ANNOTATION } } } };
        ops.push({ op: 'add', path: base, value: headerPath });
      }
    });
    return ops;
  }

  private managedAnnotations(ingress: IngressObject): ManagedAnnotations {
    const raw = ingress.metadata.annotations?.[MANAGED_ALB_ANNOTATIONS];
    if (raw === undefined) return {};
    const parsed = parseJson(raw);
    const valid = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && Object.values(parsed).every((v) => Array.isArray(v) && v.every((k) => typeof k === 'string'));
    if (!valid) throw new TerminalError(`${describeObject(Kinds.Ingress, this.namespace, ingress.metadata.name ?? '')}: annotation ${MANAGED_ALB_ANNOTATIONS} is not a JSON object of key lists; fix or remove it`);
    return parsed as ManagedAnnotations;
  }

  /** The bookkeeping annotation with this Rollout's list gaining `add` and losing `remove`. */
  private managed(ingress: IngressObject, add: readonly string[], remove: readonly string[]): Annotations {
    const all = this.managedAnnotations(ingress);
    const mine = (all[this.rolloutName] ?? []).filter((k) => !remove.includes(k));
    for (const key of add) if (!mine.includes(key)) mine.push(key);
    return { [MANAGED_ALB_ANNOTATIONS]: managedValue({ ...all, [this.rolloutName]: mine }) };
  }

  private async patch(ingress: IngressObject, ops: JsonPatchOp[]): Promise<void> {
    await applyGuardedPatch(this.deps.writer, Kinds.Ingress, this.namespace, ingress.metadata.name ?? '', ops);
  }

  private actionKey(name: string): string {
    return `${this.prefix}/actions.${name}`;
  }

  private conditionsKey(name: string): string {
    return `${this.prefix}/conditions.${name}`;
  }
}

function rootPaths(ingress: IngressObject, service: string): IngressPaths {
  return (ingress.spec?.rules ?? []).flatMap((rule) => (rule.http?.paths ?? []).filter((p) => p.backend.service?.name === service));
}

function isActionPath(path: IngressPaths[number], action: string): boolean {
  return path.backend.service?.name === action && path.backend.service.port?.name === USE_ANNOTATION;
}

/** Removes the paths Vane added for a header route (backend `<route>` on port `use-annotation`), last first. */
function removeRoutePathOps(ingress: IngressObject, route: string): JsonPatchOp[] {
  const ops: JsonPatchOp[] = [];
  (ingress.spec?.rules ?? []).forEach((rule, i) => {
    const indexes = (rule.http?.paths ?? []).flatMap((p, j) => (isActionPath(p, route) ? [j] : []));
    for (const j of indexes.reverse()) {
      const base = `/spec/rules/${i}/http/paths/${j}`;
      ops.push({ op: 'test', path: `${base}/backend/service/name`, value: route }, { op: 'remove', path: base });
    }
  });
  return ops;
}

/**
 * JSON-patch ops that give the annotations the `wanted` values (null removes). A value already there with the same
 * meaning (JSON compared as JSON) is left alone; one that is replaced or removed is first tested to be the one read.
 */
function annotationOps(ingress: IngressObject, wanted: Annotations): JsonPatchOp[] {
  const current = ingress.metadata.annotations;
  if (current === undefined) {
    const added = Object.fromEntries(Object.entries(wanted).filter((e): e is [string, string] => e[1] !== null));
    // Adding the whole map would replace one written meanwhile: the resourceVersion read guards it.
    const guard: JsonPatchOp = { op: 'test', path: '/metadata/resourceVersion', value: ingress.metadata.resourceVersion };
    return Object.keys(added).length > 0 ? [guard, { op: 'add', path: '/metadata/annotations', value: added }] : [];
  }
  const ops: JsonPatchOp[] = [];
  for (const [key, value] of Object.entries(wanted)) {
    const path = `/metadata/annotations/${pointerToken(key)}`;
    const live = current[key];
    if (value === null) {
      if (live !== undefined) ops.push({ op: 'test', path, value: live }, { op: 'remove', path });
    } else if (live === undefined) {
      ops.push({ op: 'add', path, value });
    } else if (!sameValue(live, value)) {
      ops.push({ op: 'test', path, value: live }, { op: 'replace', path, value });
    }
  }
  return ops;
}

function sameValue(live: string, wanted: string): boolean {
  const [a, b] = [parseJson(live), parseJson(wanted)];
  return a !== undefined && b !== undefined ? sameJson(a, b) : live === wanted;
}

function managedValue(managed: ManagedAnnotations): string {
  return JSON.stringify(Object.fromEntries(Object.keys(managed).sort().map((k) => [k, managed[k]])));
}

function parseAction(raw: string | undefined): ALBAction | undefined {
  const parsed = raw === undefined ? undefined : (parseJson(raw) as Partial<ALBAction> | undefined);
  return Array.isArray(parsed?.ForwardConfig?.TargetGroups) ? (parsed as ALBAction) : undefined;
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    return undefined;
  }
}

/** RFC 6901: `~` and `/` inside a JSON pointer token (annotation keys carry a `/`). */
function pointerToken(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function albRouter(rollout: Rollout, routing: ALBTrafficRouting, services: { stable: string; canary: string }, deps: RouterDeps): TrafficRouter {
  return new ALBRouter(rollout, routing, services, deps);
}
