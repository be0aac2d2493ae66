// Specification: an analysis argument taken from the Rollout by `valueFrom.fieldRef` end to end — a path that names
// nothing stops the gate with the argument, the path and the cause in the Rollout's status; once the Rollout has
// the field, the gate's run is created holding its value.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { AnalysisRun, AnalysisTemplate } from '../../src/resources/analysis.js';
import { openHarness, type Harness } from './controller-harness.js';

const NS = 'field-ref';
let h: Harness;

beforeAll(async () => {
  h = await openHarness(NS);
  const template: AnalysisTemplate & KubeObject = {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'by-team', namespace: NS },
    spec: {
      args: [
        { name: 'team', valueFrom: { fieldRef: { fieldPath: "metadata.labels['team']" } } },
        { name: 'namespace', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      ],
      // Never measured here: the test looks at the run the gate creates, not at its verdict.
      metrics: [{ name: 'errors', initialDelay: '1h', provider: { web: { url: 'http://127.0.0.1:9/{{args.namespace}}/{{args.team}}' } } }],
    },
  };
  await h.controller.client.create(Kinds.AnalysisTemplate, template);
});

afterAll(async () => {
  await h?.close();
});

/** The arguments of the first AnalysisRun the Rollout `name` owns, waiting up to 20 s for it. */
async function firstRunArgs(name: string): Promise<AnalysisRun['spec']['args']> {
  const uid = (await h.waitFor(name, () => true, 'the Rollout')).metadata.uid;
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { items } = await h.controller.client.list<AnalysisRun & KubeObject>(Kinds.AnalysisRun, NS);
    const run = items.find((r) => r.metadata.ownerReferences?.[0]?.uid === uid);
    if (run !== undefined) return run.spec.args;
    if (Date.now() > deadline) throw new Error(`no AnalysisRun of ${name} within 20s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('an analysis argument from a fieldRef', () => {
  it('given a label the Rollout lacks, then the run holds an empty value, as Argo Rollouts and kubectl read a missing label', async () => {
    await h.apply('labelled', { strategy: { canary: { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'by-team' }] } }] } } });
    await h.waitFor('labelled', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
    await h.setImage('labelled', 'img:2');
    expect(await firstRunArgs('labelled')).toEqual([
      { name: 'team', value: '' },
      { name: 'namespace', value: NS },
    ]);
  });

  it('given a label the Rollout has, then the run holds its value', async () => {
    await h.apply('team-labelled', { strategy: { canary: { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'by-team' }] } }] } } });
    await h.waitFor('team-labelled', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
    await h.controller.client.patch(Kinds.Rollout, NS, 'team-labelled', { metadata: { labels: { team: 'payments' } } }, 'merge');
    await h.setImage('team-labelled', 'img:2');
    expect(await firstRunArgs('team-labelled')).toEqual([
      { name: 'team', value: 'payments' },
      { name: 'namespace', value: NS },
    ]);
  });
});
