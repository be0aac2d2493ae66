// Specification: an experiment step's weighted templates end to end on the sandbox with the real controller, from
// Argo Rollouts' examples/traffic-routing-experiment-step (apiVersion swapped, nothing else). Argo docs
// features/experiment.md "Weighted Experiment Step with Traffic Routing": each weighted template gets a Service, and
// while the Experiment runs the router sends the template's weight there, the canary keeps the last setWeight and
// stable the rest; the split goes back to two when the step ends or the rollout aborts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds, type ResourceKind } from '../../src/kube/resource-kind.js';
import type { Experiment } from '../../src/resources/experiment.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/resources/pod-template-hash.js';
import type { VirtualServiceObject } from '../../src/traffic/istio-router.js';
import type { ServiceObject } from '../../src/traffic/service-selector.js';
import type { TrafficSplitObject } from '../../src/traffic/smi-router.js';
import { openHarness, type Harness, type RolloutObject } from '../reconcile/controller-harness.js';
import { argoDocuments } from '../fixtures/argo-corpus.js';
import { ROUTING_CRD_FILES } from '../traffic/support/traffic-cluster.js';

const NS = 'experiment-traffic';
const DIR = 'examples/traffic-routing-experiment-step';
let h: Harness;

const KINDS: Record<string, ResourceKind> = { Service: Kinds.Service, VirtualService: Kinds.VirtualService, Ingress: Kinds.Ingress, Rollout: Kinds.Rollout };

async function applyCorpus(file: string): Promise<void> {
  for (const doc of argoDocuments(file)) {
    const kind = KINDS[doc.kind ?? ''];
    if (!kind) throw new Error(`${file}: unexpected ${doc.kind ?? '(no kind)'}`);
    await h.controller.client.create(kind, { ...doc, metadata: { ...doc.metadata, namespace: NS } });
  }
}

