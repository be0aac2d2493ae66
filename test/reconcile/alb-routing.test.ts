// Specification: Argo Rollouts' own ALB e2e manifests (apiVersion swapped, nothing else), end to end on the sandbox —
// the Ingress's action annotation carries Argo's forward action at every step (Argo docs
// features/traffic-management/alb.md), an abort and a promotion leave stable at 100, and deleting the Rollout
// restores the action to the root Service alone.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import { SupervisedInformer } from '../../src/kube/supervised-informer.js';
import { sameJson } from '../../src/resources/canonical-json.js';
import { MANAGED_ALB_ANNOTATIONS, type ALBAction } from '../../src/traffic/alb-router.js';
import type { IngressObject } from '../../src/traffic/nginx-router.js';
import { openHarness, type Harness, type RolloutObject } from './controller-harness.js';

// @covers spec.strategy.canary.trafficRouting.alb
// @covers spec.strategy.canary.trafficRouting.alb.ingress
// @covers spec.strategy.canary.trafficRouting.alb.rootService
// @covers spec.strategy.canary.trafficRouting.alb.servicePort

const NS = 'alb';
const CORPUS = join(import.meta.dirname, '..', 'fixtures', 'argo-rollouts', 'test', 'e2e', 'functional');
const ACTION = 'alb.ingress.kubernetes.io/actions.alb-canary-root';
const KINDS: Record<string, ResourceKind> = { Service: Kinds.Service, Ingress: Kinds.Ingress, Rollout: Kinds.Rollout };

let h: Harness;
let actions: ActionRecorder;

/** An Argo manifest from the corpus with only its apiVersion swapped, each object placed in the test namespace. */
function argoManifest(file: string): KubeObject[] {
  const text = readFileSync(join(CORPUS, file), 'utf8').replaceAll('argoproj.io/v1alpha1', 'vane.dev/v1alpha1');
  return (yaml.loadAll(text) as KubeObject[]).filter(Boolean).map((o) => ({ ...o, metadata: { ...o.metadata, namespace: NS } }));
}

async function applyManifest(file: string): Promise<void> {
  for (const obj of argoManifest(file)) {
    const kind = KINDS[obj.kind ?? ''];
    if (!kind) throw new Error(`${file}: unexpected kind ${String(obj.kind)}`);
    await h.controller.client.create(kind, obj);
  }
}

/** Argo's forward action for a canary weight, as Argo docs alb.md shows it: canary first, then stable. */
function argoAction(canaryWeight: number): ALBAction {
  return {
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: [
        { ServiceName: 'alb-canary-desired', ServicePort: '80', Weight: canaryWeight },
        { ServiceName: 'alb-canary-stable', ServicePort: '80', Weight: 100 - canaryWeight },
      ],
    },
  };
}

interface ActionRecorder {
  /** Distinct consecutive values of `annotation` on Ingress `name`, parsed, in the order the watch delivered them. */
  seen(name: string, annotation: string): unknown[];
  settle(name: string, annotation: string, value: unknown, timeoutMs?: number): Promise<unknown[]>;
  stop(): Promise<void>;
}

