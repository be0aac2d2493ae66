// Specification: an Experiment template's Service and minReadySeconds end to end on the sandbox with the real
// controller (Argo docs features/experiment.md "Experiment Spec" and "Experiment Service Creation without Weight").
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { Experiment } from '../../src/resources/experiment.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/resources/pod-template-hash.js';
import type { ServiceObject } from '../../src/traffic/service-selector.js';
import { openHarness, type Harness } from '../reconcile/controller-harness.js';

const NS = 'experiment-services';
const CORPUS = resolve(import.meta.dirname, '../fixtures/argo-rollouts');
let h: Harness;

type ExperimentObject = Experiment & KubeObject;

function corpusExperiment(file: string): ExperimentObject {
  const text = readFileSync(resolve(CORPUS, file), 'utf8').replaceAll('argoproj.io/v1alpha1', 'vane.dev/v1alpha1');
  const doc = yaml.loadAll(text).find((d) => (d as { kind?: string }).kind === 'Experiment') as ExperimentObject;
  return { ...doc, metadata: { ...doc.metadata, namespace: NS } };
}

async function waitForExperiment(name: string, done: (e: ExperimentObject) => boolean, what: string, timeoutMs = 20_000): Promise<ExperimentObject> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const e = h.controller.informers.experiments.get(`${NS}/${name}`);
    if (e && done(e)) return e;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify(e?.status && { ...e.status, machine: undefined })}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function service(name: string): Promise<ServiceObject | undefined> {
  return h.controller.client.get<ServiceObject>(Kinds.Service, NS, name);
}

beforeAll(async () => {
  h = await openHarness(NS);
}, 60_000);

afterAll(async () => {
  await h?.close();
});

describe('Experiment template Services', () => {
  it("given Argo's experiment-with-service.yaml (service: {}), then a Service named after the template's ReplicaSet selects its pods with the container's port while it runs, and is deleted when the pods are scaled down", async () => {
    // @covers spec.templates[].service
    const created = await h.controller.client.create(Kinds.Experiment, corpusExperiment('test/e2e/functional/experiment-with-service.yaml'));
    const name = created.metadata.name ?? '';
    const running = await waitForExperiment(name, (e) => e.status?.phase === 'Running' && e.status.templateStatuses?.[0]?.serviceName !== undefined, 'Running with its Service');
    const rs = h.controller.informers.replicaSetsOfExperiment(running)[0];
    const status = running.status?.templateStatuses?.[0];
    expect(status?.serviceName).toBe(rs?.metadata.name);
    const live = await service(status?.serviceName ?? '');
    expect(live?.spec?.selector).toEqual({ app: 'experiment-with-service', [POD_TEMPLATE_HASH_LABEL]: status?.podTemplateHash });
    expect(live?.spec?.['ports']).toEqual([expect.objectContaining({ protocol: 'TCP', port: 8080, targetPort: 8080 })]);
    expect(live?.metadata.ownerReferences).toEqual([expect.objectContaining({ kind: 'Experiment', name, controller: true })]);

    // duration 10s, scaleDownDelaySeconds 5: the Service goes with the pods.
    await waitForExperiment(name, (e) => e.status?.phase === 'Successful', 'Successful', 30_000);
    expect(await service(status?.serviceName ?? '')).toBeDefined();
    await waitForExperiment(name, (e) => e.status?.templateStatuses?.[0]?.serviceName === undefined, 'the Service gone from status', 30_000);
    expect(await service(status?.serviceName ?? '')).toBeUndefined();
  }, 90_000);

  it('given a template with service.name and minReadySeconds, then the Service has that name and the ReplicaSet that minReadySeconds', async () => {
    // @covers spec.templates[].service.name
    // @covers spec.templates[].minReadySeconds
    const base = corpusExperiment('test/e2e/functional/experiment-with-service.yaml');
    const template = { ...base.spec.templates[0]!, service: { name: 'preview' }, minReadySeconds: 7 };
    const created = await h.controller.client.create(Kinds.Experiment, { ...base, metadata: { name: 'named-service', namespace: NS }, spec: { ...base.spec, templates: [template] } });
    const running = await waitForExperiment(created.metadata.name ?? '', (e) => e.status?.templateStatuses?.[0]?.serviceName !== undefined, 'its Service');
    expect(running.status?.templateStatuses?.[0]?.serviceName).toBe('preview');
    expect((await service('preview'))?.spec?.selector?.[POD_TEMPLATE_HASH_LABEL]).toBe(running.status?.templateStatuses?.[0]?.podTemplateHash);
    expect(h.controller.informers.replicaSetsOfExperiment(running).map((rs) => rs.spec?.minReadySeconds)).toEqual([7]);
    await h.controller.client.patch(Kinds.Experiment, NS, 'named-service', { spec: { terminate: true } }, 'merge');
  }, 60_000);

  it('given a template whose service.name is a Service the experiment does not own, then the Experiment ends as Error naming it and the Service is left alone', async () => {
    await h.controller.client.create(Kinds.Service, { apiVersion: 'v1', kind: 'Service', metadata: { name: 'taken', namespace: NS }, spec: { selector: { app: 'other' }, ports: [{ port: 80 }] } });
    const base = corpusExperiment('test/e2e/functional/experiment-with-service.yaml');
    const template = { ...base.spec.templates[0]!, service: { name: 'taken' } };
    await h.controller.client.create(Kinds.Experiment, { ...base, metadata: { name: 'taken-service', namespace: NS }, spec: { ...base.spec, templates: [template] } });
    const failed = await waitForExperiment('taken-service', (e) => e.status?.phase === 'Error', 'Error');
    const message = 'Service experiment-services/taken already exists and is not owned by experiment template test';
    expect(failed.status?.message).toBe(message);
    expect(failed.status?.templateStatuses?.map((t) => [t.status, t.message])).toEqual([['Error', message]]);
    expect((await service('taken'))?.spec?.selector).toEqual({ app: 'other' });
  }, 60_000);
});
