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

describe('an analysis argument from a fieldRef', () => {
  it('given a label the Rollout lacks, then the gate stops with the argument, path and cause in status; once the label is added, the run holds its value', async () => {
    await h.apply('labelled', { strategy: { canary: { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'by-team' }] } }] } } });
    await h.waitFor('labelled', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
    await h.setImage('labelled', 'img:2');

    const blocked = await h.waitFor('labelled', (ro) => ro.status?.conditions?.some((c) => c.type === 'InvalidSpec') ?? false, 'the argument reported');
    expect(blocked.status?.phase).toBe('Degraded');
    expect(blocked.status?.message).toMatch(/^analysis argument "team" has no value \(step \d+ analysis\): fieldRef metadata\.labels\['team'\]: the Rollout has no label "team"; traffic is on stable/);

    await h.controller.client.patch(Kinds.Rollout, NS, 'labelled', { metadata: { labels: { team: 'payments' } } }, 'merge');
    const uid = blocked.metadata.uid;
    const deadline = Date.now() + 20_000;
    let run: AnalysisRun | undefined;
    while (run === undefined && Date.now() < deadline) {
      const { items } = await h.controller.client.list<AnalysisRun & KubeObject>(Kinds.AnalysisRun, NS);
      run = items.find((r) => r.metadata.ownerReferences?.[0]?.uid === uid);
      if (run === undefined) await new Promise((r) => setTimeout(r, 100));
    }
    expect(run?.spec.args).toEqual([
      { name: 'team', value: 'payments' },
      { name: 'namespace', value: NS },
    ]);
  });
});
