// Specification: canary analysis gates end to end — the controller on the sandbox, a real Prometheus with fixed
// history, and a Gateway API HTTPRoute carrying the canary weight.
// @covers spec.strategy.canary.steps[].analysis
// @covers spec.strategy.canary.steps[].analysis.templates
// @covers spec.strategy.canary.steps[].analysis.templates[].templateName
// @covers spec.strategy.canary.steps[].analysis.args
// @covers spec.strategy.canary.steps[].analysis.args[].name
// @covers spec.strategy.canary.steps[].analysis.args[].value
// @covers spec.strategy.canary.analysis
// @covers spec.strategy.canary.analysis.templates
// @covers spec.strategy.canary.analysis.templates[].templateName
// @covers spec.strategy.blueGreen.prePromotionAnalysis
// @covers spec.strategy.blueGreen.prePromotionAnalysis.templates
// @covers spec.strategy.blueGreen.prePromotionAnalysis.templates[].templateName
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { AnalysisRun, AnalysisTemplate, Metric } from '../../src/resources/analysis.js';
import type { CanaryStep, RolloutSpec } from '../../src/resources/rollout.js';
import { POD_TEMPLATE_HASH_LABEL } from '../../src/resources/pod-template-hash.js';
import { minutesAgo, openMetricsText } from '../analysis/support/open-metrics.js';
import { freePort, startPrometheus, type PrometheusServer } from '../analysis/support/prometheus-server.js';
import { ROUTING_CRD_FILES } from '../traffic/support/traffic-cluster.js';
import { openHarness, type Harness, type RolloutObject } from './controller-harness.js';
import { canaryPercent, recordRouteWeights, type HTTPRouteObject, type RouteWeights } from './route-weights.js';

const NS = 'analysis';
let h: Harness;
let prometheus: PrometheusServer;
let weights: RouteWeights;

/** An error ratio per app, flat over the last 50 minutes: "good" is healthy, "bad" fails any sane threshold. */
function history(): string {
  const samples = (value: number): Array<[number, number]> => Array.from({ length: 50 }, (_, i) => [minutesAgo(50 - i), value]);
  return openMetricsText([
    { name: 'vane_e2e_error_ratio', labels: { app: 'good' }, samples: samples(0.001) },
    { name: 'vane_e2e_error_ratio', labels: { app: 'bad' }, samples: samples(0.2) },
  ]);
}

function errorRatioMetric(address: string, overrides: Partial<Metric> = {}): Metric {
  return {
    name: 'error-ratio',
    interval: '1s',
    count: 2,
    successCondition: 'result[0] < 0.01',
    provider: { prometheus: { address, query: 'last_over_time(vane_e2e_error_ratio{app="{{args.app}}"}[1h])' } },
    ...overrides,
  };
}

async function createTemplate(name: string, metric: Metric): Promise<void> {
  const template: AnalysisTemplate & KubeObject = {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisTemplate',
    metadata: { name, namespace: NS },
    spec: { args: [{ name: 'app' }], metrics: [metric] },
  };
  await h.controller.client.create(Kinds.AnalysisTemplate, template);
}

async function createRoute(name: string): Promise<void> {
  await h.controller.client.create(Kinds.HTTPRoute, {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: NS },
    spec: {
      parentRefs: [{ name: 'public', namespace: 'infra' }],
      rules: [{ name: 'main', backendRefs: [{ name: `${name}-stable`, port: 80, weight: 100 }, { name: `${name}-canary`, port: 80, weight: 0 }] }],
    },
  });
}

/** The canary's share on the live HTTPRoute, as a percentage. */
async function routeWeight(name: string): Promise<number> {
  const route = await h.controller.client.get<HTTPRouteObject>(Kinds.HTTPRoute, NS, name);
  if (!route) throw new Error(`HTTPRoute ${name} is gone`);
  return canaryPercent(route);
}