async function until<T>(what: string, read: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function experiment(name: string): (Experiment & KubeObject) | undefined {
  return h.controller.informers.experiments.get(`${NS}/${name}`);
}

async function setImage(name: string, image: string): Promise<void> {
  const ro = await h.controller.client.get<RolloutObject>(Kinds.Rollout, NS, name);
  const template = structuredClone(ro!.spec.template!);
  template.spec.containers[0]!.image = image;
  await h.controller.client.patch(Kinds.Rollout, NS, name, { spec: { template } }, 'merge');
}

async function vsWeights(): Promise<Record<string, number | undefined>> {
  const vs = await h.controller.client.get<VirtualServiceObject>(Kinds.VirtualService, NS, 'istio-host-split-vsvc');
  const route = vs?.spec?.http?.find((r) => r.name === 'primary')?.route ?? [];
  return Object.fromEntries(route.map((d) => [d.destination.host, d.weight]));
}

async function splitWeights(): Promise<Record<string, number>> {
  const split = await h.controller.client.get<TrafficSplitObject>(Kinds.TrafficSplit, NS, 'rollout-smi-experiment-trafficsplit');
  return Object.fromEntries((split?.spec.backends ?? []).map((b) => [b.service, b.weight]));
}

beforeAll(async () => {
  h = await openHarness(NS, { crdFiles: ROUTING_CRD_FILES });
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('experiment templates with weight (Argo docs features/experiment.md "Weighted Experiment Step with Traffic Routing")', () => {
  it("given Argo's istio-host-split-experiment-step.yaml, when the image changes, then 10% goes to the canary, then 20% to the experiment's own Service while it runs, and once the step is over the split is stable/canary again and the Service is deleted with the pods", async () => {
    // @covers spec.strategy.canary.steps[].experiment.templates[].weight
    await applyCorpus(`${DIR}/istio-host-split-experiment-step.yaml`);
    await h.waitFor('istio-host-split', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
    expect(await vsWeights()).toEqual({ 'istio-host-split-stable': 100, 'istio-host-split-canary': 0 });
    await setImage('istio-host-split', 'argoproj/rollouts-demo:yellow');

    const atStep = await h.waitFor('istio-host-split', (ro) => ro.status?.canary?.currentExperiment !== undefined, 'the experiment step');
    const name = atStep.status?.canary?.currentExperiment ?? '';
    // The Experiment template asks for a Service because the step's template has a weight.
    expect(experiment(name)?.spec.templates.map((t) => [t.name, t.service])).toEqual([['experiment-istio', {}]]);
    const running = await until('the Experiment Running with its Service', () => {
      const e = experiment(name);
      return e?.status?.phase === 'Running' && e.status.templateStatuses?.[0]?.serviceName !== undefined ? e : undefined;
    });
    const template = running.status?.templateStatuses?.[0];
    const serviceName = template?.serviceName ?? '';
    const replicaSet = h.controller.informers.replicaSetsOfExperiment(running)[0];
    expect(serviceName).toBe(replicaSet?.metadata.name);

    // Argo experiments/service.go behaviour: selects the template's pods by their own hash, ports copied from the
    // containers, owned by the Experiment.
    const service = await h.controller.client.get<ServiceObject>(Kinds.Service, NS, serviceName);
    expect(service?.spec?.selector).toEqual({ app: 'istio-host-split', [POD_TEMPLATE_HASH_LABEL]: template?.podTemplateHash });
    expect(service?.spec?.['ports']).toEqual([expect.objectContaining({ name: 'http', protocol: 'TCP', port: 80, targetPort: 80 })]);
    expect(service?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Experiment', name, controller: true })]);

    const weighted = await h.waitFor('istio-host-split', (ro) => ro.status?.canary?.weights?.additional !== undefined, 'the experiment weight applied');
    expect(weighted.status?.canary?.weights).toEqual({ canary: 10, stable: 70, additional: [{ serviceName, podTemplateHash: template?.podTemplateHash, weight: 20 }] });
    expect(await vsWeights()).toEqual({ 'istio-host-split-stable': 70, 'istio-host-split-canary': 10, [serviceName]: 20 });

    // The step has no duration: it ends when the Experiment is terminated; the rollout then completes.
    await h.controller.client.patch(Kinds.Experiment, NS, name, { spec: { terminate: true } }, 'merge');
    const done = await h.waitFor('istio-host-split', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === ro.status.currentPodHash, 'the rollout promoted');
    expect(done.status?.canary?.weights?.additional).toBeUndefined();
    expect(Object.keys(await vsWeights())).toEqual(['istio-host-split-stable', 'istio-host-split-canary']);
    // The Service stays while the experiment's pods do (scaleDownDelaySeconds, default 30), then goes with them.
    expect(await h.controller.client.get(Kinds.Service, NS, serviceName)).toBeDefined();
    await until('the experiment Service deleted', async () => ((await h.controller.client.get(Kinds.Service, NS, serviceName)) === undefined ? true : undefined), 60_000);
    // The status that drops the Service is written after the delete: the cache may see the delete first.
    await until('the Experiment status without its Service', () => (experiment(name)?.status?.templateStatuses?.[0]?.serviceName === undefined ? true : undefined));
  }, 150_000);

  it("given Argo's rollout-smi-experiment-step.yaml, when the image changes, then the TrafficSplit gives 5% to the canary and 5% to the experiment; when the rollout is aborted, then all traffic is back on stable and the experiment backend is gone", async () => {
    await applyCorpus(`${DIR}/rollout-smi-experiment-step.yaml`);
    await h.waitFor('rollout-smi-experiment', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
    await setImage('rollout-smi-experiment', 'argoproj/rollouts-demo:yellow');
    const weighted = await h.waitFor('rollout-smi-experiment', (ro) => ro.status?.canary?.weights?.additional !== undefined, 'the experiment weight applied');
    const serviceName = weighted.status?.canary?.weights?.additional?.[0]?.serviceName ?? '';
    expect(weighted.status?.canary?.weights).toEqual({ canary: 5, stable: 90, additional: [expect.objectContaining({ serviceName, weight: 5 })] });
    expect(await splitWeights()).toEqual({ 'rollout-smi-experiment-stable': 90, 'rollout-smi-experiment-canary': 5, [serviceName]: 5 });

    await h.command('rollout-smi-experiment', 'abort');
    const aborted = await h.waitFor('rollout-smi-experiment', (ro) => ro.status?.phase === 'Degraded', 'the rollout aborted');
    expect(aborted.status?.canary?.weights).toEqual({ canary: 0, stable: 100 });
    expect(await splitWeights()).toEqual({ 'rollout-smi-experiment-stable': 100, 'rollout-smi-experiment-canary': 0 });
  }, 120_000);
});
