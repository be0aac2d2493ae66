// AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun: metrics, their providers and verdicts.
import type { ObjectMeta, PodTemplateSpec, SecretKeySelector } from './meta.js';

export interface AnalysisTemplate {
  apiVersion: 'vane.dev/v1alpha1';
  kind: 'AnalysisTemplate' | 'ClusterAnalysisTemplate';
  metadata: ObjectMeta;
  spec: AnalysisTemplateSpec;
}

export interface AnalysisTemplateSpec {
  args?: TemplateArgument[];
  metrics: Metric[];
  /** Metrics whose name a rule's pattern matches run in dry-run mode (Argo docs features/analysis.md). */
  dryRun?: DryRunRule[];
  measurementRetention?: MeasurementRetentionRule[];
}

/** `metricName` is an RE2 pattern matched anywhere in a metric's name (`.*`: every metric). */
export interface DryRunRule {
  metricName: string;
}

/** Status keeps the newest `limit` measurements of the metrics `metricName` matches; 0 keeps the default of 10. */
export interface MeasurementRetentionRule {
  metricName: string;
  limit: number;
}

export interface TemplateArgument {
  name: string;
  value?: string;
  valueFrom?: {
    secretKeyRef?: SecretKeySelector;
    fieldRef?: { fieldPath: string };
  };
}

/** A duration: seconds as a number, or a string like "30s", "5m", "1h". */
export type Duration = number | string;

export interface Metric {
  name: string;
  /** Time between measurements; defaults to one measurement when `count` is absent. */
  interval?: Duration;
  initialDelay?: Duration;
  /** An integer, or a string holding one or an `{{args.x}}` placeholder (Argo's int-or-string); the same for the limits. */
  count?: number | string;
  /** CEL over `result`, e.g. `result[0] < 0.01`. */
  successCondition?: string;
  failureCondition?: string;
  /** Failed measurements tolerated before the metric fails; defaults to 0; -1 disables it (with consecutiveSuccessLimit). */
  failureLimit?: number | string;
  /** Argo ≥ 1.8: the metric succeeds after this many consecutive Successful measurements; 0 (the default) disables it. */
  consecutiveSuccessLimit?: number | string;
  /** Inconclusive measurements tolerated; defaults to 0. */
  inconclusiveLimit?: number | string;
  /** Consecutive errors tolerated before the metric errs; defaults to 4. */
  consecutiveErrorLimit?: number | string;
  /** A dry-run metric is measured and reported but never changes the run's verdict. */
  dryRun?: boolean;
  provider: MetricProvider;
}

export interface MetricProvider {
  prometheus?: PrometheusMetric;
  web?: WebMetric;
  job?: JobMetric;
  judge?: JudgeMetric;
}

export interface HeaderSource {
  key: string;
  value?: string;
  valueFrom?: { secretKeyRef: SecretKeySelector };
}

export interface PrometheusMetric {
  address: string;
  query: string;
  /** Per-query timeout; defaults to 30s. */
  timeout?: Duration;
  /** Range query: evaluate over the last `range` with `step`. Absent: instant query. */
  range?: { lookback: Duration; step: Duration };
  headers?: HeaderSource[];
  authentication?: { bearerTokenSecretRef?: SecretKeySelector };
}

/**
 * The baseline-vs-canary judge (docs/judge.md): each metric is queried for both sides over the same window, compared
 * with a Mann-Whitney U test and an effect size, and the metrics' classifications are scored 0..100.
 */
export interface JudgeMetric {
  /** Where both sides are queried (the only source for now); `query` and `range` are taken from the judge's metrics. */
  prometheus: JudgePrometheusSource;
  /** The window both sides are queried over, ending now; defaults to 10m. */
  lookback?: Duration;
  /** The range query's step; defaults to 15s. */
  step?: Duration;
  /** Score 0..100: below `marginal` Failed, at or above `pass` Successful, else Inconclusive; defaults 75 and 95. */
  thresholds?: { marginal?: number; pass?: number };
  /** The test's level, in (0, 1); alpha = 1 - confidence; defaults to 0.95. */
  confidence?: number;
  /** Weights by group name (> 0); a metric without a group is in "default", weight 1 unless given here. */
  groups?: Record<string, number>;
  metrics: JudgeMetricQuery[];
}

