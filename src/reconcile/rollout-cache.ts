// The cached view of the cluster a reconcile pass reads: informer-backed getters, no I/O.
import type { KubeObject } from '../kube/kube-object.js';
import type { AnalysisRun, AnalysisTemplate } from '../resources/analysis.js';
import type { LabelSelector, PodTemplateSpec } from '../resources/meta.js';
import type { Rollout } from '../resources/rollout.js';
import type { ServiceObject } from '../traffic/service-selector.js';
import type { ReplicaSetObject } from '../resources/replica-set.js';

export interface DeploymentObject extends KubeObject {
  spec?: { template?: PodTemplateSpec; replicas?: number; selector?: LabelSelector };
}

export interface RolloutCache {
  rollout(namespace: string, name: string): Rollout | undefined;
  replicaSetsOf(rollout: Rollout): ReplicaSetObject[];
  service(namespace: string, name: string): ServiceObject | undefined;
  analysisRunsOf(rollout: Rollout): AnalysisRun[];
  deployment(namespace: string, name: string): DeploymentObject | undefined;
  analysisTemplate(namespace: string, name: string): AnalysisTemplate | undefined;
  clusterAnalysisTemplate(name: string): AnalysisTemplate | undefined;
}
