// Several traffic routers driven as one (Argo lets trafficRouting name several providers, e.g. SMI and NGINX).
import { TerminalError, toVaneError, VaneError } from '../errors.js';
import type { HeaderRoute, MirrorRoute, TrafficRouter, WeightContext } from './traffic-router.js';

/**
 * Every weight change, reset and finalize goes to each router; header and mirror routes go only to the routers that
 * offer them (validation makes sure at least one does). Each router is asked even when an earlier one failed, so an
 * abort puts as much traffic on stable as it can; the failures are then thrown together, each naming its provider.
 */
export function compositeRouter(routers: readonly TrafficRouter[], provider = routers.map((r) => r.provider).join('+')): TrafficRouter {
  const headerRouters = routers.filter((r) => r.setHeaderRoute !== undefined);
  const removers = routers.filter((r) => r.removeHeaderRoute !== undefined);
  const mirrorRouters = routers.filter((r) => r.setMirrorRoute !== undefined);
  const composite: TrafficRouter = {
    provider,
    setWeight: (canaryPercent: number, context: WeightContext) => onEach(routers, (r) => r.setWeight(canaryPercent, context)),
    async getWeight(): Promise<number | undefined> {
      const weights = await Promise.all(routers.map((r) => r.getWeight()));
      return weights.every((w) => w === weights[0]) ? weights[0] : undefined;
    },
    reset: (context: WeightContext) => onEach(routers, (r) => r.reset(context)),
    finalize: () => onEach(routers, (r) => r.finalize()),
  };
  if (headerRouters.length > 0) {
    composite.setHeaderRoute = (route: HeaderRoute, context: WeightContext) => onEach(headerRouters, (r) => r.setHeaderRoute?.(route, context));
  }
  if (removers.length > 0) composite.removeHeaderRoute = (name: string) => onEach(removers, (r) => r.removeHeaderRoute?.(name));
  if (mirrorRouters.length > 0) {
    composite.setMirrorRoute = (route: MirrorRoute, context: WeightContext) => onEach(mirrorRouters, (r) => r.setMirrorRoute?.(route, context));
  }
  return composite;
}

/** Runs `op` on every router in order; one failure is rethrown as its provider's, several are joined. */
async function onEach(routers: readonly TrafficRouter[], op: (router: TrafficRouter) => Promise<void> | undefined): Promise<void> {
  const failures: Array<{ provider: string; error: VaneError }> = [];
  for (const router of routers) {
    try {
      await op(router);
    } catch (err) {
      failures.push({ provider: router.provider, error: toVaneError(err) });
    }
  }
  const [first] = failures;
  if (first === undefined) return;
  const message = failures.map((f) => `the ${f.provider} traffic router: ${f.error.message}`).join('; ');
  // Terminal if any failure is: retrying would fail the same way. Otherwise the first one's code says how to retry.
  const terminal = failures.find((f) => f.error instanceof TerminalError);
  if (terminal !== undefined) throw new TerminalError(message, { code: terminal.error.code, cause: terminal.error });
  throw new VaneError(first.error.code, message, { cause: first.error });
}