/** Watches the Ingresses, so a weight held only briefly between two steps is still seen. */
async function recordActions(): Promise<ActionRecorder> {
  const history = new Map<string, unknown[]>();
  const informer = new SupervisedInformer<IngressObject>(h.controller.client, Kinds.Ingress, { namespace: NS, resyncMs: 0 });
  informer.addHandler((event) => {
    if (event.type === 'delete') return;
    for (const [key, raw] of Object.entries(event.object.metadata.annotations ?? {})) {
      const id = `${event.object.metadata.name ?? ''} ${key}`;
      const list = history.get(id) ?? [];
      const value = JSON.parse(raw) as unknown;
      if (list.length === 0 || !sameJson(list.at(-1), value)) list.push(value);
      history.set(id, list);
    }
  });
  informer.start();
  await informer.waitForSync();
  const seen = (name: string, annotation: string): unknown[] => [...(history.get(`${name} ${annotation}`) ?? [])];
  return {
    seen,
    async settle(name, annotation, value, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      while (!sameJson(seen(name, annotation).at(-1), value)) {
        if (Date.now() > deadline) throw new Error(`${name} ${annotation} did not settle at ${JSON.stringify(value)}: saw ${JSON.stringify(seen(name, annotation))}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return seen(name, annotation);
    },
    stop: () => informer.stop(),
  };
}

async function liveIngress(name: string): Promise<IngressObject> {
  const live = await h.controller.client.get<IngressObject>(Kinds.Ingress, NS, name);
  if (!live) throw new Error(`Ingress ${name} is gone`);
  return live;
}

function parsedAction(ingress: IngressObject): unknown {
  const raw = ingress.metadata.annotations?.[ACTION];
  return raw === undefined ? undefined : JSON.parse(raw);
}

beforeAll(async () => {
  h = await openHarness(NS);
  actions = await recordActions();
});

afterAll(async () => {
  await actions?.stop();
  await h?.close();
});

describe("Argo's ALB canary e2e manifest (functional/alb-canary-rollout.yaml)", () => {
  it('given the corpus Rollout, Services and Ingress, then the action annotation carries Argo\'s weights at every step, stable 100 after promotion and after an abort, and deleting the Rollout restores the root action', async () => {
    await applyManifest('alb-canary-rollout.yaml');
    await h.waitFor('alb-canary', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy', 30_000);

    // An update walks setWeight 10, pause 5s, setWeight 20, pause 5s, then promotes.
    const next = await h.setImage('alb-canary', 'nginx:1.21-alpine');
    await h.waitFor('alb-canary', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === next, 'the update promoted', 40_000);
    const walk = await actions.settle('alb-canary-ingress', ACTION, argoAction(0));
    // Every step's weight in order, each in Argo's exact shape; after the last step the canary takes 100 until the
    // stable Service points at it, then all traffic is on the (now new) stable, as in Argo.
    expect(walk).toEqual([0, 10, 20, 100, 0].map(argoAction));

    // The Ingress is the user's: only Vane's annotations were added, its rule and class annotation are as written.
    const ingress = await liveIngress('alb-canary-ingress');
    expect(ingress.spec).toEqual(argoManifest('alb-canary-rollout.yaml').find((o) => o.kind === 'Ingress')?.['spec']);
    expect(ingress.metadata.annotations?.['kubernetes.io/ingress.class']).toBe('alb');
    expect(JSON.parse(ingress.metadata.annotations?.[MANAGED_ALB_ANNOTATIONS] ?? '{}')).toEqual({ 'alb-canary': [ACTION] });

    // A second update, aborted at its first pause: stable back at 100 in the action.
    await h.setImage('alb-canary', 'nginx:1.23-alpine');
    await actions.settle('alb-canary-ingress', ACTION, argoAction(10));
    await h.command('alb-canary', 'abort');
    await h.waitFor('alb-canary', (ro) => ro.status?.phase === 'Degraded', 'the abort');
    expect(parsedAction(await liveIngress('alb-canary-ingress'))).toEqual(argoAction(0));

    // Retried and deleted mid-canary: the finalizer leaves the root action forwarding to the root Service alone.
    await h.command('alb-canary', 'retry');
    await actions.settle('alb-canary-ingress', ACTION, argoAction(10));
    await h.controller.client.delete(Kinds.Rollout, NS, 'alb-canary');
    await waitUntilGone('alb-canary');
    const restored = await liveIngress('alb-canary-ingress');
    expect(parsedAction(restored)).toEqual({ Type: 'forward', ForwardConfig: { TargetGroups: [{ ServiceName: 'alb-canary-root', ServicePort: '80', Weight: 100 }] } });
    expect(restored.metadata.annotations?.[MANAGED_ALB_ANNOTATIONS]).toBeUndefined();
  }, 120_000);
});

describe("Argo's multi-ingress ALB e2e manifest (functional/alb-canary-multi-ingress-rollout.yaml)", () => {
  it('given its rootService names a Service its Ingresses do not route to, then the Rollout is Degraded naming the Ingress and the Service, and neither Ingress is touched', async () => {
    await applyManifest('alb-canary-multi-ingress-rollout.yaml');
    const degraded = await h.waitFor('alb-canary-multi-ingress', (ro) => ro.status?.phase === 'Degraded', 'the missing root path reported');
    expect(degraded.status?.message).toContain(`Ingress ${NS}/alb-canary-multi-ingress-1 has no rule whose backend is the Service "alb-canary-root"`);
    for (const name of ['alb-canary-multi-ingress-1', 'alb-canary-multi-ingress-2']) {
      expect(Object.keys((await liveIngress(name)).metadata.annotations ?? {})).toEqual(['kubernetes.io/ingress.class']);
    }
  }, 60_000);
});

async function waitUntilGone(name: string): Promise<RolloutObject | undefined> {
  const deadline = Date.now() + 20_000;
  while (await h.controller.client.get(Kinds.Rollout, NS, name)) {
    if (Date.now() > deadline) throw new Error(`Rollout ${name} was not finalized`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}
