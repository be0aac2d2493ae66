// NGINX Ingress router: a canary Ingress `<stable-ingress>-<rollout>-canary` per stable Ingress, cloned from it with
// its backends pointed at the canary Service and owned by the Rollout; the weight and header routing are its
// `canary`, `canary-weight` and `canary-by-header*` annotations. The stable Ingress is only read.
import { TerminalError } from '../errors.js';
import { boundedName } from '../kube/bounded-name.js';
import type { KubeObject } from '../kube/kube-object.js';
import { apiVersionOf, Kinds } from '../kube/resource-kind.js';
import type { NginxTrafficRouting, Rollout } from '../resources/rollout.js';
import { checkPercent, describeObject, isOwnedBy, prefixPattern, readRequired, rolloutOwnerReference, type RouterDeps } from './routing-object.js';
import type { HeaderRoute, TrafficRouter, WeightContext } from './traffic-router.js';
import { sameJson } from '../resources/canonical-json.js';
import { compositeRouter } from './composite-router.js';

interface IngressBackend {
  service?: { name: string; port?: { number?: number; name?: string } };
  [field: string]: unknown;
}

interface IngressPath {
  backend: IngressBackend;
  [field: string]: unknown;
}

interface IngressRule {
  host?: string;
  http?: { paths: IngressPath[] };
  [field: string]: unknown;
}

export interface IngressObject extends KubeObject {
  spec?: { ingressClassName?: string; defaultBackend?: IngressBackend; rules?: IngressRule[]; [field: string]: unknown };
}

export const DEFAULT_ANNOTATION_PREFIX = 'nginx.ingress.kubernetes.io';
/** Which header route the canary Ingress's by-header annotations belong to. */
export const HEADER_ROUTE_ANNOTATION = 'vane.dev/header-route';
/** Copied from the stable Ingress: controllers that select by the legacy class annotation need it on both. */
const LEGACY_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';

type Annotations = Record<string, string | null>;

export class NginxRouter implements TrafficRouter {
  readonly provider = 'nginx';
  readonly canaryIngressName: string;
  private readonly namespace: string;
  private readonly owner: string;
  private readonly prefix: string;

  constructor(
    private readonly rollout: Rollout,
    private readonly routing: NginxTrafficRouting,
    private readonly stableIngress: string,
    private readonly services: { stable: string; canary: string },
    private readonly deps: RouterDeps,
  ) {
    this.namespace = rollout.metadata.namespace ?? 'default';
    this.owner = `Rollout ${this.namespace}/${rollout.metadata.name ?? ''}`;
    this.prefix = routing.annotationPrefix ?? DEFAULT_ANNOTATION_PREFIX;
    this.canaryIngressName = boundedName(`${stableIngress}-${rollout.metadata.name ?? ''}-canary`);
  }

  async setWeight(canaryPercent: number, _context?: WeightContext): Promise<void> {
    const weight = checkPercent(canaryPercent, this.owner);
    await this.ensureCanary({ [this.key('canary-weight')]: String(weight) });
  }

  async getWeight(): Promise<number | undefined> {
    const stable = await this.deps.reader.get<IngressObject>(Kinds.Ingress, this.namespace, this.stableIngress);
    if (!stable) return undefined;
    const canary = await this.deps.reader.get<IngressObject>(Kinds.Ingress, this.namespace, this.canaryIngressName);
    // Without a canary Ingress every request goes to the stable one.
    if (!canary) return 0;
    const annotations = canary.metadata.annotations ?? {};
    if (annotations[this.key('canary')] !== 'true') return 0;
    const weight = Number(annotations[this.key('canary-weight')] ?? '0');
    return Number.isInteger(weight) ? weight : undefined;
  }

  /** All traffic to stable: weight 0 on the canary Ingress; nothing to do when there is none. */
  async reset(_context?: WeightContext): Promise<void> {
    const canary = await this.readOwnedCanary();
    if (canary) await this.patchAnnotations(canary, { [this.key('canary-weight')]: '0' });
  }

