// Contract: create / get / update / delete semantics of the Kubernetes API (runs against VANE_TEST_KUBECONFIG or a sandbox).
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectStatus, openTestCluster, patchAs, type TestCluster } from './support/test-cluster.js';
import { itWhere, kubernetesAtLeast, testTarget } from './support/test-target.js';

const itWithServiceIpCarryOver = itWhere(await testTarget(), kubernetesAtLeast(20, 'a Service update that leaves out spec.clusterIP keeps the allocated one'));
const MERGE = patchAs('application/merge-patch+json');

let cluster: TestCluster;
let ns: string;

function deployment(name: string, labels: Record<string, string> = { app: name }): k8s.V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas: 2,
      selector: { matchLabels: labels },
      template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } },
    },
  };
}

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { enabled: false } });
  ns = await cluster.namespace('crud');
});

afterAll(async () => {
  await cluster?.close();
});

describe('creating objects', () => {
  it('given a new ConfigMap, when created, then the server sets uid, creationTimestamp and resourceVersion', async () => {
    const created = await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'stamped' }, data: { a: '1' } } });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    const read = await cluster.core.readNamespacedConfigMap({ namespace: ns, name: 'stamped' });
    expect(read.metadata?.uid).toBe(created.metadata?.uid);
    expect(read.data).toEqual({ a: '1' });
  });

  it('given an existing name, when created again, then the answer is 409 AlreadyExists naming the resource', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'twice' } } });
    const status = await expectStatus(() => cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'twice' } } }));
    expect(status).toMatchObject({ code: 409, reason: 'AlreadyExists', message: 'configmaps "twice" already exists', details: { name: 'twice', kind: 'configmaps' } });
  });

  it('given a generateName, when created, then the name is the prefix plus five random characters', async () => {
    const created = await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { generateName: 'gen-' } } });
    expect(created.metadata?.name).toMatch(/^gen-[a-z0-9]{5}$/);
  });

  it('given a namespace that does not exist, when an object is created in it, then the answer is 404 for the namespace', async () => {
    const status = await expectStatus(() => cluster.core.createNamespacedConfigMap({ namespace: 'no-such-namespace-x1', body: { metadata: { name: 'x' } } }));
    expect(status).toMatchObject({ code: 404, reason: 'NotFound', message: 'namespaces "no-such-namespace-x1" not found' });
  });

  it('given dryRun=All, when created, then the object is returned but not stored', async () => {
    const created = await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'dry' } }, dryRun: 'All' });
    expect(created.metadata?.name).toBe('dry');
    const status = await expectStatus(() => cluster.core.readNamespacedConfigMap({ namespace: ns, name: 'dry' }));
    expect(status.code).toBe(404);
  });

  it('given an invalid name, when created, then the answer is 422 Invalid with a cause on metadata.name', async () => {
    const status = await expectStatus(() => cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'Not_Valid' } } }));
    expect(status.code).toBe(422);
    expect(status.reason).toBe('Invalid');
    expect(status.details?.causes?.map((c) => c.field)).toContain('metadata.name');
  });

  it('given a Deployment whose selector does not match its template, when created, then 422 names spec.template.metadata.labels', async () => {
    const body = deployment('mismatch');
    body.spec!.template.metadata!.labels = { app: 'other' };
    const status = await expectStatus(() => cluster.apps.createNamespacedDeployment({ namespace: ns, body }));
    expect(status).toMatchObject({ code: 422, reason: 'Invalid', details: { name: 'mismatch', kind: 'Deployment', group: 'apps' } });
    expect(status.details?.causes?.map((c) => c.field)).toContain('spec.template.metadata.labels');
    expect(status.message).toContain('Deployment.apps "mismatch" is invalid');
  });
});

describe('reading objects', () => {
  it('given no such object, when read, then the answer is 404 NotFound with the resource and name', async () => {
    const status = await expectStatus(() => cluster.apps.readNamespacedDeployment({ namespace: ns, name: 'absent' }));
    expect(status).toMatchObject({ code: 404, reason: 'NotFound', message: 'deployments.apps "absent" not found', details: { name: 'absent', group: 'apps', kind: 'deployments' } });
  });
});

