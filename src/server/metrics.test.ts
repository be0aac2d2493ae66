import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { InformerEvent, InformerHandler, SupervisedInformer } from '../kube/supervised-informer.js';
import type { KubeObject } from '../kube/kube-object.js';
import type { Rollout, RolloutStatus } from '../resources/rollout.js';
import { VaneMetrics } from './metrics.js';

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
  const sample = samples.find((v) => v.name === name && Object.entries(labels).every(([k, val]) => v.labels[k] === val));
  return sample?.value;
}

describe('VaneMetrics', () => {
  it('given a rollout paused at step 1 with 20% canary, then the phase, step and weight gauges show it', async () => {
    const metrics = new VaneMetrics({ defaultMetrics: false });
    metrics.observeRollout(rollout('web', { phase: 'Paused', currentStepIndex: 1, canary: { weights: { canary: 20, stable: 80 } } }));
    expect(await valueOf(metrics, 'vane_rollout_phase', { rollout: 'web', phase: 'Paused' })).toBe(1);
    expect(await valueOf(metrics, 'vane_rollout_phase', { rollout: 'web', phase: 'Healthy' })).toBe(0);
    expect(await valueOf(metrics, 'vane_rollout_step', { rollout: 'web' })).toBe(1);
    expect(await valueOf(metrics, 'vane_rollout_canary_weight', { rollout: 'web' })).toBe(20);
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
    expect(await valueOf(metrics, 'vane_rollout_outcomes_total', { outcome: 'promoted' })).toBe(1);
    expect(await valueOf(metrics, 'vane_rollout_time_to_promote_seconds_sum')).toBe(600);
  });

  it('counts an abort with its time to rollback, and a git revert when it becomes Committed', async () => {
    const metrics = new VaneMetrics({ defaultMetrics: false });
    const { informer, emit } = fakeInformer<RolloutObject>();
    metrics.trackRollouts(informer);
    const started = { podTemplateHash: 'h3', images: [], startedAt: '2024-05-01T10:00:00Z' };
    const progressing = rollout('web', { history: [{ ...started, outcome: 'Progressing' }] });
    const aborted = rollout('web', {
      history: [{ ...started, outcome: 'Aborted', finishedAt: '2024-05-01T10:02:00Z' }],
      rollback: { reason: 'analysis failed', at: '2024-05-01T10:02:00Z', trafficReset: true, git: { state: 'Pending' } },
    });
    const reverted = rollout('web', { ...aborted.status, rollback: { ...aborted.status!.rollback!, git: { state: 'Committed', commit: 'abc' } } });
    emit({ type: 'update', key: 'shop/web', object: aborted, oldObject: progressing });
    emit({ type: 'update', key: 'shop/web', object: reverted, oldObject: aborted });
    expect(await valueOf(metrics, 'vane_rollout_outcomes_total', { outcome: 'aborted' })).toBe(1);
    expect(await valueOf(metrics, 'vane_rollout_outcomes_total', { outcome: 'rolled_back_by_git' })).toBe(1);
    expect(await valueOf(metrics, 'vane_rollout_time_to_rollback_seconds_sum')).toBe(120);
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
    metrics.recordOutcome('promoted');
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
