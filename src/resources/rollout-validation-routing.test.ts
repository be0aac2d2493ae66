// Specification of the traffic routing rules Vane takes from Argo's validation: which routers need the
// stable/canary Services, ping-pong, and (later sections) managed routes and several routers at once.
import { describe, expect, it } from 'vitest';
import { argoRollout } from '../../test/fixtures/argo-corpus.js';
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

describe('validateRollout: managedRoutes and setMirrorRoute (Argo validation)', () => {
  const istioManaged = (managed?: string[]): Loose => {
    const r = loose(canaryRollout());
    r.spec.strategy.canary.trafficRouting = { ...(managed ? { managedRoutes: managed.map((name) => ({ name })) } : {}), ...istioHosts };
    r.spec.strategy.canary.steps = [{ setWeight: 20 }, { setMirrorRoute: { name: 'm', percentage: 50, match: [{ method: { exact: 'GET' } }] } }];
    return r;
  };

  it("given Argo's istio-mirror-host.yaml with only the apiVersion swapped, then it is accepted", () => {
    expect(validateRollout(argoRollout('test/e2e/mirror-route/istio-mirror-host.yaml'))).toEqual([]);
  });

  it('given a setMirrorRoute without managedRoutes, then the step is refused asking for them', () => {
    expect(validateRollout(istioManaged())).toEqual([{ path: `${CANARY}.steps[1].setMirrorRoute`, message: 'requires spec.strategy.canary.trafficRouting.managedRoutes listing its name' }]);
  });

  it('given a route step whose name managedRoutes does not list, then its name is refused', () => {
    expect(validateRollout(istioManaged(['other']))).toEqual([{ path: `${CANARY}.steps[1].setMirrorRoute.name`, message: '"m" is not listed in spec.strategy.canary.trafficRouting.managedRoutes' }]);
  });

  it('given a setMirrorRoute with a router other than Istio, then it is refused (Argo: Istio only)', () => {
    const r = istioManaged(['m']);
    r.spec.strategy.canary.trafficRouting = { managedRoutes: [{ name: 'm' }], gatewayAPI: { httpRoutes: [{ name: 'shop' }] } };
    expect(validateRollout(r)).toEqual([{ path: `${CANARY}.steps[1].setMirrorRoute`, message: 'is supported only with the istio traffic router (Argo docs: traffic mirroring)' }]);
  });

  it('given a match condition with two string matches or none at all, then each is refused', () => {
    const r = istioManaged(['m']);
    r.spec.strategy.canary.steps[1].setMirrorRoute.match = [{ path: { exact: '/', prefix: '/' } }, {}];
    expect(validateRollout(r).map((e) => e.path)).toEqual([`${CANARY}.steps[1].setMirrorRoute.match[0].path`, `${CANARY}.steps[1].setMirrorRoute.match[1]`]);
  });

  it('given managedRoutes with a repeated name, then the repeat is refused', () => {
    expect(validateRollout(istioManaged(['m', 'm'])).map((e) => e.path)).toEqual([`${CANARY}.trafficRouting.managedRoutes[1].name`]);
  });
});

describe("validateRollout: an experiment template's weight (Argo validation, docs features/experiment.md)", () => {
  const weighted = (routing: Record<string, unknown> | undefined): Loose => {
    const r = loose(argoRollout('examples/traffic-routing-experiment-step/istio-host-split-experiment-step.yaml'));
    if (routing === undefined) delete r.spec.strategy.canary.trafficRouting;
    else r.spec.strategy.canary.trafficRouting = routing;
    return r;
  };
  const weightPath = `${CANARY}.steps[1].experiment.templates[0].weight`;

  it.each([
    'examples/traffic-routing-experiment-step/istio-host-split-experiment-step.yaml',
    'examples/traffic-routing-experiment-step/rollout-smi-experiment-step.yaml',
    'examples/traffic-routing-experiment-step/rollout-alb-experiment-step.yaml',
    'test/e2e/istio/istio-subset-split-experiment-step.yaml',
  ])("given Argo's %s with only the apiVersion swapped, then it is accepted", (file) => {
    expect(validateRollout(argoRollout(file))).toEqual([]);
  });

  it('given a weighted template and no trafficRouting, then the weight is refused as Argo refuses it', () => {
    expect(validateRollout(weighted(undefined))).toEqual([
      { path: weightPath, message: 'cannot be set unless spec.strategy.canary.trafficRouting is set (Argo docs features/experiment.md)' },
    ]);
  });

  it.each([
    ['nginx', { nginx: { stableIngress: 'shop' } }],
    ['traefik', { traefik: { weightedTraefikServiceName: 'shop' } }],
    ['gatewayAPI', { gatewayAPI: { httpRoutes: [{ name: 'shop' }] } }],
  ])('given the %s router, then the weight is refused naming the router', (router, routing) => {
    const errors = validateRollout(weighted(routing)).filter((e) => e.path === weightPath);
    expect(errors.map((e) => e.message)).toEqual([`is not supported by the ${router} traffic router: it cannot send traffic to an experiment's Services (supported: istio, alb, smi)`]);
  });

  it('given a weight above 100 or a Service name that is not a DNS-1035 label, then each is named', () => {
    const r = weighted(undefined);
    r.spec.strategy.canary.trafficRouting = { smi: {} };
    r.spec.strategy.canary.steps[1].experiment.templates[0] = { name: 'exp', specRef: 'canary', weight: 101, service: { name: '9bad' } };
    expect(validateRollout(r).map((e) => e.path)).toEqual([weightPath, `${CANARY}.steps[1].experiment.templates[0].service.name`]);
  });
});

