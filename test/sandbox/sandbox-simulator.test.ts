// Sandbox only: the workload simulator (ReplicaSet controller + kubelet) and its readiness knob.
import type * as k8s from '@kubernetes/client-node';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { eventually, openTestCluster, patchAs, type TestCluster } from './support/test-cluster.js';
import { describeWhere, sandboxOnly, testTarget } from './support/test-target.js';

const describeOnSandbox = describeWhere(await testTarget(), sandboxOnly('the workload simulator stands in for the ReplicaSet controller and kubelet'));

const HASH_LABEL = 'rollouts-pod-template-hash';

let cluster: TestCluster;
let ns: string;

function replicaSet(name: string, hash: string, replicas: number): k8s.V1ReplicaSet {
  const labels = { app: 'web', [HASH_LABEL]: hash };
  return {
    metadata: { name, labels },
    spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels, annotations: { note: 'copied' } }, spec: { containers: [{ name: 'web', image: `web:${hash}` }] } } },
  };
}

async function pods(hash: string): Promise<k8s.V1Pod[]> {
  return (await cluster.core.listNamespacedPod({ namespace: ns, labelSelector: `${HASH_LABEL}=${hash}` })).items;
}

function ready(pod: k8s.V1Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

async function rsStatus(name: string, check: (s: k8s.V1ReplicaSetStatus) => boolean): Promise<k8s.V1ReplicaSetStatus> {
  return eventually(async () => {
    const status = (await cluster.apps.readNamespacedReplicaSet({ namespace: ns, name })).status;
    return status && check(status) ? status : undefined;
  });
}

beforeAll(async () => {
  cluster = await openTestCluster({ simulator: { readyDelayMs: 20 } });
  if (!cluster.sandbox) throw new Error('sandbox-only test: unset VANE_TEST_KUBECONFIG');
  ns = await cluster.namespace('sim');
});

afterAll(async () => {
  await cluster?.close();
});

describeOnSandbox('the ReplicaSet controller', () => {
  it('given a ReplicaSet of 3, then 3 owned Pods with the template labels become Ready and status reports them', async () => {
    const rs = await cluster.apps.createNamespacedReplicaSet({ namespace: ns, body: replicaSet('web-aaa', 'aaa', 3) });
    const status = await rsStatus('web-aaa', (s) => s.readyReplicas === 3);
    expect(status).toMatchObject({ replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    const owned = await pods('aaa');
    expect(owned).toHaveLength(3);
    for (const pod of owned) {
      expect(pod.metadata?.name).toMatch(/^web-aaa-[a-z0-9]{5}$/);
      expect(pod.metadata?.ownerReferences).toEqual([expect.objectContaining({ kind: 'ReplicaSet', name: 'web-aaa', uid: rs.metadata?.uid, controller: true })]);
      expect(pod.metadata?.annotations).toEqual({ note: 'copied' });
      expect(pod.status?.phase).toBe('Running');
      expect(pod.status?.podIP).toMatch(/^10\.244\./);
      expect(ready(pod)).toBe(true);
    }
  });

  it('given a scale-down, then Pods are deleted to match and status follows', async () => {
    await cluster.apps.patchNamespacedReplicaSetScale({ namespace: ns, name: 'web-aaa', body: { spec: { replicas: 1 } } }, patchAs('application/merge-patch+json'));
    const status = await rsStatus('web-aaa', (s) => s.replicas === 1);
    expect(status.observedGeneration).toBe(2);
    expect(await pods('aaa')).toHaveLength(1);
  });

  it('given a Pod deleted by someone else, then the controller replaces it', async () => {
    const [pod] = await pods('aaa');
    await cluster.core.deleteNamespacedPod({ namespace: ns, name: pod!.metadata!.name! });
    const replaced = await eventually(async () => {
      const now = await pods('aaa');
      return now.length === 1 && now[0]?.metadata?.name !== pod!.metadata!.name && ready(now[0]!) ? now : undefined;
    });
    expect(replaced).toHaveLength(1);
  });

  it('given a deleted ReplicaSet, then its Pods are garbage collected', async () => {
    await cluster.apps.deleteNamespacedReplicaSet({ namespace: ns, name: 'web-aaa' });
    await eventually(async () => ((await pods('aaa')).length === 0 ? true : undefined));
  });

  it('given a Deployment, then the simulator leaves it unreconciled (no ReplicaSets appear)', async () => {
    await cluster.apps.createNamespacedDeployment({
      namespace: ns,
      body: { metadata: { name: 'plain' }, spec: { replicas: 1, selector: { matchLabels: { app: 'plain' } }, template: { metadata: { labels: { app: 'plain' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } } },
    });
    await cluster.apps.createNamespacedReplicaSet({ namespace: ns, body: replicaSet('marker', 'mmm', 1) });
    await rsStatus('marker', (s) => s.readyReplicas === 1);
    const sets = await cluster.apps.listNamespacedReplicaSet({ namespace: ns });
    expect(sets.items.map((r) => r.metadata?.name)).toEqual(['marker']);
  });
});

describeOnSandbox('failing readiness', () => {
  it('given failReadiness for a hash, then its Pods run but never become Ready until restored', async () => {
    cluster.sandbox!.simulator.failReadiness('bad');
    await cluster.apps.createNamespacedReplicaSet({ namespace: ns, body: replicaSet('web-bad', 'bad', 2) });
    const status = await rsStatus('web-bad', (s) => s.replicas === 2);
    const running = await eventually(async () => {
      const list = await pods('bad');
      return list.length === 2 && list.every((p) => p.status?.phase === 'Running') ? list : undefined;
    });
    expect(running.some(ready)).toBe(false);
    expect(status.readyReplicas ?? 0).toBe(0);

    cluster.sandbox!.simulator.restoreReadiness('bad');
    await rsStatus('web-bad', (s) => s.readyReplicas === 2);
  });

  it('given failReadiness for a hash whose Pods are Ready, then they turn unready', async () => {
    await cluster.apps.createNamespacedReplicaSet({ namespace: ns, body: replicaSet('web-flip', 'flip', 1) });
    await rsStatus('web-flip', (s) => s.readyReplicas === 1);
    cluster.sandbox!.simulator.failReadiness('flip');
    await rsStatus('web-flip', (s) => (s.readyReplicas ?? 0) === 0);
    cluster.sandbox!.simulator.restoreReadiness('flip');
  });
});