  async setHeaderRoute(headerRoute: HeaderRoute, _context?: WeightContext): Promise<void> {
    const [match, ...more] = headerRoute.match;
    if (!match || more.length > 0) throw new TerminalError(`${this.owner}: NGINX header route "${headerRoute.name}" must match exactly one header (it matches ${headerRoute.match.length})`);
    const { headerName, headerValue } = match;
    const exact = headerValue.exact;
    const pattern = headerValue.regex ?? (headerValue.prefix !== undefined ? prefixPattern(headerValue.prefix) : undefined);
    if (exact === undefined && pattern === undefined) throw new TerminalError(`${this.owner}: header route "${headerRoute.name}": header "${headerName}" has no exact, prefix or regex value`);
    await this.ensureCanary({
      [HEADER_ROUTE_ANNOTATION]: headerRoute.name,
      [this.key('canary-by-header')]: headerName,
      [this.key('canary-by-header-value')]: exact ?? null,
      [this.key('canary-by-header-pattern')]: exact === undefined ? (pattern ?? null) : null,
    });
  }

  async removeHeaderRoute(name: string): Promise<void> {
    const canary = await this.readOwnedCanary();
    if (!canary || canary.metadata.annotations?.[HEADER_ROUTE_ANNOTATION] !== name) return;
    await this.patchAnnotations(canary, this.withoutHeader());
  }

  /** Deletes the canary Ingress: NGINX then sends every request to the stable one. */
  async finalize(): Promise<void> {
    const canary = await this.deps.reader.get<IngressObject>(Kinds.Ingress, this.namespace, this.canaryIngressName);
    if (canary && isOwnedBy(canary, rolloutOwnerReference(this.rollout))) await this.deps.writer.delete(Kinds.Ingress, this.namespace, this.canaryIngressName);
  }

  /** Creates or updates the canary Ingress so its spec follows the stable one and `annotations` are set. */
  private async ensureCanary(annotations: Annotations): Promise<void> {
    const stable = await readRequired<IngressObject>(this.deps.reader, Kinds.Ingress, this.namespace, this.stableIngress, this.owner);
    const spec = this.canarySpec(stable);
    const canary = await this.readOwnedCanary();
    if (!canary) {
      await this.deps.writer.create(Kinds.Ingress, this.build(stable, spec, annotations));
      return;
    }
    if (!sameJson(canary.spec, spec)) {
      const merged = applyAnnotations({ ...(canary.metadata.annotations ?? {}), ...this.baseAnnotations(stable) }, annotations);
      // The stable Ingress changed (hosts, paths, TLS): follow it. The resourceVersion makes a concurrent edit a 409.
      await this.deps.writer.replace(Kinds.Ingress, { ...canary, metadata: { ...canary.metadata, annotations: merged }, spec });
      return;
    }
    await this.patchAnnotations(canary, { ...this.baseAnnotations(stable), ...annotations });
  }

