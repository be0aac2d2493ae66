// Specification of the composite router (several providers in one trafficRouting): who is asked what, and how a
// failure of one provider is reported.
import { describe, expect, it } from 'vitest';
import { TerminalError, VaneError } from '../../src/errors.js';
import { compositeRouter } from '../../src/traffic/composite-router.js';
import type { TrafficRouter } from '../../src/traffic/traffic-router.js';
import { CONTEXT, HEADER_ROUTE, MIRROR_ROUTE } from './support/router-fixtures.js';

/** A router that records its calls and fails the ones named in `fails`. */
function recorder(provider: string, options: { headers?: boolean; mirror?: boolean; fails?: Record<string, Error> } = {}): TrafficRouter & { calls: string[]; weight: number } {
  const calls: string[] = [];
  const act = (call: string): Promise<void> => {
    calls.push(call);
    const failure = options.fails?.[call.split(' ')[0] ?? ''];
    return failure ? Promise.reject(failure) : Promise.resolve();
  };
  const router: TrafficRouter & { calls: string[]; weight: number } = {
    provider,
    calls,
    weight: 0,
    setWeight: (w) => {
      router.weight = w;
      return act(`setWeight ${w}`);
    },
    getWeight: () => Promise.resolve(router.weight),
    reset: () => act('reset'),
    finalize: () => act('finalize'),
  };
  if (options.headers) {
    router.setHeaderRoute = (route) => act(`setHeaderRoute ${route.name}`);
    router.removeHeaderRoute = (name) => act(`removeHeaderRoute ${name}`);
  }
  if (options.mirror) router.setMirrorRoute = (route) => act(`setMirrorRoute ${route.name}`);
  return router;
}

describe('compositeRouter', () => {
  it('given SMI and NGINX, when weights are set, reset and finalized, then each router gets every call in order', async () => {
    const smi = recorder('smi');
    const nginx = recorder('nginx', { headers: true });
    const router = compositeRouter([smi, nginx]);
    await router.setWeight(20, CONTEXT);
    await router.reset(CONTEXT);
    await router.finalize();
    expect(router.provider).toBe('smi+nginx');
    expect(smi.calls).toEqual(['setWeight 20', 'reset', 'finalize']);
    expect(nginx.calls).toEqual(['setWeight 20', 'reset', 'finalize']);
  });

  it('given one router with header routes and one without, then header routes go to the one that offers them only', async () => {
    const smi = recorder('smi');
    const istio = recorder('istio', { headers: true, mirror: true });
    const router = compositeRouter([smi, istio]);
    await router.setHeaderRoute?.(HEADER_ROUTE, CONTEXT);
    await router.setMirrorRoute?.(MIRROR_ROUTE, CONTEXT);
    await router.removeHeaderRoute?.(HEADER_ROUTE.name);
    expect(istio.calls).toEqual(['setHeaderRoute testers', 'setMirrorRoute mirror', 'removeHeaderRoute testers']);
    expect(smi.calls).toEqual([]);
  });

  it('given routers none of which offers header or mirror routes, then the composite offers none either', () => {
    const router = compositeRouter([recorder('smi'), recorder('traefik')]);
    expect(router.setHeaderRoute).toBeUndefined();
    expect(router.removeHeaderRoute).toBeUndefined();
    expect(router.setMirrorRoute).toBeUndefined();
  });

  it('given the routers agree on the weight, then getWeight reads it; given they disagree, then it is unknown', async () => {
    const smi = recorder('smi');
    const nginx = recorder('nginx');
    const router = compositeRouter([smi, nginx]);
    await router.setWeight(30, CONTEXT);
    expect(await router.getWeight()).toBe(30);
    nginx.weight = 10;
    expect(await router.getWeight()).toBeUndefined();
  });

  it('given the first router fails a reset, then the second is still reset and the error names the failing provider, kept terminal', async () => {
    const smi = recorder('smi', { fails: { reset: new TerminalError('TrafficSplit web-split is not valid') } });
    const nginx = recorder('nginx');
    const reset = compositeRouter([smi, nginx]).reset(CONTEXT);
    await expect(reset).rejects.toThrow(TerminalError);
    await expect(reset).rejects.toThrow('the smi traffic router: TrafficSplit web-split is not valid');
    expect(nginx.calls).toEqual(['reset']);
  });

  it('given both routers fail with retryable errors, then the error names both and stays retryable', async () => {
    const conflict = new VaneError('Conflict', 'the object was modified');
    const router = compositeRouter([recorder('smi', { fails: { setWeight: conflict } }), recorder('nginx', { fails: { setWeight: new Error('socket hang up') } })]);
    const failure = await router.setWeight(10, CONTEXT).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(VaneError);
    expect(failure).not.toBeInstanceOf(TerminalError);
    expect((failure as VaneError).message).toBe('the smi traffic router: the object was modified; the nginx traffic router: socket hang up');
    expect((failure as VaneError).retryable).toBe(true);
  });
});
