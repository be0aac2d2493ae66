// Records every canary weight an HTTPRoute goes through, from a watch (so short-lived weights are not missed).
// Routes follow the tests' convention: rule 0 has backends `<route>-stable` and `<route>-canary`.
import type { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { SupervisedInformer } from '../../src/kube/supervised-informer.js';

export interface HTTPRouteObject extends KubeObject {
  spec: { rules: Array<{ name?: string; backendRefs: Array<{ name: string; port?: number; weight?: number }> }> };
}

export interface RouteWeights {
  /** Distinct consecutive canary percentages of `route`, in the order the watch delivered them. */
  seen(route: string): number[];
  /** Waits until the last recorded weight of `route` is `weight`. */
  settle(route: string, weight: number, timeoutMs?: number): Promise<number[]>;
  stop(): Promise<void>;
}

/** The canary's share on rule 0 of `route`, as a percentage (Gateway API's default weight is 1). */
export function canaryPercent(route: HTTPRouteObject): number {
  const name = route.metadata.name ?? '';
  const refs = route.spec.rules[0]?.backendRefs ?? [];
  const weightOf = (suffix: string): number => refs.find((r) => r.name === `${name}-${suffix}`)?.weight ?? 1;
  return Math.round((weightOf('canary') * 100) / (weightOf('canary') + weightOf('stable')));
}

export async function recordRouteWeights(client: KubeClient, namespace: string): Promise<RouteWeights> {
  const history = new Map<string, number[]>();
  const informer = new SupervisedInformer<HTTPRouteObject>(client, Kinds.HTTPRoute, { namespace, resyncMs: 0 });
  informer.addHandler((event) => {
    if (event.type === 'delete') return;
    const name = event.object.metadata.name ?? '';
    const list = history.get(name) ?? [];
    const weight = canaryPercent(event.object);
    if (list.at(-1) !== weight) list.push(weight);
    history.set(name, list);
  });
  informer.start();
  await informer.waitForSync();
  const seen = (route: string): number[] => [...(history.get(route) ?? [])];
  return {
    seen,
    async settle(route, weight, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (seen(route).at(-1) !== weight) {
        if (Date.now() > deadline) throw new Error(`HTTPRoute ${route} did not settle at ${weight}: saw ${JSON.stringify(seen(route))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return seen(route);
    },
    stop: () => informer.stop(),
  };
}