  /** Merge-patches only the annotations whose value differs; writes nothing when all are in place. */
  private async patchAnnotations(canary: IngressObject, wanted: Annotations): Promise<void> {
    const current = canary.metadata.annotations ?? {};
    const changed = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => (current[key] ?? null) !== value));
    if (Object.keys(changed).length === 0) return;
    await this.deps.writer.patch(Kinds.Ingress, this.namespace, this.canaryIngressName, { metadata: { annotations: changed } }, 'merge');
  }

  private async readOwnedCanary(): Promise<IngressObject | undefined> {
    const canary = await this.deps.reader.get<IngressObject>(Kinds.Ingress, this.namespace, this.canaryIngressName);
    if (canary && !isOwnedBy(canary, rolloutOwnerReference(this.rollout))) {
      throw new TerminalError(`${describeObject(Kinds.Ingress, this.namespace, this.canaryIngressName)} exists and is not owned by ${this.owner}; delete or rename it`);
    }
    return canary;
  }

  /** The stable spec with only the paths to the stable Service kept, pointed at the canary Service. */
  private canarySpec(stable: IngressObject): NonNullable<IngressObject['spec']> {
    const what = describeObject(Kinds.Ingress, this.namespace, this.stableIngress);
    const { defaultBackend, rules, ...rest } = stable.spec ?? {};
    const toCanary = (backend: IngressBackend | undefined): IngressBackend | undefined =>
      backend?.service?.name === this.services.stable ? { ...backend, service: { ...backend.service, name: this.services.canary } } : undefined;
    const canaryRules = (rules ?? []).flatMap((rule): IngressRule[] => {
      const paths = (rule.http?.paths ?? []).flatMap((p) => {
        const backend = toCanary(p.backend);
        return backend ? [{ ...p, backend }] : [];
      });
      return paths.length > 0 ? [{ ...rule, http: { ...rule.http, paths } }] : [];
    });
    const canaryDefault = toCanary(defaultBackend);
    if (canaryRules.length === 0 && !canaryDefault) throw new TerminalError(`${what} has no backend to the stable Service "${this.services.stable}"`, { code: 'NotFound' });
    return { ...rest, ...(canaryDefault ? { defaultBackend: canaryDefault } : {}), ...(canaryRules.length > 0 ? { rules: canaryRules } : {}) };
  }

  private baseAnnotations(stable: IngressObject): Record<string, string> {
    const extra = Object.fromEntries(Object.entries(this.routing.additionalIngressAnnotations ?? {}).map(([key, value]) => [this.key(key), value]));
    const legacyClass = stable.metadata.annotations?.[LEGACY_CLASS_ANNOTATION];
    // Argo docs nginx.md: canaryIngressAnnotations are full keys and win over additionalIngressAnnotations.
    const full = this.routing.canaryIngressAnnotations ?? {};
    return { ...(legacyClass ? { [LEGACY_CLASS_ANNOTATION]: legacyClass } : {}), ...extra, ...full, [this.key('canary')]: 'true' };
  }

  private build(stable: IngressObject, spec: NonNullable<IngressObject['spec']>, annotations: Annotations): IngressObject {
    const all = applyAnnotations({ ...this.baseAnnotations(stable), [this.key('canary-weight')]: '0' }, annotations);
    return {
      apiVersion: apiVersionOf(Kinds.Ingress),
      kind: Kinds.Ingress.kind,
      metadata: { name: this.canaryIngressName, namespace: this.namespace, annotations: all, ownerReferences: [rolloutOwnerReference(this.rollout)] },
      spec,
    };
  }

  private withoutHeader(): Annotations {
    return { [HEADER_ROUTE_ANNOTATION]: null, [this.key('canary-by-header')]: null, [this.key('canary-by-header-value')]: null, [this.key('canary-by-header-pattern')]: null };
  }

  private key(name: string): string {
    return `${this.prefix}/${name}`;
  }
}

/** Sets the string values and drops the null ones (null means "remove", as in a merge patch). */
function applyAnnotations(base: Record<string, string>, changes: Annotations): Record<string, string> {
  const result: Record<string, string> = { ...base };
  for (const [key, value] of Object.entries(changes)) {
    if (value === null) delete result[key];
    else result[key] = value;
  }
  return result;
}

/** One canary Ingress per stable Ingress; with `stableIngresses` every step is applied to each (Argo docs nginx.md). */
export function nginxRouter(rollout: Rollout, routing: NginxTrafficRouting, services: { stable: string; canary: string }, deps: RouterDeps): TrafficRouter {
  const names = routing.stableIngresses ?? (routing.stableIngress !== undefined ? [routing.stableIngress] : []);
  const routers = names.map((name) => new NginxRouter(rollout, routing, name, services, deps));
  const [only] = routers;
  if (only === undefined) throw new TerminalError(`Rollout ${rollout.metadata.namespace ?? 'default'}/${rollout.metadata.name ?? ''}: trafficRouting.nginx needs stableIngress or stableIngresses`);
  return routers.length === 1 ? only : compositeRouter(routers, only.provider);
}