describe('progressDeadlineAbort', () => {
  const withAbort = (value: unknown): unknown => {
    const rollout = loose(canaryRollout());
    rollout.spec['progressDeadlineAbort'] = value;
    return rollout;
  };

  it('given true (what Vane always does), then it is accepted', () => {
    expect(validateRollout(withAbort(true))).toEqual([]);
  });

  it("given false (Argo's default: mark Degraded, keep the canary), then it is refused naming the field and what Vane does", () => {
    expect(validateRollout(withAbort(false))).toEqual([
      {
        path: 'spec.progressDeadlineAbort',
        message: 'false is not supported: Vane always aborts a rollout that passes its progress deadline (traffic back to stable); remove the field or set it true',
      },
    ]);
  });
});

describe('validateRollout: steps that set several fields (Argo validation hasMultipleStepsType)', () => {
  const trace = [{ headerName: 'trace', headerValue: { exact: 'debug' } }];
  function withSteps(steps: unknown[]): Loose {
    const r = loose(canaryRollout());
    r.spec.strategy.canary.trafficRouting = { managedRoutes: [{ name: 'set-header' }, { name: 'mirror' }], istio: istioHosts.istio };
    r.spec.strategy.canary.steps = steps;
    return r;
  }

  it.each([
    ['test/e2e/apisix/rollout-apisix-canary-set-header.yaml'],
    ['examples/apisix/rollout.yaml'],
  ])("given Argo's %s (setCanaryScale with setHeaderRoute in one step), with only the apiVersion swapped, then it is accepted", (file) => {
    expect(validateRollout(argoRollout(file))).toEqual([]);
  });

  it('given setCanaryScale, setHeaderRoute and setMirrorRoute beside setWeight, pause or analysis, then each step is accepted', () => {
    const analysis = { templates: [{ templateName: 'error-rate' }] };
    const routes = { setHeaderRoute: { name: 'set-header', match: trace }, setMirrorRoute: { name: 'mirror', match: [{ method: { exact: 'GET' } }] } };
    expect(validateRollout(withSteps([{ setWeight: 10, setCanaryScale: { replicas: 1 }, ...routes }, { pause: {}, setCanaryScale: { weight: 20 } }, { analysis, ...routes }]))).toEqual([]);
  });

  it('given two of setWeight, pause, experiment and analysis in one step, then the step is refused naming both', () => {
    const errors = validateRollout(withSteps([{ setWeight: 10, pause: {}, setHeaderRoute: { name: 'set-header', match: trace } }]));
    expect(errors).toEqual([
      {
        path: `${CANARY}.steps[0]`,
        message: 'must set only one of setWeight, pause, experiment, analysis, found setWeight and pause (setCanaryScale, setHeaderRoute and setMirrorRoute may sit beside one of them)',
      },
    ]);
  });

  it('given setCanaryScale beside an analysis, then Vane refuses the step: Argo would not wait for that analysis', () => {
    const errors = validateRollout(withSteps([{ analysis: { templates: [{ templateName: 'error-rate' }] }, setCanaryScale: { replicas: 1 } }]));
    expect(errors.map((e) => e.path)).toEqual([`${CANARY}.steps[0]`]);
    expect(errors[0]?.message).toContain('setCanaryScale beside analysis is not supported by Vane');
  });

  it('given an invalid field beside another, then that field is still checked', () => {
    const errors = validateRollout(withSteps([{ setWeight: 10, setCanaryScale: { replicas: -1 } }]));
    expect(errors.map((e) => e.path)).toEqual([`${CANARY}.steps[0].setCanaryScale.replicas`]);
  });
});