describe('updating objects', () => {
  it('given a stale resourceVersion, when updated, then the answer is 409 Conflict and nothing changes', async () => {
    const created = await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'occ' }, data: { v: '1' } } });
    await cluster.core.replaceNamespacedConfigMap({ namespace: ns, name: 'occ', body: { ...created, data: { v: '2' } } });
    const status = await expectStatus(() => cluster.core.replaceNamespacedConfigMap({ namespace: ns, name: 'occ', body: { ...created, data: { v: '3' } } }));
    expect(status).toMatchObject({ code: 409, reason: 'Conflict', details: { name: 'occ', kind: 'configmaps' } });
    expect(status.message).toContain('the object has been modified');
    const read = await cluster.core.readNamespacedConfigMap({ namespace: ns, name: 'occ' });
    expect(read.data).toEqual({ v: '2' });
  });

  it('given no resourceVersion, when updated, then the update is unconditional', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'blind' }, data: { v: '1' } } });
    const updated = await cluster.core.replaceNamespacedConfigMap({ namespace: ns, name: 'blind', body: { metadata: { name: 'blind' }, data: { v: '2' } } });
    expect(updated.data).toEqual({ v: '2' });
  });

  it('given an update that changes nothing, when written, then the resourceVersion stays the same', async () => {
    const created = await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'noop' }, data: { v: '1' } } });
    const updated = await cluster.core.replaceNamespacedConfigMap({ namespace: ns, name: 'noop', body: created });
    expect(updated.metadata?.resourceVersion).toBe(created.metadata?.resourceVersion);
  });

  it('given a body naming another object, when updated, then the answer is 400 BadRequest', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'named' } } });
    const status = await expectStatus(() => cluster.core.replaceNamespacedConfigMap({ namespace: ns, name: 'named', body: { metadata: { name: 'other' } } }));
    expect(status).toMatchObject({ code: 400, reason: 'BadRequest' });
  });

  it('given every write, when compared, then resourceVersions increase', async () => {
    const a = await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'rv' }, data: { v: '1' } } });
    const b = await cluster.core.replaceNamespacedConfigMap({ namespace: ns, name: 'rv', body: { ...a, data: { v: '2' } } });
    const c = await cluster.core.replaceNamespacedConfigMap({ namespace: ns, name: 'rv', body: { ...b, data: { v: '3' } } });
    expect(Number(b.metadata?.resourceVersion)).toBeGreaterThan(Number(a.metadata?.resourceVersion));
    expect(Number(c.metadata?.resourceVersion)).toBeGreaterThan(Number(b.metadata?.resourceVersion));
  });
});

describe('generation and the status subresource', () => {
  it('given a new Deployment, then generation is 1, and only spec changes bump it', async () => {
    const created = await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment('gen') });
    expect(created.metadata?.generation).toBe(1);
    const relabelled = await cluster.apps.replaceNamespacedDeployment({ namespace: ns, name: 'gen', body: { ...created, metadata: { ...created.metadata, labels: { extra: 'yes' } } } });
    expect(relabelled.metadata?.generation).toBe(1);
    const scaled = await cluster.apps.replaceNamespacedDeployment({ namespace: ns, name: 'gen', body: { ...relabelled, spec: { ...relabelled.spec!, replicas: 5 } } });
    expect(scaled.metadata?.generation).toBe(2);
  });

  it('given a status written through the main resource, then it is ignored', async () => {
    const created = await cluster.apps.createNamespacedDeployment({ namespace: ns, body: { ...deployment('status-main'), status: { replicas: 9 } } });
    expect(created.status?.replicas).toBeUndefined();
    const updated = await cluster.apps.replaceNamespacedDeployment({ namespace: ns, name: 'status-main', body: { ...created, status: { observedGeneration: 7 } } });
    expect(updated.status?.observedGeneration).toBeUndefined();
  });

  it('given a write to /status, then status changes, spec does not, and generation stays', async () => {
    const created = await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment('status-sub') });
    const body = { ...created, spec: { ...created.spec!, replicas: 7 }, status: { observedGeneration: 1, replicas: 2 } };
    const updated = await cluster.apps.replaceNamespacedDeploymentStatus({ namespace: ns, name: 'status-sub', body });
    expect(updated.status).toMatchObject({ observedGeneration: 1, replicas: 2 });
    expect(updated.spec?.replicas).toBe(2);
    expect(updated.metadata?.generation).toBe(1);
  });

  it('given a stale resourceVersion on a status write, then the answer is 409 Conflict', async () => {
    const created = await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment('status-occ') });
    await cluster.apps.replaceNamespacedDeploymentStatus({ namespace: ns, name: 'status-occ', body: { ...created, status: { replicas: 1 } } });
    const status = await expectStatus(() => cluster.apps.replaceNamespacedDeploymentStatus({ namespace: ns, name: 'status-occ', body: { ...created, status: { replicas: 2 } } }));
    expect(status).toMatchObject({ code: 409, reason: 'Conflict' });
  });

  it('given the scale subresource, when replicas are set through it, then spec.replicas and generation follow', async () => {
    await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment('scaled') });
    const scale = await cluster.apps.readNamespacedDeploymentScale({ namespace: ns, name: 'scaled' });
    expect(scale.spec?.replicas).toBe(2);
    expect(scale.status?.selector).toBe('app=scaled');
    await cluster.apps.replaceNamespacedDeploymentScale({ namespace: ns, name: 'scaled', body: { ...scale, spec: { replicas: 4 } } });
    const read = await cluster.apps.readNamespacedDeployment({ namespace: ns, name: 'scaled' });
    expect(read.spec?.replicas).toBe(4);
    expect(read.metadata?.generation).toBe(2);
  });
});