export interface JudgePrometheusSource {
  address: string;
  /** Per-query timeout; defaults to 30s. */
  timeout?: Duration;
  headers?: HeaderSource[];
  authentication?: { bearerTokenSecretRef?: SecretKeySelector };
}

/** Which change of a metric is bad. */
export type JudgeDirection = 'increase' | 'decrease' | 'either';
export type JudgeEffectSize = 'ratio' | 'hodgesLehmann';

export interface JudgeMetricQuery {
  name: string;
  /** Defaults to "default". */
  group?: string;
  /** PromQL for the baseline and the canary; `{{args.x}}` placeholders are substituted. */
  baseline: string;
  canary: string;
  /** Defaults to either. */
  direction?: JudgeDirection;
  /** Allowed relative change of the effect size each way; defaults 0.10 each. */
  tolerance?: { increase?: number; decrease?: number };
  /** Defaults to ratio. */
  effectSize?: JudgeEffectSize;
  /** A High or Low on a critical metric fails the whole judgement; defaults to false. */
  critical?: boolean;
  /** Samples needed per side after NaN and outlier removal; at least 3; defaults to 10. */
  minSamples?: number;
  /** Defaults to keep; remove drops values outside Tukey's 1.5 IQR fences. */
  outliers?: 'keep' | 'remove';
  /** Defaults to remove. */
  nanStrategy?: 'remove' | 'replaceWithZero';
}

export interface WebMetric {
  url: string;
  method?: 'GET' | 'POST';
  headers?: HeaderSource[];
  body?: string;
  /** JSONPath-like selector into the response, e.g. `$.data.errorRate`, or in braces as Argo writes it: `{$.data.errorRate}`. */
  jsonPath?: string;
  timeout?: Duration;
  /** Skip verification of the server's TLS certificate (Argo Rollouts' `insecure`); the answer is still size-bounded. */
  insecure?: boolean;
}

/** A Kubernetes Job per measurement: Complete is Successful, Failed is Failed (Argo docs analysis/job.md). */
export interface JobMetric {
  /** Labels and annotations copied onto each Job the metric creates. */
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  /** A batch/v1 JobSpec, created as written once `{{args.x}}` placeholders are substituted. */
  spec: JobSpec;
}

/** The fields of a batch/v1 JobSpec Vane checks; every other JobSpec field is passed to Kubernetes as written. */
export interface JobSpec {
  template: PodTemplateSpec;
  [field: string]: unknown;
}

export type AnalysisPhase = 'Pending' | 'Running' | 'Successful' | 'Failed' | 'Error' | 'Inconclusive';

export interface Measurement {
  phase: Exclude<AnalysisPhase, 'Pending' | 'Running'> | 'Running';
  startedAt: string;
  finishedAt?: string;
  /** The measured value as text (JSON for vectors), as Argo Rollouts keeps it. */
  value?: string;
  message?: string;
  /** What a provider keeps to resume the measurement; the job provider's `job-name` and `job-namespace`. */
  metadata?: Record<string, string>;
  /** When a Running measurement is next looked at. */
  resumeAt?: string;
}

export interface MetricResult {
  name: string;
  phase: AnalysisPhase;
  count: number;
  successful: number;
  failed: number;
  inconclusive: number;
  error: number;
  consecutiveError: number;
  /** Successful measurements in a row, ended by any other outcome (Argo's consecutiveSuccess). */
  consecutiveSuccess?: number;
  dryRun?: boolean;
  message?: string;
  measurements: Measurement[];
}

export interface AnalysisRun {
  apiVersion: 'vane.dev/v1alpha1';
  kind: 'AnalysisRun';
  metadata: ObjectMeta;
  spec: AnalysisRunSpec;
  status?: AnalysisRunStatus;
}

export interface AnalysisRunSpec {
  /** Arguments resolved to plain values (secrets stay references until measured). */
  args?: TemplateArgument[];
  metrics: Metric[];
  dryRun?: DryRunRule[];
  measurementRetention?: MeasurementRetentionRule[];
  /** Set by the controller when the Rollout no longer needs the run. */
  terminate?: boolean;
}

export interface AnalysisRunStatus {
  phase: AnalysisPhase;
  message?: string;
  startedAt?: string;
  metricResults?: MetricResult[];
  dryRunSummary?: { count: number; successful: number; failed: number; inconclusive: number; error: number };
}
