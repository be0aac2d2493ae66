// The read side of the API over real HTTP against the sandbox: list, detail, 404s, health, OpenAPI.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { analysisRun, analysisRunStatus, canaryRollout, pausedAtStep1, replicaSet } from './fixtures/rollouts.js';
import { ALICE, BOB, call, create, createNamespace, startApiHarness, until, writeStatus, type ApiHarness } from './support/api-harness.js';

let h: ApiHarness;
let notLeader = false;
let posts: KubeObject;

const EVENTS = { group: 'events.k8s.io', version: 'v1', kind: 'Event', plural: 'events', namespaced: true };

function eventAbout(regarding: { apiVersion: string; kind: string; name: string; namespace: string; uid?: string }, name: string): KubeObject {
  return {
    apiVersion: 'events.k8s.io/v1',
    kind: 'Event',
    metadata: { namespace: regarding.namespace, name },
    eventTime: '2024-05-01T11:00:00.000000Z',
    reportingController: 'test/reporter',
    reportingInstance: 'test',
    action: 'Noticed',
    reason: 'Noticed',
    note: `something about ${regarding.kind} ${regarding.name}`,
    type: 'Normal',
    regarding,
  };
}

beforeAll(async () => {
  h = await startApiHarness({ readiness: () => (notLeader ? { ready: false, reason: 'leader not known yet' } : { ready: true }) });
  await createNamespace(h.kube, 'shop');
  await createNamespace(h.kube, 'blog');
  const web = await create(h.kube, 'Rollout', canaryRollout('shop', 'web'));
  posts = await create(h.kube, 'Rollout', canaryRollout('blog', 'posts'));
  await writeStatus(h.kube, 'Rollout', 'shop', 'web', {
    ...pausedAtStep1(),
    analysisRuns: [{ name: 'web-canary1-3', gate: '3', phase: 'Running' }],
    rollback: { reason: 'analysis error-rate failed', at: '2024-05-01T09:00:00Z', trafficReset: true, git: { state: 'Committed', commit: 'abc123', revertedCommit: 'def456' } },
  });
  const uid = web.metadata.uid ?? '';
  await create(h.kube, 'ReplicaSet', replicaSet('shop', 'web', uid, 'stable1', 'registry.example/shop:1.0', 3));
  await create(h.kube, 'ReplicaSet', replicaSet('shop', 'web', uid, 'canary1', 'registry.example/shop:2.0', 1));
  await create(h.kube, 'ReplicaSet', replicaSet('shop', 'unrelated', 'other-uid', 'x1', 'registry.example/other:1', 1));
  await create(h.kube, 'AnalysisRun', analysisRun('shop', 'web', uid, 'web-canary1-3'));
  await writeStatus(h.kube, 'AnalysisRun', 'shop', 'web-canary1-3', analysisRunStatus);
  await h.kube.create(
    EVENTS,
    {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { namespace: 'shop', name: 'web.step0' },
      eventTime: '2024-05-01T10:00:00.000000Z',
      reportingController: 'vane.dev/rollout-controller',
      reportingInstance: 'test',
      action: 'SetWeight',
      reason: 'StepCompleted',
      note: 'step 0 (setWeight 20%) completed',
      type: 'Normal',
      regarding: { apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', name: 'web', namespace: 'shop', uid },
    },
  );
  await until(() => {
    const cached = h.readModel.rollout('shop', 'web');
    return cached !== undefined && h.readModel.replicaSetsOf(cached).length === 2 && h.readModel.analysisRunsOf(cached)[0]?.status !== undefined && h.readModel.eventsOf(cached).length === 1;
  }, 'the caches hold the rollout and its objects');
});

afterAll(async () => {
  await h?.stop();
});

describe('GET /api/v1/rollouts', () => {
  it('given rollouts in two namespaces, when listed without a namespace, then both come back as summaries', async () => {
    const res = await call(h.api, 'GET', '/api/v1/rollouts', { token: BOB.token });
    expect(res.status).toBe(200);
    const items = (res.body as { items: Array<{ namespace: string; name: string; phase?: string }> }).items;
    expect(items.map((i) => `${i.namespace}/${i.name}`)).toEqual(['blog/posts', 'shop/web']);
    expect(items[1]?.phase).toBe('Paused');
  });

  it('when listed with ?namespace=shop, then only that namespace', async () => {
    const res = await call(h.api, 'GET', '/api/v1/rollouts?namespace=shop', { token: BOB.token });
    expect((res.body as { items: Array<{ name: string }> }).items.map((i) => i.name)).toEqual(['web']);
  });

  it('when the namespace is given twice, then 400 naming the parameter', async () => {
    const res = await call(h.api, 'GET', '/api/v1/rollouts?namespace=shop&namespace=blog', { token: BOB.token });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ error: { code: 'BadRequest', message: expect.stringContaining('namespace:') } });
  });
});