describe('deleting objects', () => {
  it('given an object, when deleted, then it is gone', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'doomed' } } });
    await cluster.core.deleteNamespacedConfigMap({ namespace: ns, name: 'doomed' });
    const status = await expectStatus(() => cluster.core.readNamespacedConfigMap({ namespace: ns, name: 'doomed' }));
    expect(status.code).toBe(404);
  });

  it('given a uid precondition that does not match, when deleted, then the answer is 409 and the object stays', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'guarded' } } });
    const status = await expectStatus(() =>
      cluster.core.deleteNamespacedConfigMap({ namespace: ns, name: 'guarded', body: { preconditions: { uid: '00000000-0000-0000-0000-000000000000' } } }),
    );
    expect(status).toMatchObject({ code: 409, reason: 'Conflict' });
    await expect(cluster.core.readNamespacedConfigMap({ namespace: ns, name: 'guarded' })).resolves.toBeDefined();
  });

  it('given dryRun=All, when deleted, then the object stays', async () => {
    await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'kept' } } });
    await cluster.core.deleteNamespacedConfigMap({ namespace: ns, name: 'kept', dryRun: 'All' });
    await expect(cluster.core.readNamespacedConfigMap({ namespace: ns, name: 'kept' })).resolves.toBeDefined();
  });

  it('given a label selector, when a collection is deleted, then only matching objects go', async () => {
    for (const [name, tier] of [['c1', 'a'], ['c2', 'a'], ['c3', 'b']]) {
      await cluster.core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: `coll-${name}`, labels: { tier: tier!, batch: 'coll' } } } });
    }
    await cluster.core.deleteCollectionNamespacedConfigMap({ namespace: ns, labelSelector: 'batch=coll,tier=a' });
    const left = await cluster.core.listNamespacedConfigMap({ namespace: ns, labelSelector: 'batch=coll' });
    expect(left.items.map((i) => i.metadata?.name)).toEqual(['coll-c3']);
  });
});

describe('built-in defaults', () => {
  it('given a Deployment without strategy or revisionHistoryLimit, when created, then the apps/v1 defaults are filled in', async () => {
    const created = await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment('defaulted') });
    expect(created.spec?.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } });
    expect(created.spec?.revisionHistoryLimit).toBe(10);
    expect(created.spec?.progressDeadlineSeconds).toBe(600);
    const container = created.spec?.template.spec?.containers[0];
    expect(container?.imagePullPolicy).toBe('IfNotPresent');
    expect(created.spec?.template.spec?.restartPolicy).toBe('Always');
  });

  it('given a Secret with stringData, when created, then it is stored base64-encoded in data', async () => {
    const created = await cluster.core.createNamespacedSecret({ namespace: ns, body: { metadata: { name: 'sd' }, stringData: { password: 'hunter2' } } });
    expect(created.type).toBe('Opaque');
    expect(created.data).toEqual({ password: Buffer.from('hunter2').toString('base64') });
    expect(created.stringData).toBeUndefined();
  });

  itWithServiceIpCarryOver('given a Service without clusterIP, when created, then one is allocated and kept across updates that omit it', async () => {
    const created = await cluster.core.createNamespacedService({ namespace: ns, body: { metadata: { name: 'svc' }, spec: { selector: { app: 'x' }, ports: [{ port: 80 }] } } });
    const ip = created.spec?.clusterIP;
    expect(ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(created.spec?.ports?.[0]).toMatchObject({ protocol: 'TCP', targetPort: 80 });
    const updated = await cluster.core.replaceNamespacedService({
      namespace: ns,
      name: 'svc',
      body: { metadata: { name: 'svc', resourceVersion: created.metadata?.resourceVersion }, spec: { selector: { app: 'y' }, ports: [{ port: 80 }] } },
    });
    expect(updated.spec?.clusterIP).toBe(ip);
    expect(updated.spec?.selector).toEqual({ app: 'y' });
  });
});

