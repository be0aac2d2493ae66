// Specification of the NGINX router's annotation settings (Argo docs features/traffic-management/nginx.md:
// annotationPrefix replaces "nginx.ingress.kubernetes.io", additionalIngressAnnotations go on the canary Ingress).
// @covers spec.strategy.canary.trafficRouting.nginx.annotationPrefix
// @covers spec.strategy.canary.trafficRouting.nginx.additionalIngressAnnotations
import { describe, expect, it } from 'vitest';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { Rollout, TrafficRouting } from '../../src/resources/rollout.js';
import type { IngressObject } from '../../src/traffic/nginx-router.js';
import { routerFor } from '../../src/traffic/router-factory.js';
import type { TrafficRouter } from '../../src/traffic/traffic-router.js';
import { CONTEXT, stableIngress } from './support/router-fixtures.js';
import { SchemaCheckingCluster } from './support/schema-checking-cluster.js';

const NS = 'shop';

function rollout(trafficRouting: TrafficRouting): Rollout {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: NS, uid: 'c0ffee00-0000-4000-8000-000000000001' },
    spec: { selector: { matchLabels: { app: 'web' } }, strategy: { canary: { stableService: 'web-stable', canaryService: 'web-canary', trafficRouting } } },
  };
}

async function canaryAnnotations(routing: TrafficRouting): Promise<Record<string, string>> {
  const cluster = new SchemaCheckingCluster();
  cluster.seed(Kinds.Ingress, stableIngress(NS));
  const router = routerFor(rollout(routing), { reader: cluster, writer: cluster }) as TrafficRouter;
  await router.setWeight(30, CONTEXT);
  const canary = await cluster.get<IngressObject>(Kinds.Ingress, NS, 'web-web-canary');
  return canary?.metadata.annotations ?? {};
}

describe('the NGINX canary Ingress annotations', () => {
  it('given additionalIngressAnnotations, then the canary Ingress carries each under the default prefix beside the weight', async () => {
    const annotations = await canaryAnnotations({ nginx: { stableIngress: 'web', additionalIngressAnnotations: { 'canary-by-cookie': 'canary' } } });
    expect(annotations).toMatchObject({
      'nginx.ingress.kubernetes.io/canary': 'true',
      'nginx.ingress.kubernetes.io/canary-weight': '30',
      'nginx.ingress.kubernetes.io/canary-by-cookie': 'canary',
    });
  });

  it('given annotationPrefix, then every canary annotation uses it and none the default prefix', async () => {
    const annotations = await canaryAnnotations({ nginx: { stableIngress: 'web', annotationPrefix: 'custom.nginx.io', additionalIngressAnnotations: { 'canary-by-cookie': 'canary' } } });
    expect(annotations).toMatchObject({ 'custom.nginx.io/canary': 'true', 'custom.nginx.io/canary-weight': '30', 'custom.nginx.io/canary-by-cookie': 'canary' });
    expect(Object.keys(annotations).filter((k) => k.startsWith('nginx.ingress.kubernetes.io/'))).toEqual([]);
  });
});