describe('GET /api/v1/namespaces/{ns}/rollouts/{name}', () => {
  it('shows the steps with the current one marked, weights, owned ReplicaSets, analysis with measurements, rollback and events', async () => {
    const res = await call(h.api, 'GET', '/api/v1/namespaces/shop/rollouts/web', { token: BOB.token });
    expect(res.status).toBe(200);
    const detail = res.body as Record<string, unknown>;
    expect(detail).toMatchObject({
      namespace: 'shop',
      name: 'web',
      phase: 'Paused',
      currentStepIndex: 1,
      weights: { canary: 20, stable: 80 },
      services: { stable: 'web-stable', canary: 'web-canary' },
      rollback: { git: { state: 'Committed', commit: 'abc123' } },
    });
    expect((detail.steps as Array<{ state: string }>).map((s) => s.state)).toEqual(['done', 'current', 'pending', 'pending']);
    expect((detail.replicaSets as Array<{ name: string; role: string }>).map((r) => `${r.name}:${r.role}`).sort()).toEqual(['web-canary1:canary', 'web-stable1:stable']);
    expect(detail.analysisRuns).toEqual([
      expect.objectContaining({ name: 'web-canary1-3', gate: '3', phase: 'Running', metrics: [expect.objectContaining({ name: 'error-rate', successful: 2, latest: expect.objectContaining({ value: '[0.002]' }) })] }),
    ]);
    expect(detail.events).toEqual([expect.objectContaining({ reason: 'StepCompleted', message: 'step 0 (setWeight 20%) completed' })]);
  });

  it('given no such rollout, then 404 with a JSON error body', async () => {
    const res = await call(h.api, 'GET', '/api/v1/namespaces/shop/rollouts/nope', { token: BOB.token });
    expect(res.status).toBe(404);
    expect(res.body).toEqual({ error: { code: 'NotFound', message: 'rollout shop/nope not found', requestId: expect.any(String) } });
  });
});

describe('the Events cache', () => {
  it('given Events about Pods and about another project\'s Rollout kind, then only Events about Vane\'s Rollouts are watched', async () => {
    await h.kube.create(EVENTS, eventAbout({ apiVersion: 'v1', kind: 'Pod', name: 'web-abc', namespace: 'blog' }, 'web-abc.pod'));
    await h.kube.create(EVENTS, eventAbout({ apiVersion: 'argoproj.io/v1alpha1', kind: 'Rollout', name: 'posts', namespace: 'blog' }, 'posts.argo'));
    // Watch events arrive in order: once this one is cached, the two above have been seen (or filtered out).
    await h.kube.create(EVENTS, eventAbout({ apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', name: 'posts', namespace: 'blog', uid: posts.metadata.uid ?? '' }, 'posts.vane'));
    await until(() => h.readModel.events.get('blog/posts.vane') !== undefined, 'the Event about the Vane Rollout');
    expect(h.readModel.events.list().map((e) => `${e.regarding?.kind}:${e.metadata.name}`).sort()).toEqual(['Rollout:posts.vane', 'Rollout:web.step0']);
  });
});

describe('other routes', () => {
  it('answers an unknown path with a JSON 404', async () => {
    const res = await call(h.api, 'GET', '/api/v1/nothing-here', { token: ALICE.token });
    expect(res.status).toBe(404);
    expect(res.body).toMatchObject({ error: { code: 'NotFound' } });
  });

  it('serves the OpenAPI document without authentication', async () => {
    const res = await call(h.api, 'GET', '/api/v1/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ openapi: expect.stringMatching(/^3\./), paths: expect.objectContaining({ '/api/v1/rollouts': expect.any(Object) }) });
  });

  it('echoes a caller-given request id, and makes one up otherwise', async () => {
    const given = await call(h.api, 'GET', '/healthz', { headers: { 'X-Request-Id': 'pipeline-42' } });
    expect(given.headers.get('x-request-id')).toBe('pipeline-42');
    const made = await call(h.api, 'GET', '/healthz', { headers: { 'X-Request-Id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('is live at /healthz, and ready at /readyz only while the readiness callback says so', async () => {
    expect((await call(h.api, 'GET', '/healthz')).status).toBe(200);
    expect(await call(h.api, 'GET', '/readyz')).toMatchObject({ status: 200, body: { status: 'ready' } });
    notLeader = true;
    try {
      expect(await call(h.api, 'GET', '/readyz')).toMatchObject({ status: 503, body: { status: 'not ready', reasons: ['leader not known yet'] } });
    } finally {
      notLeader = false;
    }
  });
});