/** A routed canary gated on `template` for `app`, Healthy on img:1 before the test changes its image. */
async function routedCanary(name: string, template: string, app: string): Promise<RolloutObject> {
  await createRoute(name);
  const steps: CanaryStep[] = [
    { setWeight: 10 },
    { analysis: { templates: [{ templateName: template }], args: [{ name: 'app', value: app }] } },
    { setWeight: 50 },
    { pause: { duration: 1 } },
  ];
  const spec: Partial<RolloutSpec> = {
    strategy: {
      canary: {
        stableService: `${name}-stable`,
        canaryService: `${name}-canary`,
        abortScaleDownDelaySeconds: 0,
        trafficRouting: { gatewayAPI: { httpRoutes: [{ name }] } },
        steps,
      },
    },
  };
  await h.apply(name, spec, [`${name}-stable`, `${name}-canary`]);
  return h.waitFor(name, (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
}

function runOf(ro: RolloutObject): (AnalysisRun & KubeObject) | undefined {
  const ref = ro.status?.analysisRuns?.[0] ?? undefined;
  return ref ? (h.controller.informers.analysisRuns.get(`${NS}/${ref.name}`) as (AnalysisRun & KubeObject) | undefined) : undefined;
}

beforeAll(async () => {
  prometheus = await startPrometheus({ history: history() });
  h = await openHarness(NS, { crdFiles: ROUTING_CRD_FILES });
  weights = await recordRouteWeights(h.controller.client, NS);
  await createTemplate('error-ratio', errorRatioMetric(prometheus.url));
  // Between the thresholds: neither success nor failure, so a person decides.
  await createTemplate('undecided', errorRatioMetric(prometheus.url, { count: 1, failureCondition: 'result[0] > 0.5' }));
  await createTemplate('background', errorRatioMetric(prometheus.url, { count: 30 }));
}, 60_000);

afterAll(async () => {
  await weights?.stop();
  await h?.close();
  await prometheus?.stop();
});

describe('canary analysis against a real Prometheus', () => {
  it('given a healthy error ratio, when the image changes, then analysis passes, the route follows 10 → 50 → 100 and the rollout is Healthy on the new revision', async () => {
    await routedCanary('good', 'error-ratio', 'good');
    const hash = await h.setImage('good', 'img:2');
    const done = await h.waitFor('good', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === hash, 'Healthy on img:2', 40_000);
    // At the end all traffic goes to the canary, then the stable Service moves to it and the weight returns to 0.
    expect(await weights.settle('good', 0)).toEqual([0, 10, 50, 100, 0]);
    const runs = [...h.controller.informers.analysisRuns.list(NS)].filter((r) => r.metadata.labels?.['vane.dev/rollout'] === 'good') as Array<AnalysisRun & KubeObject>;
    expect(runs).toHaveLength(1);
    expect(runs[0]?.status?.phase).toBe('Successful');
    const measurements = runs[0]?.status?.metricResults?.[0]?.measurements ?? [];
    expect(measurements.map((m) => [m.phase, m.value])).toEqual([['Successful', '[0.001]'], ['Successful', '[0.001]']]);
    expect(done.status?.canary?.weights?.canary).toBe(0);
  });

  it('given a bad error ratio, when the image changes, then the run fails at its first measurement, the rollout aborts, and the route is back on stable without ever reaching 50', async () => {
    await routedCanary('bad', 'error-ratio', 'bad');
    const stable = (await h.waitFor('bad', () => true, 'the rollout')).status?.stableRS;
    await h.setImage('bad', 'img:2');
    const aborted = await h.waitFor('bad', (ro) => ro.status?.phase === 'Degraded', 'the abort', 40_000);
    // The reset was written in the pass that decided the abort, before its status write.
    expect(await routeWeight('bad')).toBe(0);
    expect(await weights.settle('bad', 0)).toEqual([0, 10, 0]);
    expect(aborted.status?.stableRS).toBe(stable);
    expect(aborted.status?.canary?.weights?.canary).toBe(0);
    expect(aborted.status?.message).toMatch(/error-ratio/);
    const run = runOf(aborted) ?? (h.controller.informers.analysisRuns.list(NS).find((r) => r.metadata.labels?.['vane.dev/rollout'] === 'bad') as AnalysisRun & KubeObject);
    expect(run.status?.phase).toBe('Failed');
    expect(run.status?.metricResults?.[0]?.measurements.map((m) => [m.phase, m.value])).toEqual([['Failed', '[0.2]']]);
    const reasons = (await h.events('bad')).map((e) => e.reason);
    expect(reasons).toContain('RolloutAborted');
  });

  it('given Prometheus is down, then measurements are Error, the run errs only after consecutiveErrorLimit, and the rollout aborts without promoting', async () => {
    const closed = await freePort();
    await createTemplate('unreachable', errorRatioMetric(`http://127.0.0.1:${closed}`, { consecutiveErrorLimit: 2, count: 5 }));
    await routedCanary('down', 'unreachable', 'good');
    await h.setImage('down', 'img:2');
    const aborted = await h.waitFor('down', (ro) => ro.status?.phase === 'Degraded', 'the abort after the errors', 60_000);
    expect(await weights.settle('down', 0)).toEqual([0, 10, 0]);
    const run = h.controller.informers.analysisRuns.list(NS).find((r) => r.metadata.labels?.['vane.dev/rollout'] === 'down') as AnalysisRun & KubeObject;
    expect(run.status?.phase).toBe('Error');
    const result = run.status?.metricResults?.[0];
    // consecutiveErrorLimit 2: the third consecutive error ends the metric, not the first.
    expect(result?.measurements.map((m) => m.phase)).toEqual(['Error', 'Error', 'Error']);
    expect(result?.measurements[0]?.message).toMatch(/127\.0\.0\.1|refused|unavailable/i);
    expect(aborted.status?.canary?.weights?.canary).toBe(0);
  }, 90_000);

  it('given a template whose condition does not compile, then the template gets a Warning naming the metric, and a Rollout reaching it is Degraded with the cause, its route back on stable and nothing reverted', async () => {
    await createTemplate('broken', errorRatioMetric(prometheus.url, { successCondition: 'result[0] <' }));
    await routedCanary('gated', 'broken', 'good');
    const hash = await h.setImage('gated', 'img:2');
    const blocked = await h.waitFor('gated', (ro) => ro.status?.conditions?.some((c) => c.type === 'InvalidSpec') ?? false, 'the broken template reported');
    const condition = blocked.status?.conditions?.find((c) => c.type === 'InvalidSpec');
    expect(condition?.message).toContain(`AnalysisTemplate ${NS}/broken metric "error-ratio": successCondition does not compile`);
    expect(blocked.status?.phase).toBe('Degraded');
    // The weight step before the gate completed; the gate could not start, so the route went back to stable at once.
    expect(await routeWeight('gated')).toBe(0);
    expect(blocked.status?.canary?.weights?.canary).toBe(0);
    expect(blocked.status?.rollback).toBeUndefined();
    expect(blocked.status?.message).toContain('traffic is on stable');

    const { items } = await h.controller.client.list<KubeObject & { reason: string; note: string; regarding?: { kind?: string; name?: string } }>(Kinds.Event, NS);
    const warnings = items.filter((e) => e.regarding?.kind === 'AnalysisTemplate' && e.regarding.name === 'broken');
    expect(warnings.map((e) => e.reason)).toEqual(['InvalidCondition']);
    expect(warnings[0]?.note).toContain('metric "error-ratio": successCondition does not compile');

    // Fixed, the gate starts by itself: the weight comes back, the analysis passes, and the release completes.
    await h.controller.client.patch(Kinds.AnalysisTemplate, NS, 'broken', { spec: { metrics: [errorRatioMetric(prometheus.url)] } }, 'merge');
    await h.waitFor('gated', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === hash, 'Healthy on img:2 after the fix', 40_000);
    expect(await weights.settle('gated', 0)).toEqual([0, 10, 0, 10, 50, 100, 0]);
  }, 60_000);

  it('given a gate whose argument has no value, then the route goes back to stable without a revert, and once the Rollout gives the argument the gate starts and the release completes', async () => {
    await routedCanary('noarg', 'error-ratio', 'good');
    const withoutArgs = (h.rollout('noarg')?.spec.strategy.canary?.steps ?? []).map((step) => ('analysis' in step ? { analysis: { templates: step.analysis.templates } } : step));
    await h.controller.client.patch(Kinds.Rollout, NS, 'noarg', { spec: { strategy: { canary: { steps: withoutArgs } } } }, 'merge');
    const hash = await h.setImage('noarg', 'img:2');
    const blocked = await h.waitFor('noarg', (ro) => ro.status?.phase === 'Degraded', 'the gate blocked');
    expect(blocked.status?.conditions?.find((c) => c.type === 'InvalidSpec')).toMatchObject({ status: 'True', reason: 'InvalidReference' });
    expect(blocked.status?.message).toMatch(/^analysis argument "app" has no value \(step 2 analysis\)/);
    expect(await routeWeight('noarg')).toBe(0);
    expect(blocked.status?.rollback).toBeUndefined();

    const steps = withoutArgs.map((step) => ('analysis' in step ? { analysis: { ...step.analysis, args: [{ name: 'app', value: 'good' }] } } : step));
    await h.controller.client.patch(Kinds.Rollout, NS, 'noarg', { spec: { strategy: { canary: { steps } } } }, 'merge');
    await h.waitFor('noarg', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === hash, 'Healthy on img:2 once the argument is given', 40_000);
    expect(await weights.settle('noarg', 0)).toEqual([0, 10, 0, 10, 50, 100, 0]);
  }, 60_000);

  it('given an inconclusive measurement, then the rollout pauses for a person, and a promote continues it to Healthy', async () => {
    await routedCanary('unsure', 'undecided', 'bad');
    const hash = await h.setImage('unsure', 'img:2');
    const paused = await h.waitFor('unsure', (ro) => ro.status?.phase === 'Paused', 'the pause for a person');
    expect(paused.status?.pauseConditions?.map((p) => p.reason)).toEqual(['InconclusiveAnalysis']);
    expect(await routeWeight('unsure')).toBe(10);
    await h.command('unsure', 'promote');
    await h.waitFor('unsure', (ro) => ro.status?.phase === 'Healthy' && ro.status.stableRS === hash, 'Healthy after the promote', 30_000);
  });

  it('given background analysis from step 0, when it fails during a long pause, then the rollout aborts at once rather than at the end of the pause', async () => {
    await createRoute('bg');
    await h.apply('bg', {
      strategy: {
        canary: {
          stableService: 'bg-stable',
          canaryService: 'bg-canary',
          abortScaleDownDelaySeconds: 0,
          trafficRouting: { gatewayAPI: { httpRoutes: [{ name: 'bg' }] } },
          analysis: { templates: [{ templateName: 'background' }], args: [{ name: 'app', value: 'bad' }], startingStep: 0 },
          steps: [{ setWeight: 20 }, { pause: { duration: 600 } }, { setWeight: 60 }],
        },
      },
    }, ['bg-stable', 'bg-canary']);
    await h.waitFor('bg', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
    await h.setImage('bg', 'img:2');
    const aborted = await h.waitFor('bg', (ro) => ro.status?.phase === 'Degraded', 'the abort by background analysis', 30_000);
    expect(aborted.status?.currentStepIndex).toBeLessThanOrEqual(1);
    expect(await routeWeight('bg')).toBe(0);
    expect(aborted.status?.message).toMatch(/error-ratio/);
  });

  it('given blue-green with a failing pre-promotion analysis, then the active Service never leaves stable and the rollout aborts', async () => {
    const services = ['bluegreen-active', 'bluegreen-preview'];
    await h.apply('bluegreen', {
      strategy: {
        blueGreen: {
          activeService: 'bluegreen-active',
          previewService: 'bluegreen-preview',
          prePromotionAnalysis: { templates: [{ templateName: 'error-ratio' }], args: [{ name: 'app', value: 'bad' }] },
        },
      },
    }, services);
    const first = await h.waitFor('bluegreen', (ro) => ro.status?.phase === 'Healthy', 'the first revision Healthy');
    const stable = first.status?.stableRS;
    const preview = await h.setImage('bluegreen', 'img:2');
    const aborted = await h.waitFor('bluegreen', (ro) => ro.status?.phase === 'Degraded', 'the abort by pre-promotion analysis', 30_000);
    expect(aborted.status?.stableRS).toBe(stable);
    const selector = async (name: string): Promise<string | undefined> =>
      (await h.controller.client.get<KubeObject & { spec: { selector: Record<string, string> } }>(Kinds.Service, NS, name))?.spec.selector[POD_TEMPLATE_HASH_LABEL];
    expect(await selector('bluegreen-active')).toBe(stable);
    expect(preview).not.toBe(stable);
  });
});
