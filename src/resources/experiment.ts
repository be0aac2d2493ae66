// The Experiment resource: ReplicaSets run side by side for a while, judged by AnalysisRuns (Argo docs features/experiment.md).
import type { Condition, IntOrString, LabelSelector, ObjectMeta, PodTemplateSpec, SecretKeySelector } from './meta.js';

export interface Experiment {
  apiVersion: 'vane.dev/v1alpha1';
  kind: 'Experiment';
  metadata: ObjectMeta;
  spec: ExperimentSpec;
  status?: ExperimentStatus;
}

export interface ExperimentSpec {
  templates: ExperimentTemplate[];
  /** Counted from the moment every template is available. Absent: runs until required analyses finish (or terminate). */
  duration?: IntOrString;
  analyses?: ExperimentAnalysis[];
  /** Seconds a template may take to become available; defaults to 600. */
  progressDeadlineSeconds?: number;
  /** Seconds the ReplicaSets stay up once the experiment has ended; defaults to 30. */
  scaleDownDelaySeconds?: number;
  /** Metrics measured but never deciding a run's verdict. */
  dryRun?: Array<{ metricName: string }>;
  measurementRetention?: Array<{ metricName: string; limit: number }>;
  /** Labels and annotations put on every AnalysisRun the experiment creates (Vane's own labels win on a clash). */
  analysisRunMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  /** Set to end the experiment now (Successful unless something already failed). */
  terminate?: boolean;
}

export interface ExperimentTemplate {
  /** A DNS label: it becomes part of the ReplicaSet's name. */
  name: string;
  /** Defaults to 1. */
  replicas?: number;
  selector: LabelSelector;
  template: PodTemplateSpec;
  /** The ReplicaSet's minReadySeconds: a pod counts as available once ready this long. */
  minReadySeconds?: number;
  /** A Service selecting this template's pods, created while they run (name: the ReplicaSet's, unless given). */
  service?: TemplateService;
}

export interface TemplateService {
  name?: string;
}

export interface ExperimentAnalysis {
  name: string;
  templateName: string;
  clusterScope?: boolean;
  /** Values may name a template's hash: `{{templates.<name>.podTemplateHash}}`. */
  args?: ExperimentArgument[];
  /** The experiment does not end before this analysis has finished. */
  requiredForCompletion?: boolean;
}

/** A value, or a Secret's key read when measured. */
export interface ExperimentArgument {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: SecretKeySelector };
}

export type ExperimentPhase = 'Pending' | 'Running' | 'Successful' | 'Failed' | 'Error' | 'Inconclusive';

export type TemplateStatusCode = 'Progressing' | 'Running' | 'Successful' | 'Failed' | 'Error';

export interface TemplateStatus {
  name: string;
  podTemplateHash?: string;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  status: TemplateStatusCode;
  message?: string;
  /** The template's Service, while it exists. */
  serviceName?: string;
  lastTransitionTime?: string;
}

export interface ExperimentAnalysisRunStatus {
  name: string;
  analysisRun?: string;
  phase: ExperimentPhase;
  message?: string;
}

export interface ExperimentStatus {
  phase?: ExperimentPhase;
  message?: string;
  /** When every template first became available: the duration counts from here. */
  availableAt?: string;
  templateStatuses?: TemplateStatus[];
  analysisRuns?: ExperimentAnalysisRunStatus[];
  conditions?: Condition[];
  /** The experiment machine's persisted snapshot (see experiment-machine.ts). */
  machine?: Record<string, unknown>;
}

/**
 * On the AnalysisRuns of an Experiment that a Rollout's experiment step runs: the Rollout's uid (with the step's
 * GATE_LABEL), so that whoever shows the Rollout (the API, `vane get`, the dashboard) finds the step's judgement with
 * the Rollout's own runs, although the Experiment owns them.
 */
export const STEP_ROLLOUT_UID_LABEL = 'vane.dev/rollout-uid';
