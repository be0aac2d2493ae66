// The cached view of the cluster a reconcile pass reads: informer-backed getters, no I/O.
import type { KubeObject } from '../kube/kube-object.js';
import type { AnalysisRun, AnalysisTemplate } from '../resources/analysis.js';
import type { Experiment } from '../resources/experiment.js';
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
  /** The Experiments a Rollout's experiment steps created (absent: a cache that holds none). */
  experimentsOf?(rollout: Rollout): Experiment[];
}

/** What an Experiment's pass reads: the Experiment, what it owns, and analysis templates. */
export interface ExperimentCache {
  experiment(namespace: string, name: string): Experiment | undefined;
  replicaSetsOfExperiment(experiment: Experiment): ReplicaSetObject[];
  analysisRunsOfExperiment(experiment: Experiment): AnalysisRun[];
  /** A Service by name: the ones an Experiment's templates ask for. */
  service(namespace: string, name: string): ServiceObject | undefined;
  analysisTemplate(namespace: string, name: string): AnalysisTemplate | undefined;
  clusterAnalysisTemplate(name: string): AnalysisTemplate | undefined;
}
