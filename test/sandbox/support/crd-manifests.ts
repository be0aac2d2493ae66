// CustomResourceDefinitions a contract test defines for itself: posted as written, and waited on until Established.
import * as k8s from '@kubernetes/client-node';
import { eventually, type TestCluster } from './test-cluster.js';

/** A CRD manifest as written (posted raw, so its `default`, `enum` and `x-kubernetes-*` keys survive). */
export interface CrdManifest {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string };
  spec: Record<string, unknown>;
}

/** Posts a CRD as written: client-node's typed serializer would drop `default`, `enum` and `x-kubernetes-*` keys. */
export function postCrd(cluster: TestCluster, crd: unknown): Promise<{ status: number; json: unknown }> {
  return cluster.raw('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd);
}

/** (Re)creates a CRD and waits until it is Established. */
export async function establishCrd(cluster: TestCluster, crd: CrdManifest): Promise<void> {
  const api = cluster.kc.makeApiClient(k8s.ApiextensionsV1Api);
  await api.deleteCustomResourceDefinition({ name: crd.metadata.name }).catch(() => undefined);
  await eventually(async () => ((await api.readCustomResourceDefinition({ name: crd.metadata.name }).catch(() => undefined)) ? undefined : true));
  const res = await postCrd(cluster, crd);
  if (res.status !== 201) throw new Error(`CRD not created: ${JSON.stringify(res.json)}`);
  await eventually(async () => {
    const read = await api.readCustomResourceDefinition({ name: crd.metadata.name });
    return read.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True') ? true : undefined;
  });
}

/** Deletes a CRD, ignoring a CRD that is already gone. */
export async function deleteCrd(cluster: TestCluster, name: string): Promise<void> {
  await cluster.kc
    .makeApiClient(k8s.ApiextensionsV1Api)
    .deleteCustomResourceDefinition({ name })
    .catch(() => undefined);
}
