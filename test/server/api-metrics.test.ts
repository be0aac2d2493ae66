// /metrics over real HTTP, scraped as Prometheus' service account (allowed `get` on the non-resource URL /metrics): the
// rollout gauges follow the informer, API requests are counted by route template, deleted rollouts' series go away,
// and the exposition passes `promtool check metrics`. Who else may scrape: test/security/api-metrics-exposure.test.ts.
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Kinds } from '../../src/kube/resource-kind.js';
import { canaryRollout, pausedAtStep1 } from './fixtures/rollouts.js';
import { BOB, SCRAPER, call, create, createNamespace, startApiHarness, until, writeStatus, type ApiHarness } from './support/api-harness.js';

let h: ApiHarness;

beforeAll(async () => {
  h = await startApiHarness();
  await createNamespace(h.kube, 'shop');
  await create(h.kube, 'Rollout', canaryRollout('shop', 'web'));
  await create(h.kube, 'Rollout', canaryRollout('shop', 'doomed'));
  await writeStatus(h.kube, 'Rollout', 'shop', 'web', pausedAtStep1());
  await writeStatus(h.kube, 'Rollout', 'shop', 'doomed', { phase: 'Progressing', currentStepIndex: 0 });
  await until(() => h.readModel.rollout('shop', 'web')?.status?.phase === 'Paused' && h.readModel.rollout('shop', 'doomed')?.status?.phase === 'Progressing', 'cached');
  h.metrics.onReconciled('shop/web', 25, 'ok');
  h.metrics.watchQueueDepth('rollouts', () => 2);
});

afterAll(async () => {
  await h?.stop();
});

async function scrape(): Promise<string> {
  const res = await call(h.api, 'GET', '/metrics', { token: SCRAPER.token });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  return res.body as string;
}

describe('GET /metrics', () => {
  it('exposes phase, step and weight of each rollout to the scraper', async () => {
    const text = await scrape();
    expect(text).toContain('vane_rollout_phase{namespace="shop",rollout="web",phase="Paused"} 1');
    expect(text).not.toContain('vane_rollout_phase{namespace="shop",rollout="web",phase="Healthy"}');
    expect(text).toContain('vane_rollout_step{namespace="shop",rollout="web"} 1');
    expect(text).toContain('vane_rollout_canary_weight{namespace="shop",rollout="web"} 20');
    expect(text).toContain('vane_workqueue_depth{queue="rollouts"} 2');
    expect(text).toMatch(/vane_reconcile_duration_seconds_count\{outcome="ok"\} 1/);
    for (const name of ['vane_deployments_total', 'vane_lead_time_seconds', 'vane_time_to_restore_seconds', 'vane_rollback_seconds', 'vane_rollout_time_to_promote_seconds', 'vane_rollout_time_to_rollback_seconds', 'vane_reconcile_errors_total', 'vane_analysis_measurements_total']) {
      expect(text).toContain(`# TYPE ${name}`);
    }
  });

  it('counts API requests by route template, never by raw path', async () => {
    await call(h.api, 'GET', '/api/v1/namespaces/shop/rollouts/web', { token: BOB.token });
    await call(h.api, 'GET', '/api/v1/namespaces/shop/rollouts/nope', { token: BOB.token });
    await call(h.api, 'GET', '/api/v1/namespaces/shop/rollouts/web');
    const text = await scrape();
    const route = '/api/v1/namespaces/:namespace/rollouts/:name';
    expect(text).toContain(`vane_api_requests_total{method="GET",route="${route}",code="200"} 1`);
    expect(text).toContain(`vane_api_requests_total{method="GET",route="${route}",code="404"} 1`);
    expect(text).toContain(`vane_api_requests_total{method="GET",route="${route}",code="401"} 1`);
    expect(text).not.toContain('rollouts/web"');
  });

  it('drops the series of a deleted rollout', async () => {
    expect(await scrape()).toContain('rollout="doomed"');
    await h.kube.delete(Kinds.Rollout, 'shop', 'doomed');
    await until(() => h.readModel.rollout('shop', 'doomed') === undefined, 'the deletion is cached');
    expect(await scrape()).not.toContain('rollout="doomed"');
  });

  it('passes promtool check metrics', async () => {
    const text = await scrape();
    let problems = '';
    try {
      execFileSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    } catch (err) {
      problems = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}`;
    }
    expect(problems).toBe('');
  });
});
