// Specification: a Rollout's analysis reference with dryRun, measurementRetention and analysisRunMetadata end to end
// (Argo docs features/analysis.md "Dry-Run Rollouts", "Measurements Retention") — the controller on the sandbox, a
// stub web endpoint answering per metric.
// @covers spec.strategy.canary.steps[].analysis.dryRun
// @covers spec.strategy.canary.steps[].analysis.dryRun[].metricName
// @covers spec.strategy.canary.steps[].analysis.measurementRetention
// @covers spec.strategy.canary.steps[].analysis.measurementRetention[].metricName
// @covers spec.strategy.canary.steps[].analysis.measurementRetention[].limit
// @covers spec.strategy.canary.steps[].analysis.analysisRunMetadata
// @covers spec.strategy.canary.steps[].analysis.analysisRunMetadata.labels
// @covers spec.strategy.canary.steps[].analysis.analysisRunMetadata.annotations
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { AnalysisRun, AnalysisTemplate } from '../../src/resources/analysis.js';
import type { CanaryStep } from '../../src/resources/rollout.js';
import { podTemplateHash } from '../../src/resources/pod-template-hash.js';
import { startStubHttpServer, type StubHttpServer } from '../analysis/support/stub-http-server.js';
import { openHarness, type Harness } from './controller-harness.js';

const NS = 'run-options';
let h: Harness;
let stats: StubHttpServer;

beforeAll(async () => {
  // "/good" is a healthy error rate; "/bad" fails the condition every time.
  stats = await startStubHttpServer((req) => ({ status: 200, body: { errorRate: req.url.startsWith('/bad') ? 0.5 : 0 } }));
  h = await openHarness(NS);
  const template: AnalysisTemplate & KubeObject = {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'with-shadow', namespace: NS },
    spec: {
      metrics: [
        { name: 'error-rate', interval: '1s', count: 3, successCondition: 'result == 0', provider: { web: { url: `${stats.url}/good`, jsonPath: '$.errorRate' } } },
        { name: 'shadow-error-rate', count: 1, successCondition: 'result == 0', provider: { web: { url: `${stats.url}/bad`, jsonPath: '$.errorRate' } } },
      ],
    },
  };
  await h.controller.client.create(Kinds.AnalysisTemplate, template);
  const verdict: AnalysisTemplate & KubeObject = {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name: 'verdict', namespace: NS },
    spec: { args: [{ name: 'verdict' }], metrics: [{ name: 'error-rate', count: 1, successCondition: 'result == 0', provider: { web: { url: `${stats.url}/{{args.verdict}}`, jsonPath: '$.errorRate' } } }] },
  };
  await h.controller.client.create(Kinds.AnalysisTemplate, verdict);
}, 60_000);

afterAll(async () => {
  await h?.close();
  await stats?.stop();
});

async function runsOwnedBy(uid: string | undefined): Promise<AnalysisRun[]> {
  const { items } = await h.controller.client.list<AnalysisRun & KubeObject>(Kinds.AnalysisRun, NS);
  return items.filter((r) => r.metadata.ownerReferences?.[0]?.uid === uid);
}

