// Picks the TrafficRouter for a Rollout's trafficRouting; none means the replica-ratio canary (see docs/traffic-routing.md).
import { TerminalError } from '../errors.js';
import type { Rollout } from '../resources/rollout.js';
import { albRouter } from './alb-router.js';
import { ambassadorRouter } from './ambassador-router.js';
import { apisixRouter } from './apisix-router.js';
import { appMeshRouter } from './appmesh-router.js';
import { compositeRouter } from './composite-router.js';
import { gatewayAPIRouter } from './gateway-api-router.js';
import { istioRouter } from './istio-router.js';
import { nginxRouter } from './nginx-router.js';
import type { RouterDeps } from './routing-object.js';
import { serviceRoles } from './service-roles.js';
import { smiRouter } from './smi-router.js';
import { traefikRouter } from './traefik-router.js';
import type { TrafficRouter } from './traffic-router.js';

export type { RouterDeps } from './routing-object.js';

/**
 * The router for `rollout`, or undefined without `canary.trafficRouting`: the canary's share of requests is then
 * only approximated by its share of pods. Validation (rollout-validation.ts) guarantees a provider and the
 * Services it needs (the named pair or the ping-pong pair, see service-roles.ts; Istio subsets need none); a
 * Rollout that skipped it gets a TerminalError here rather than a silent fallback.
 */
export function routerFor(rollout: Rollout, deps: RouterDeps): TrafficRouter | undefined {
  const canary = rollout.spec.strategy.canary;
  const routing = canary?.trafficRouting;
  if (!canary || !routing) return undefined;
  const owner = `Rollout ${rollout.metadata.namespace ?? 'default'}/${rollout.metadata.name ?? ''}`;
  const roles = serviceRoles(rollout);
  const services = (): { stable: string; canary: string } => {
    if (!roles.stable || !roles.canary) throw new TerminalError(`${owner}: trafficRouting needs both canary.stableService and canary.canaryService (or pingPong)`);
    return { stable: roles.stable, canary: roles.canary };
  };
  const subsetServices = { stable: roles.stable ?? '', canary: roles.canary ?? '' };
  const routers: TrafficRouter[] = [];
  if (routing.gatewayAPI) routers.push(gatewayAPIRouter(rollout, routing.gatewayAPI, services(), deps));
  if (routing.istio) routers.push(istioRouter(rollout, routing.istio, routing.istio.destinationRule ? subsetServices : services(), deps));
  if (routing.smi) routers.push(smiRouter(rollout, routing.smi, services(), deps));
  if (routing.nginx) routers.push(nginxRouter(rollout, routing.nginx, services(), deps));
  if (routing.apisix) routers.push(apisixRouter(rollout, routing.apisix, services(), deps));
  if (routing.appMesh) routers.push(appMeshRouter(rollout, routing.appMesh, deps));
  if (routing.traefik) routers.push(traefikRouter(rollout, routing.traefik, services(), deps));
  if (routing.alb) routers.push(albRouter(rollout, routing.alb, services(), deps));
  if (routing.ambassador) routers.push(ambassadorRouter(rollout, routing.ambassador, services(), deps));
  const [only] = routers;
  if (only === undefined) {
    throw new TerminalError(`${owner}: trafficRouting names no provider (gatewayAPI, istio, smi, nginx, alb, ambassador, apisix, appMesh or traefik)`);
  }
  // Argo drives every provider trafficRouting names (e.g. SMI with NGINX, Istio with ALB): so does the composite.
  return routers.length === 1 ? only : compositeRouter(routers);
}