describe('status of built-in kinds, validated across fields', () => {
  function replicaSet(name: string): k8s.V1ReplicaSet {
    const labels = { app: name };
    return { metadata: { name }, spec: { replicas: 3, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] } } } };
  }

  const patchReplicaSetStatus = (name: string, status: Partial<k8s.V1ReplicaSetStatus>): Promise<k8s.V1ReplicaSet> =>
    cluster.apps.patchNamespacedReplicaSetStatus({ namespace: ns, name, body: { status } }, MERGE);

  it('given a ReplicaSet status with more ready than existing replicas, then it is refused with 422 on status.readyReplicas', async () => {
    await cluster.apps.createNamespacedReplicaSet({ namespace: ns, body: replicaSet('rs-ready') });
    const status = await expectStatus(() => patchReplicaSetStatus('rs-ready', { replicas: 1, readyReplicas: 2 }));
    expect(status).toMatchObject({
      code: 422,
      reason: 'Invalid',
      message: 'ReplicaSet.apps "rs-ready" is invalid: status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
      details: { name: 'rs-ready', group: 'apps', kind: 'ReplicaSet' },
    });
  });

  it('given several counters out of line, then each is a cause, in the order the apiserver checks them', async () => {
    await cluster.apps.createNamespacedReplicaSet({ namespace: ns, body: replicaSet('rs-many') });
    const status = await expectStatus(() => patchReplicaSetStatus('rs-many', { replicas: 3, fullyLabeledReplicas: 4, readyReplicas: 2, availableReplicas: 3 }));
    expect(status.details?.causes).toEqual([
      { reason: 'FieldValueInvalid', message: 'Invalid value: 4: cannot be greater than status.replicas', field: 'status.fullyLabeledReplicas' },
      { reason: 'FieldValueInvalid', message: 'Invalid value: 3: cannot be greater than readyReplicas', field: 'status.availableReplicas' },
    ]);
  });

  it('given negative counters, then each must be greater than or equal to 0', async () => {
    await cluster.apps.createNamespacedReplicaSet({ namespace: ns, body: replicaSet('rs-negative') });
    const status = await expectStatus(() => patchReplicaSetStatus('rs-negative', { fullyLabeledReplicas: -1, observedGeneration: -1 }));
    expect(status.details?.causes?.map((c) => `${c.field}: ${c.message}`)).toEqual([
      'status.fullyLabeledReplicas: Invalid value: -1: must be greater than or equal to 0',
      'status.observedGeneration: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('given consistent counters, then the status is written', async () => {
    await cluster.apps.createNamespacedReplicaSet({ namespace: ns, body: replicaSet('rs-good') });
    const written = await patchReplicaSetStatus('rs-good', { replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 1 });
    expect(written.status).toMatchObject({ replicas: 2, fullyLabeledReplicas: 2, readyReplicas: 2, availableReplicas: 1, observedGeneration: 1 });
  });

  it('given a Deployment status with more available than ready replicas, then it is refused with 422', async () => {
    await cluster.apps.createNamespacedDeployment({ namespace: ns, body: deployment('deploy-available') });
    const status = await expectStatus(() =>
      cluster.apps.patchNamespacedDeploymentStatus({ namespace: ns, name: 'deploy-available', body: { status: { replicas: 1, readyReplicas: 0, availableReplicas: 1 } } }, MERGE),
    );
    expect(status).toMatchObject({
      code: 422,
      message: 'Deployment.apps "deploy-available" is invalid: status.availableReplicas: Invalid value: 1: cannot be greater than readyReplicas',
    });
  });
});