describe('an analysis step with dryRun, measurementRetention and analysisRunMetadata', () => {
  it('given a failing metric matched by a dryRun pattern, when the image changes, then the rollout is promoted and the run reports the failure in its dry-run summary, keeps one measurement and carries the metadata', async () => {
    await h.apply('shop', {
      strategy: {
        canary: {
          steps: [
            { setWeight: 50 },
            {
              analysis: {
                templates: [{ templateName: 'with-shadow' }],
                dryRun: [{ metricName: '^shadow-' }],
                measurementRetention: [{ metricName: 'error-rate$', limit: 1 }],
                analysisRunMetadata: { labels: { team: 'payments' }, annotations: { 'example.com/ticket': 'OPS-42' } },
              },
            },
          ],
        },
      },
    });
    await h.waitFor('shop', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
    const hash = await h.setImage('shop', 'img:2');
    const done = await h.waitFor('shop', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === hash, 'Healthy on img:2', 30_000);

    const [run] = await runsOwnedBy(done.metadata.uid);
    expect(run?.metadata.labels).toMatchObject({ team: 'payments', 'vane.dev/rollout': 'shop' });
    expect(run?.metadata.annotations).toMatchObject({ 'example.com/ticket': 'OPS-42' });
    expect(run?.spec.dryRun).toEqual([{ metricName: '^shadow-' }]);
    expect(run?.status?.phase).toBe('Successful');
    expect(run?.status?.dryRunSummary).toEqual({ count: 1, successful: 0, failed: 1, inconclusive: 0, error: 0 });
    const errorRate = run?.status?.metricResults?.find((r) => r.name === 'error-rate');
    // "error-rate$" matches both metric names; the limit of 1 keeps only the newest of error-rate's 3 measurements.
    expect(errorRate).toMatchObject({ phase: 'Successful', count: 3 });
    expect(errorRate?.measurements).toHaveLength(1);
    expect(run?.status?.metricResults?.find((r) => r.name === 'shadow-error-rate')).toMatchObject({ dryRun: true, phase: 'Failed' });
  });

  it('given a dryRun pattern that matches no metric, when the image changes, then the gate stops with the rule named in the Rollout\'s status and traffic stays on stable', async () => {
    await h.apply('typo', {
      strategy: { canary: { steps: [{ setWeight: 50 }, { analysis: { templates: [{ templateName: 'with-shadow' }], dryRun: [{ metricName: 'latency' }] } }] } },
    });
    await h.waitFor('typo', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
    await h.setImage('typo', 'img:2');
    const blocked = await h.waitFor('typo', (ro) => ro.status?.conditions?.some((c) => c.type === 'InvalidSpec') ?? false, 'the rule reported');
    expect(blocked.status?.message).toMatch(/^dryRun\[0\]: metricName "latency" matches no metric \("error-rate", "shadow-error-rate"\) \(step \d+ analysis\)/);
    expect(await runsOwnedBy(blocked.metadata.uid)).toEqual([]);
  });
});

describe('spec.analysis run history limits (Argo docs features/specification.md)', () => {
  // @covers spec.analysis.successfulRunHistoryLimit
  // @covers spec.analysis.unsuccessfulRunHistoryLimit
  it('given limits of 1 and 1, when two revisions pass and two fail, then only the newest successful and the newest failed run are left', async () => {
    const steps = (verdict: string): CanaryStep[] => [
      { setWeight: 50 },
      { analysis: { templates: [{ templateName: 'verdict' }], args: [{ name: 'verdict', value: verdict }] } },
      // Runs of consecutive revisions are created at least a second apart: creationTimestamp has second resolution.
      { pause: { duration: 1 } },
    ];
    await h.apply('history', { analysis: { successfulRunHistoryLimit: 1, unsuccessfulRunHistoryLimit: 1 }, strategy: { canary: { steps: steps('good') } } });
    const first = await h.waitFor('history', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
    const release = async (image: string, verdict: string): Promise<void> => {
      const tpl = { metadata: { labels: { app: 'history' } }, spec: { containers: [{ name: 'app', image }] } };
      await h.controller.client.patch(Kinds.Rollout, NS, 'history', { spec: { template: tpl, strategy: { canary: { steps: steps(verdict) } } } }, 'merge');
    };
    const phases = async (): Promise<string[]> => (await runsOwnedBy(first.metadata.uid)).map((r) => `${r.spec.args?.[0]?.value}:${r.status?.phase}`).sort();

    for (const image of ['img:2', 'img:3']) {
      await release(image, 'good');
      await h.waitFor('history', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === hashOf(image), `Healthy on ${image}`, 30_000);
    }
    for (const image of ['img:4', 'img:5']) {
      // A failing run ends at once, so the next one would otherwise be created within the same second.
      await new Promise((r) => setTimeout(r, 1_100));
      await release(image, 'bad');
      await h.waitFor('history', (ro) => ro.status?.abort === true && ro.status.currentPodHash === hashOf(image), `${image} aborted`, 30_000);
    }
    const deadline = Date.now() + 10_000;
    while ((await phases()).length > 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(await phases()).toEqual(['bad:Failed', 'good:Successful']);
    const left = await runsOwnedBy(first.metadata.uid);
    expect(left.map((r) => r.metadata.labels?.['rollouts-pod-template-hash']).sort()).toEqual([hashOf('img:3'), hashOf('img:5')].sort());
  }, 120_000);
});

function hashOf(image: string): string {
  return podTemplateHash({ metadata: { labels: { app: 'history' } }, spec: { containers: [{ name: 'app', image }] } });
}
