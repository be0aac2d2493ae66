// Specification of the traffic routing rules Vane takes from Argo's validation: which routers need the
// stable/canary Services, ping-pong, and (later sections) managed routes and several routers at once.
import { describe, expect, it } from 'vitest';
import { argoRollout } from '../../test/traffic/support/argo-corpus.js';
import { canaryRollout, loose, type Loose } from './fixtures/rollouts.js';
import { validateRollout } from './rollout-validation.js';

const CANARY = 'spec.strategy.canary';

function withoutServices(routing: Record<string, unknown>, extra: Record<string, unknown> = {}): Loose {
  const r = loose(canaryRollout());
  delete r.spec.strategy.canary.stableService;
  delete r.spec.strategy.canary.canaryService;
  r.spec.strategy.canary.trafficRouting = routing;
  Object.assign(r.spec.strategy.canary, extra);
  return r;
}

const istioSubsets = { istio: { virtualService: { name: 'shop' }, destinationRule: { name: 'shop', stableSubsetName: 'stable', canarySubsetName: 'canary' } } };
const istioHosts = { istio: { virtualService: { name: 'shop' } } };
const pingPong = { pingPong: { pingService: 'shop-ping', pongService: 'shop-pong' } };

describe('validateRollout: which routers need stableService and canaryService (Argo validation)', () => {
  it('given Istio with destinationRule subsets and no Services, then it is accepted (Argo istio-subset-split)', () => {
    expect(validateRollout(withoutServices(istioSubsets))).toEqual([]);
  });

  it("given Argo's istio-subset-split.yaml with only the apiVersion swapped, then it is accepted", () => {
    expect(validateRollout(argoRollout('test/e2e/istio/istio-subset-split.yaml'))).toEqual([]);
  });

  it('given Istio host split without Services and without pingPong, then both Services are required', () => {
    const paths = validateRollout(withoutServices(istioHosts)).map((e) => e.path);
    expect(paths).toEqual([`${CANARY}.stableService`, `${CANARY}.canaryService`]);
  });

  it.each([
    ['smi', { smi: {} }],
    ['nginx', { nginx: { stableIngress: 'shop' } }],
    ['gatewayAPI', { gatewayAPI: { httpRoutes: [{ name: 'shop' }] } }],
  ])('given %s without Services, then both Services are required', (_name, routing) => {
    const errors = validateRollout(withoutServices(routing));
    expect(errors.map((e) => e.path)).toEqual([`${CANARY}.stableService`, `${CANARY}.canaryService`]);
    expect(errors[0]?.message).toContain('is required when trafficRouting is set');
  });
});

describe('validateRollout: pingPong', () => {
  it('given Istio host split with pingPong and no Services, then it is accepted', () => {
    expect(validateRollout(withoutServices(istioHosts, pingPong))).toEqual([]);
  });

  it("given Argo's istio-host-split-ping-pong.yaml with only the apiVersion swapped, then it is accepted", () => {
    expect(validateRollout(argoRollout('test/e2e/istio/istio-host-split-ping-pong.yaml'))).toEqual([]);
  });

  it('given the same Service for ping and pong, then pongService is refused', () => {
    const errors = validateRollout(withoutServices(istioHosts, { pingPong: { pingService: 'a', pongService: 'a' } }));
    expect(errors).toEqual([{ path: `${CANARY}.pingPong.pongService`, message: 'must differ from pingService' }]);
  });

  it('given pingPong without pongService, then pongService is required', () => {
    const errors = validateRollout(withoutServices(istioHosts, { pingPong: { pingService: 'a' } }));
    expect(errors).toEqual([{ path: `${CANARY}.pingPong.pongService`, message: 'is required' }]);
  });

  it.each([
    ['smi', { smi: {} }],
    ['nginx', { nginx: { stableIngress: 'shop' } }],
  ])('given pingPong with the %s router, then pingPong is refused naming the router (Argo: ALB, Istio and plugins only)', (name, routing) => {
    const errors = validateRollout(withoutServices(routing, pingPong)).filter((e) => e.path === `${CANARY}.pingPong`);
    expect(errors.map((e) => e.message)).toEqual([`is not supported with the ${name} traffic router (ping-pong works with the ALB, Istio and Gateway API routers)`]);
  });

  it('given pingPong without trafficRouting, then it is refused: nothing would use the swapped Services', () => {
    const r = withoutServices(istioHosts, pingPong);
    delete r.spec.strategy.canary.trafficRouting;
    delete r.spec.strategy.canary.analysis;
    r.spec.strategy.canary.steps = [{ setWeight: 10 }];
    expect(validateRollout(r).map((e) => e.path)).toEqual([`${CANARY}.pingPong`]);
  });
});