describe('validateRollout: several traffic routers at once (Argo drives each one trafficRouting names)', () => {
  const header = { setHeaderRoute: { name: 'set-header', match: [{ headerName: 'trace', headerValue: { prefix: 'de' } }] } };
  function withRouting(trafficRouting: Record<string, unknown>, steps: unknown[] = [{ setWeight: 10 }]): Loose {
    const r = loose(canaryRollout());
    r.spec.strategy.canary.trafficRouting = { managedRoutes: [{ name: 'set-header' }], ...trafficRouting };
    r.spec.strategy.canary.steps = steps;
    return r;
  }

  it("given Argo's smi_ingress/rollout-smi-ingress-canary.yaml (SMI with NGINX), with only the apiVersion swapped, then it is accepted", () => {
    expect(validateRollout(argoRollout('test/e2e/smi_ingress/rollout-smi-ingress-canary.yaml'))).toEqual([]);
  });

  it('given SMI with Istio and a header route step, then it is accepted: the route goes to Istio', () => {
    expect(validateRollout(withRouting({ smi: {}, istio: istioHosts.istio }, [{ setWeight: 10 }, header]))).toEqual([]);
  });

  it('given SMI with Traefik and a header route step, then the step is refused naming why each router cannot route by header', () => {
    const errors = validateRollout(withRouting({ smi: {}, traefik: { weightedTraefikServiceName: 'shop' } }, [{ setWeight: 10 }, header]));
    expect(errors.map((e) => e.path)).toEqual([`${CANARY}.steps[1].setHeaderRoute`]);
    expect(errors[0]?.message).toMatch(/^is not supported by any of the traffic routers: .*smi traffic router.*; .*traefik traffic router/);
  });

  it('given ALB with Istio, then header values must be exact, as Argo requires whenever ALB is among the routers', () => {
    const alb = { alb: { ingress: 'shop', servicePort: 80 } };
    const errors = validateRollout(withRouting({ ...alb, istio: istioHosts.istio }, [{ setWeight: 10 }, header]));
    expect(errors.map((e) => e.path)).toEqual([`${CANARY}.steps[1].setHeaderRoute.match[0].headerValue.prefix`]);
  });
});

describe('validateRollout: NGINX stableIngresses (Argo docs nginx.md)', () => {
  function withNginx(nginx: Record<string, unknown>): Loose {
    const r = loose(canaryRollout());
    r.spec.strategy.canary.trafficRouting = { nginx };
    return r;
  }

  it('given stableIngresses and canaryIngressAnnotations, then it is accepted', () => {
    expect(validateRollout(withNginx({ stableIngresses: ['shop', 'shop-internal'], canaryIngressAnnotations: { 'example.com/team': 'shop' } }))).toEqual([]);
  });

  it('given both stableIngress and stableIngresses, or neither, then nginx is refused: Argo asks for exactly one', () => {
    expect(validateRollout(withNginx({ stableIngress: 'shop', stableIngresses: ['shop'] }))).toEqual([
      { path: `${CANARY}.trafficRouting.nginx`, message: 'must set only one of stableIngress, stableIngresses, found stableIngress and stableIngresses' },
    ]);
    expect(validateRollout(withNginx({}))).toEqual([{ path: `${CANARY}.trafficRouting.nginx`, message: 'must set one of stableIngress, stableIngresses' }]);
  });

  it('given stableIngresses naming one Ingress twice, then the list is refused', () => {
    expect(validateRollout(withNginx({ stableIngresses: ['shop', 'shop'] }))).toEqual([{ path: `${CANARY}.trafficRouting.nginx.stableIngresses`, message: 'must not name an Ingress twice' }]);
  });
});

describe('validateRollout: Istio tlsRoutes and tcpRoutes (Argo docs istio.md)', () => {
  it.each([['test/e2e/istio/istio-host-http-tls-split.yaml'], ['test/e2e/istio/istio-host-only-tls-split.yaml']])("given Argo's %s with only the apiVersion swapped, then it is accepted", (file) => {
    expect(validateRollout(argoRollout(file))).toEqual([]);
  });

  it('given a tls route selector with a port beyond 65535 and a misspelt field, then each is refused', () => {
    const r = loose(canaryRollout());
    r.spec.strategy.canary.trafficRouting = { istio: { virtualService: { name: 'shop', tlsRoutes: [{ port: 70000, sniHost: ['shop'] }], tcpRoutes: [{ port: 5432 }] } } };
    expect(validateRollout(r).map((e) => e.path)).toEqual([
      `${CANARY}.trafficRouting.istio.virtualService.tlsRoutes[0]`,
      `${CANARY}.trafficRouting.istio.virtualService.tlsRoutes[0].port`,
    ]);
  });
});

describe('validateRollout: Istio destinationRule.additionalSubsetNames', () => {
  it('given additional subsets beside stable and canary, then it is accepted; naming the stable subset among them is refused', () => {
    const withAdditional = (names: string[]): Loose =>
      withoutServices({ istio: { ...istioSubsets.istio, destinationRule: { ...istioSubsets.istio.destinationRule, additionalSubsetNames: names } } });
    expect(validateRollout(withAdditional(['experiment']))).toEqual([]);
    expect(validateRollout(withAdditional(['experiment', 'stable']))).toEqual([
      { path: `${CANARY}.trafficRouting.istio.destinationRule.additionalSubsetNames`, message: 'must not name "stable": Vane sets the weights of the stable and canary subsets' },
    ]);
  });
});
