import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { InformerEvent, InformerHandler, SupervisedInformer } from '../kube/supervised-informer.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { Rollout, RolloutStatus } from '../resources/rollout.js';
import { VaneMetrics } from './metrics.js';
import { aborted, at, promoted, rolloutWith, superseded } from '../../test/delivery/fixtures/release-records.js';

type RolloutObject = Rollout & KubeObject;

function rollout(name: string, status: RolloutStatus): RolloutObject {
  return { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', metadata: { namespace: 'shop', name }, spec: { selector: {}, strategy: { canary: {} } }, status };
}

/** Just enough of an informer to deliver events to the handler the metrics register. */
function fakeInformer<T extends KubeObject>(): { informer: SupervisedInformer<T>; emit(event: InformerEvent<T>): void } {
  const handlers: Array<InformerHandler<T>> = [];
  return {
    informer: { addHandler: (h: InformerHandler<T>) => handlers.push(h) } as unknown as SupervisedInformer<T>,
    emit: (event) => handlers.forEach((h) => h(event)),
  };
}

async function valueOf(metrics: VaneMetrics, name: string, labels: Record<string, string> = {}): Promise<number | undefined> {
  const samples = (await metrics.registry.getMetricsAsJSON()).flatMap((m) => m.values.map((v) => ({ ...v, name: (v as { metricName?: string }).metricName ?? m.name })));
  const sample = samples.find((v) => v.name === name && Object.entries(labels).every(([k, val]) => String(v.labels[k]) === val));
  return sample?.value;
}

describe('VaneMetrics', () => {
  it('given a rollout paused at step 1 with 20% canary, then the phase, step and weight gauges show it', async () => {
    const metrics = new VaneMetrics({ defaultMetrics: false });
    metrics.observeRollout(rollout('web', { phase: 'Paused', currentStepIndex: 1, canary: { weights: { canary: 20, stable: 80 } } }));
    expect(await valueOf(metrics, 'vane_rollout_phase', { rollout: 'web', phase: 'Paused' })).toBe(1);
    expect(await valueOf(metrics, 'vane_rollout_phase', { rollout: 'web', phase: 'Healthy' })).toBeUndefined();
    expect(await valueOf(metrics, 'vane_rollout_step', { rollout: 'web' })).toBe(1);
    expect(await valueOf(metrics, 'vane_rollout_canary_weight', { rollout: 'web' })).toBe(20);
  });

  it('when a tracked rollout changes phase, then it has one phase series, at 1, labelled with the new phase', async () => {
    const metrics = new VaneMetrics({ defaultMetrics: false });
    const { informer, emit } = fakeInformer<RolloutObject>();
    metrics.trackRollouts(informer);
    const healthy = rollout('web', { phase: 'Healthy' });
    const progressing = rollout('web', { phase: 'Progressing', currentStepIndex: 0 });
    emit({ type: 'add', key: 'shop/web', object: healthy });
    emit({ type: 'update', key: 'shop/web', object: progressing, oldObject: healthy });
    const phaseSeries = (await metrics.registry.getSingleMetric('vane_rollout_phase')?.get())?.values ?? [];
    expect(phaseSeries.map((v) => ({ phase: v.labels['phase'], value: v.value }))).toEqual([{ phase: 'Progressing', value: 1 }]);
  });

  it('given a rollout with no phase yet, then it has no phase series', async () => {
    const metrics = new VaneMetrics({ defaultMetrics: false });
    metrics.observeRollout(rollout('new', {}));
    expect((await metrics.exposition())).not.toMatch(/vane_rollout_phase\{[^}]*rollout="new"/);
  });

  it('when a tracked rollout is deleted, then its series disappear from the exposition', async () => {
    const metrics = new VaneMetrics({ defaultMetrics: false });
    const { informer, emit } = fakeInformer<RolloutObject>();
    metrics.trackRollouts(informer);
    const web = rollout('web', { phase: 'Progressing', currentStepIndex: 0, canary: { weights: { canary: 10, stable: 90 } } });
    emit({ type: 'add', key: 'shop/web', object: web });
    expect(await metrics.exposition()).toContain('rollout="web"');
    emit({ type: 'delete', key: 'shop/web', object: web });
    expect(await metrics.exposition()).not.toContain('rollout="web"');
  });

  it('counts a promotion and its duration once, when the history record turns Promoted', async () => {
    const metrics = new VaneMetrics({ defaultMetrics: false });
    const { informer, emit } = fakeInformer<RolloutObject>();
    metrics.trackRollouts(informer);
    const before = rollout('web', { history: [{ podTemplateHash: 'h2', images: [], outcome: 'Progressing', startedAt: '2024-05-01T10:00:00Z' }] });
    const after = rollout('web', { history: [{ podTemplateHash: 'h2', images: [], outcome: 'Promoted', startedAt: '2024-05-01T10:00:00Z', finishedAt: '2024-05-01T10:10:00Z' }] });
    emit({ type: 'update', key: 'shop/web', object: after, oldObject: before });
    emit({ type: 'resync', key: 'shop/web', object: after });
    emit({ type: 'update', key: 'shop/web', object: after, oldObject: after });
    expect(await valueOf(metrics, 'vane_deployments_total', { namespace: 'shop', rollout: 'web', outcome: 'promoted' })).toBe(1);
    expect(await valueOf(metrics, 'vane_rollout_time_to_promote_seconds_sum')).toBe(600);
  });

  it('given an abort, then counts it, its time to rollback, and each rollback stage and the restore as its time is recorded', async () => {
    const metrics = new VaneMetrics({ defaultMetrics: false });
    const { informer, emit } = fakeInformer<RolloutObject>();
    metrics.trackRollouts(informer);
    const verdict = '2024-05-01T10:02:00.000Z';
    const done = aborted('h3', verdict, { trafficReset: 0.5, revert: 2, gitopsHealthy: 5, restored: 6 });
    const { trafficResetAt: _t, revert: _r, gitopsHealthyAt: _g, restoredAt: _s, ...bare } = done;
    const stages = [
      { ...bare, outcome: 'Progressing' as const, finishedAt: undefined, verdict: undefined },
      { ...bare, trafficResetAt: done.trafficResetAt },
      { ...bare, trafficResetAt: done.trafficResetAt, revert: done.revert },
      done,
    ];
    const states = stages.map((record) => rolloutWith('shop', 'web', [JSON.parse(JSON.stringify(record)) as typeof record]));
    for (let i = 1; i < states.length; i++) emit({ type: 'update', key: 'shop/web', object: states[i] as RolloutObject, oldObject: states[i - 1] });
    emit({ type: 'update', key: 'shop/web', object: states[3] as RolloutObject, oldObject: states[3] });
    expect(await valueOf(metrics, 'vane_deployments_total', { rollout: 'web', outcome: 'aborted' })).toBe(1);
    expect(await valueOf(metrics, 'vane_rollout_time_to_rollback_seconds_sum')).toBe(300);
    expect(await valueOf(metrics, 'vane_rollback_seconds_sum', { namespace: 'shop', stage: 'traffic_reset' })).toBe(30);
    expect(await valueOf(metrics, 'vane_rollback_seconds_count', { namespace: 'shop', stage: 'traffic_reset' })).toBe(1);
    expect(await valueOf(metrics, 'vane_rollback_seconds_sum', { stage: 'revert_pushed' })).toBe(120);
    expect(await valueOf(metrics, 'vane_rollback_seconds_sum', { stage: 'gitops_healthy' })).toBe(300);
    expect(await valueOf(metrics, 'vane_time_to_restore_seconds_sum', { namespace: 'shop' })).toBe(360);
    expect(await valueOf(metrics, 'vane_time_to_restore_seconds_count', { namespace: 'shop' })).toBe(1);
    // 30 s lands in the le=30 bucket, not in le=15.
    expect(await valueOf(metrics, 'vane_rollback_seconds_bucket', { stage: 'traffic_reset', le: '15' })).toBe(0);
    expect(await valueOf(metrics, 'vane_rollback_seconds_bucket', { stage: 'traffic_reset', le: '30' })).toBe(1);
  });

  it('observes lead time once, when the source commit is resolved after the promotion verdict', async () => {
    const metrics = new VaneMetrics({ defaultMetrics: false });
    const { informer, emit } = fakeInformer<RolloutObject>();
    metrics.trackRollouts(informer);
    const withSource = promoted('h4', '2024-05-01T12:00:00.000Z', { leadMinutes: 90 });
    const { source: _source, ...withoutSource } = withSource;
    const progressing = rolloutWith('shop', 'web', [{ ...withoutSource, outcome: 'Progressing' }]);
    const verdict = rolloutWith('shop', 'web', [withoutSource]);
    const resolved = rolloutWith('shop', 'web', [withSource]);
    emit({ type: 'update', key: 'shop/web', object: verdict, oldObject: progressing });
    expect(await valueOf(metrics, 'vane_lead_time_seconds_count', { namespace: 'shop' })).toBe(0);
    emit({ type: 'update', key: 'shop/web', object: resolved, oldObject: verdict });
    emit({ type: 'update', key: 'shop/web', object: resolved, oldObject: resolved });
    expect(await valueOf(metrics, 'vane_deployments_total', { outcome: 'promoted' })).toBe(1);
    expect(await valueOf(metrics, 'vane_lead_time_seconds_count', { namespace: 'shop' })).toBe(1);
    expect(await valueOf(metrics, 'vane_lead_time_seconds_sum', { namespace: 'shop' })).toBe(5400);
  });

  it('counts nothing from the initial list, so a restarted process does not count the history again', async () => {
    const metrics = new VaneMetrics({ defaultMetrics: false });
    const { informer, emit } = fakeInformer<RolloutObject>();
    metrics.trackRollouts(informer);
    const web = rolloutWith('shop', 'web', [promoted('a', '2024-05-01T09:00:00Z', { leadMinutes: 5 }), aborted('b', '2024-05-01T10:00:00Z', { trafficReset: 1, restored: 3 })]);
    emit({ type: 'add', key: 'shop/web', object: web });
    emit({ type: 'resync', key: 'shop/web', object: web });
    expect(await valueOf(metrics, 'vane_deployments_total', { rollout: 'web', outcome: 'promoted' })).toBe(0);
    expect(await valueOf(metrics, 'vane_deployments_total', { rollout: 'web', outcome: 'aborted' })).toBe(0);
    expect(await valueOf(metrics, 'vane_lead_time_seconds_count', { namespace: 'shop' })).toBe(0);
    expect(await valueOf(metrics, 'vane_rollback_seconds_count', { namespace: 'shop', stage: 'traffic_reset' })).toBe(0);
  });

  it('exposes the delivery series at zero once a rollout is seen, so the first release is an increase Prometheus can see', async () => {
    const metrics = new VaneMetrics({ defaultMetrics: false });
    const { informer, emit } = fakeInformer<RolloutObject>();
    metrics.trackRollouts(informer);
    const record = aborted('b', '2024-05-01T10:00:00Z', { trafficReset: 1, restored: 4 });
    emit({ type: 'add', key: 'shop/web', object: rolloutWith('shop', 'web', []) });
    const text = await metrics.exposition();
    expect(text).toContain('vane_deployments_total{namespace="shop",rollout="web",outcome="aborted"} 0');
    expect(text).toContain('vane_time_to_restore_seconds_count{namespace="shop"} 0');
    expect(text).toContain('vane_rollback_seconds_bucket{le="+Inf",namespace="shop",stage="gitops_healthy"} 0');
    emit({ type: 'update', key: 'shop/web', object: rolloutWith('shop', 'web', [record]), oldObject: rolloutWith('shop', 'web', [{ ...record, outcome: 'Progressing' }]) });
    // A later Rollout of the same namespace does not reset what was observed.
    emit({ type: 'add', key: 'shop/cart', object: rolloutWith('shop', 'cart', []) });
    expect(await valueOf(metrics, 'vane_deployments_total', { rollout: 'web', outcome: 'aborted' })).toBe(1);
    expect(await valueOf(metrics, 'vane_time_to_restore_seconds_count', { namespace: 'shop' })).toBe(1);
  });

  it('counts a superseded release by its outcome, apart from the deployments', async () => {
    const metrics = new VaneMetrics({ defaultMetrics: false });
    const { informer, emit } = fakeInformer<RolloutObject>();
    metrics.trackRollouts(informer);
    const record = superseded('s', '2024-05-01T10:00:00Z');
    emit({ type: 'update', key: 'shop/web', object: rolloutWith('shop', 'web', [record]), oldObject: rolloutWith('shop', 'web', [{ ...record, outcome: 'Progressing' }]) });
    expect(await valueOf(metrics, 'vane_deployments_total', { outcome: 'superseded' })).toBe(1);
    expect(await valueOf(metrics, 'vane_deployments_total', { outcome: 'promoted' })).toBe(0);
  });

  it('given a standby (not leading), then it counts nothing; once it leads, it counts the transitions it sees from then on', async () => {
    let leading = false;
    const metrics = new VaneMetrics({ defaultMetrics: false, isLeader: () => leading });
    const { informer, emit } = fakeInformer<RolloutObject>();
    metrics.trackRollouts(informer);
    const first = promoted('a', '2024-05-01T09:00:00Z', { leadMinutes: 5 });
    const second = aborted('b', '2024-05-01T10:00:00Z', { trafficReset: 1 });
    const s0 = rolloutWith('shop', 'web', [{ ...first, outcome: 'Progressing' }]);
    const s1 = rolloutWith('shop', 'web', [first]);
    const s2 = rolloutWith('shop', 'web', [first, second]);
    emit({ type: 'update', key: 'shop/web', object: s1, oldObject: s0 });
    expect(await valueOf(metrics, 'vane_deployments_total', { outcome: 'promoted' })).toBe(0);
    expect(await valueOf(metrics, 'vane_lead_time_seconds_count')).toBe(0);
    leading = true;
    emit({ type: 'update', key: 'shop/web', object: s2, oldObject: s1 });
    expect(await valueOf(metrics, 'vane_deployments_total', { outcome: 'promoted' })).toBe(0);
    expect(await valueOf(metrics, 'vane_deployments_total', { outcome: 'aborted' })).toBe(1);
    expect(await valueOf(metrics, 'vane_rollback_seconds_count', { stage: 'traffic_reset' })).toBe(1);
  });

  it('when a counted rollout is deleted, then its deployment series disappear and the namespace histograms stay', async () => {
    const metrics = new VaneMetrics({ defaultMetrics: false });
    const { informer, emit } = fakeInformer<RolloutObject>();
    metrics.trackRollouts(informer);
    const record = aborted('b', '2024-05-01T10:00:00Z', { trafficReset: 1 });
    const after = rolloutWith('shop', 'doomed', [record]);
    emit({ type: 'update', key: 'shop/doomed', object: after, oldObject: rolloutWith('shop', 'doomed', [{ ...record, outcome: 'Progressing' }]) });
    expect(await metrics.exposition()).toContain('vane_deployments_total{namespace="shop",rollout="doomed",outcome="aborted"} 1');
    emit({ type: 'delete', key: 'shop/doomed', object: after });
    const text = await metrics.exposition();
    expect(text).not.toContain('rollout="doomed"');
    expect(text).toContain('vane_rollback_seconds_count{namespace="shop",stage="traffic_reset"} 1');
  });

  it('reports reconcile durations and errors, queue depth at scrape time, and API requests by route template', async () => {
    const metrics = new VaneMetrics({ defaultMetrics: false });
    metrics.onReconciled('shop/web', 40, 'ok');
    metrics.onReconciled('shop/web', 10, 'error');
    metrics.onReconciled('shop/web', 5, 'terminal');
    let depth = 3;
    metrics.watchQueueDepth('rollouts', () => depth);
    metrics.observeApiRequest('POST', '/api/v1/namespaces/:namespace/rollouts/:name/promote', 202, 0.01);
    expect(await valueOf(metrics, 'vane_workqueue_depth', { queue: 'rollouts' })).toBe(3);
    depth = 7;
    expect(await valueOf(metrics, 'vane_workqueue_depth', { queue: 'rollouts' })).toBe(7);
    expect(await valueOf(metrics, 'vane_reconcile_duration_seconds_count', { outcome: 'ok' })).toBe(1);
    expect(await valueOf(metrics, 'vane_reconcile_errors_total', { kind: 'error' })).toBe(1);
    expect(await valueOf(metrics, 'vane_reconcile_errors_total', { kind: 'terminal' })).toBe(1);
    expect(await valueOf(metrics, 'vane_api_requests_total', { route: '/api/v1/namespaces/:namespace/rollouts/:name/promote', code: '202' })).toBe(1);
  });

  it('counts new analysis measurements by phase from AnalysisRun status updates', async () => {
    const metrics = new VaneMetrics({ defaultMetrics: false });
    const { informer, emit } = fakeInformer<KubeObject>();
    metrics.trackAnalysisRuns(informer as never);
    const result = (successful: number, failed: number) => ({ name: 'error-rate', phase: 'Running', count: successful + failed, successful, failed, inconclusive: 0, error: 0, consecutiveError: 0, measurements: [] });
    const run = (successful: number, failed: number): KubeObject => ({ metadata: { namespace: 'shop', name: 'run' }, status: { phase: 'Running', metricResults: [result(successful, failed)] } });
    emit({ type: 'update', key: 'shop/run', object: run(2, 1), oldObject: run(1, 0) });
    emit({ type: 'update', key: 'shop/run', object: run(3, 1), oldObject: run(2, 1) });
    expect(await valueOf(metrics, 'vane_analysis_measurements_total', { phase: 'successful' })).toBe(2);
    expect(await valueOf(metrics, 'vane_analysis_measurements_total', { phase: 'failed' })).toBe(1);
  });

  it('passes promtool check metrics, default process metrics included', async () => {
    const metrics = new VaneMetrics();
    metrics.observeRollout(rollout('web', { phase: 'Paused', currentStepIndex: 1, canary: { weights: { canary: 20, stable: 80 } } }));
    metrics.onReconciled('shop/web', 12, 'ok');
    metrics.recordDeployment('shop', 'web', 'aborted');
    const { informer, emit } = fakeInformer<RolloutObject>();
    metrics.trackRollouts(informer);
    const record = aborted('b', at('2024-05-01T10:00:00Z', 0), { trafficReset: 1, revert: 2, gitopsHealthy: 4, restored: 5 });
    const lead = promoted('a', '2024-05-01T09:00:00Z', { leadMinutes: 30 });
    emit({ type: 'update', key: 'shop/web', object: rolloutWith('shop', 'web', [lead, record]), oldObject: rolloutWith('shop', 'web', []) });
    metrics.observeTimeToPromote(300);
    metrics.observeTimeToRollback(30);
    metrics.recordMeasurement('successful');
    metrics.watchQueueDepth('rollouts', () => 0);
    metrics.observeApiRequest('GET', '/api/v1/rollouts', 200, 0.002);
    const text = await metrics.exposition();
    // promtool exits non-zero and lists the problems on any lint finding.
    expect(() => execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' })).not.toThrow();
  });
});
