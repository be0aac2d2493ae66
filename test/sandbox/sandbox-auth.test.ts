// Sandbox only: users and contexts in the kubeconfig, the request authorizer, and configurable Token/SubjectAccessReviews.
import * as k8s from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { rawConnection, rawRequest } from './support/raw-http.js';
import { expectStatus, openTestCluster, type TestCluster } from './support/test-cluster.js';
import { describeWhere, sandboxOnly, testTarget } from './support/test-target.js';

const describeOnSandbox = describeWhere(await testTarget(), sandboxOnly('users, the request authorizer and review answers are configured on the sandbox'));

let cluster: TestCluster;
let sandbox: Sandbox;

function clientAs(context: string): k8s.CoreV1Api {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(sandbox.kubeconfigPath);
  kc.setCurrentContext(context);
  return kc.makeApiClient(k8s.CoreV1Api);
}

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false }, users: [{ name: 'viewer', token: 'viewer-token', groups: ['viewers'] }] });
  if (!cluster.sandbox) throw new Error('sandbox-only test: unset VANE_TEST_KUBECONFIG');
  sandbox = cluster.sandbox;
});

afterEach(() => {
  sandbox.auth.reset();
});

afterAll(async () => {
  await cluster?.close();
});

describeOnSandbox('users and authorization', () => {
  it('given extra users, then the kubeconfig has a context for each that authenticates', async () => {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(sandbox.kubeconfigPath);
    expect(kc.getContexts().map((c) => c.name)).toEqual(['vane-sandbox', 'vane-sandbox-sandbox-harness', 'vane-sandbox-viewer']);
    await expect(clientAs('vane-sandbox-viewer').listNamespace({})).resolves.toBeDefined();
  });

  it('given an authorizer that denies writes to the viewer, then the viewer gets 403 Forbidden in apiserver wording', async () => {
    sandbox.auth.setAuthorizer((a) => a.user.username !== 'viewer' || a.verb === 'get' || a.verb === 'list');
    const viewer = clientAs('vane-sandbox-viewer');
    await expect(viewer.listNamespacedConfigMap({ namespace: 'default' })).resolves.toBeDefined();
    const status = await expectStatus(() => viewer.createNamespacedConfigMap({ namespace: 'default', body: { metadata: { name: 'nope' } } }));
    expect(status).toMatchObject({ code: 403, reason: 'Forbidden' });
    expect(status.message).toBe('configmaps is forbidden: User "viewer" cannot create resource "configmaps" in API group "" in the namespace "default"');
  });
});

describeOnSandbox('anonymous requests', () => {
  const anonymous = { Authorization: '' };

  it('given a custom authorizer, then it decides for system:anonymous too', async () => {
    sandbox.auth.setAuthorizer((a) => a.user.username === 'system:anonymous' && a.verb === 'list' && a.resource === 'namespaces');
    expect((await cluster.raw('GET', '/api/v1/namespaces', undefined, anonymous)).status).toBe(200);
    expect((await cluster.raw('GET', '/api/v1/namespaces/default/configmaps', undefined, anonymous)).status).toBe(403);
  });

  it('given anonymousAuth false, then a request without a token is 401 Unauthorized, as with --anonymous-auth=false', async () => {
    const closed = await startSandbox({ anonymousAuth: false, simulator: { enabled: false } });
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(closed.kubeconfigPath);
    const connection = rawConnection(kc);
    try {
      const res = await rawRequest(connection, 'GET', '/api/v1/namespaces', undefined, anonymous);
      expect(res.json).toMatchObject({ code: 401, reason: 'Unauthorized', message: 'Unauthorized' });
    } finally {
      connection.agent.destroy();
      await closed.stop();
    }
  });
});

describeOnSandbox('reviews', () => {
  it('given a TokenReview of a sandbox token, then by default it is authenticated as that user', async () => {
    const api = cluster.kc.makeApiClient(k8s.AuthenticationV1Api);
    const review = await api.createTokenReview({ body: { spec: { token: 'viewer-token' } } });
    expect(review.status).toMatchObject({ authenticated: true, user: { username: 'viewer', groups: ['viewers', 'system:authenticated'] } });
    const unknown = await api.createTokenReview({ body: { spec: { token: 'who-knows' } } });
    expect(unknown.status?.authenticated).toBe(false);
  });

  it('given a configured token reviewer, then TokenReviews answer with it', async () => {
    sandbox.auth.setTokenReview((token) => (token === 'oidc-jwt' ? { authenticated: true, user: { username: 'alice@example.com', groups: ['devs'] } } : { authenticated: false }));
    const api = cluster.kc.makeApiClient(k8s.AuthenticationV1Api);
    const review = await api.createTokenReview({ body: { spec: { token: 'oidc-jwt' } } });
    expect(review.status).toMatchObject({ authenticated: true, user: { username: 'alice@example.com', groups: ['devs'] } });
  });

  it('given a configured access reviewer, then SubjectAccessReviews answer with it', async () => {
    sandbox.auth.setAccessReview((spec) => ({ allowed: spec.user === 'alice' && spec.resourceAttributes?.verb === 'patch', reason: 'test policy' }));
    const api = cluster.kc.makeApiClient(k8s.AuthorizationV1Api);
    const ask = (user: string, verb: string): Promise<k8s.V1SubjectAccessReview> =>
      api.createSubjectAccessReview({ body: { spec: { user, resourceAttributes: { group: 'vane.dev', resource: 'rollouts', verb, namespace: 'shop' } } } });
    expect((await ask('alice', 'patch')).status).toMatchObject({ allowed: true, reason: 'test policy' });
    expect((await ask('bob', 'patch')).status?.allowed).toBe(false);
  });

  it('given a SubjectAccessReview without attributes, then it is refused with 422', async () => {
    const status = await expectStatus(() => cluster.kc.makeApiClient(k8s.AuthorizationV1Api).createSubjectAccessReview({ body: { spec: { user: 'alice' } } }));
    expect(status.code).toBe(422);
  });

  it('given kubectl auth can-i, then the request authorizer decides', async () => {
    sandbox.auth.setAuthorizer((a) => a.verb !== 'delete');
    expect((await cluster.kubectl(['auth', 'can-i', 'list', 'pods'])).stdout.trim()).toBe('yes');
    expect((await cluster.kubectl(['auth', 'can-i', 'delete', 'pods'])).stdout.trim()).toBe('no');
  });
});
