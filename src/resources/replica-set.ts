// The apps/v1 ReplicaSet as Vane reads it (the fields it uses), and the revision its pod-template-hash label names:
// shared by the controller, which owns ReplicaSets, and the API and CLI, which show them.
import type { LabelSelector, ObjectMeta, PodTemplateSpec } from './meta.js';
import { POD_TEMPLATE_HASH_LABEL } from './pod-template-hash.js';

export interface ReplicaSetObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  spec?: { replicas?: number; selector?: LabelSelector; template?: PodTemplateSpec; minReadySeconds?: number };
  status?: { replicas?: number; readyReplicas?: number; availableReplicas?: number; observedGeneration?: number };
  [field: string]: unknown;
}

/** The pod-template hash of the revision the ReplicaSet runs, from its label. */
export function hashOf(rs: ReplicaSetObject): string | undefined {
  return rs.metadata.labels?.[POD_TEMPLATE_HASH_LABEL];
}
