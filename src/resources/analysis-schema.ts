// Structural schemas of AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun, for their CRDs.
import { array, boolean, duration as boundedDuration, int32, integer, intOrString, mapOf, number, object, string, type JSONSchemaProps } from './json-schema.js';
import { INT32_MAX } from './kube-bounds.js';
import { podTemplateSchema, resourceSchema, secretKeySelectorSchema, stringMap, timestamp } from './meta-schema.js';

const duration = (description: string): JSONSchemaProps => boundedDuration({ description });
/** Argo's int-or-string: an integer, or a string spelling one or holding `{{args.x}}`. */
const limit = (description: string, minimum = 0): JSONSchemaProps => intOrString({ description, minimum, maximum: INT32_MAX });

const templateArgument = object(
  {
    name: string(),
    value: string(),
    valueFrom: object({
      secretKeyRef: secretKeySelectorSchema,
      fieldRef: object({ fieldPath: string() }, { required: ['fieldPath'] }),
    }),
  },
  { required: ['name'] },
);

const header = object(
  {
    key: string(),
    value: string(),
    valueFrom: object({ secretKeyRef: secretKeySelectorSchema }, { required: ['secretKeyRef'] }),
  },
  { required: ['key'] },
);

const prometheus = object(
  {
    address: string({ description: 'Base URL of the Prometheus HTTP API.' }),
    query: string(),
    timeout: duration('Per-query timeout; defaults to 30s.'),
    range: object(
      { lookback: duration('How far back the range query reaches.'), step: duration('Range query resolution.') },
      { required: ['lookback', 'step'] },
    ),
    headers: array(header),
    authentication: object({ bearerTokenSecretRef: secretKeySelectorSchema }),
  },
  { required: ['address', 'query'] },
);

const web = object(
  {
    url: string(),
    method: string({ enum: ['GET', 'POST'] }),
    headers: array(header),
    body: string(),
    jsonPath: string({ description: 'Selector into the JSON answer: `$.data.value`, or `{$.data.value}` as Argo Rollouts writes it.' }),
    timeout: duration('Request timeout.'),
    insecure: boolean({ description: "Skip verification of the server's TLS certificate." }),
  },
  { required: ['url'] },
);

/** Argo docs analysis/job.md: the JobSpec is kept verbatim beyond its pod template; Kubernetes validates the rest. */
const job = object(
  {
    metadata: object({ labels: stringMap, annotations: stringMap }, { description: 'Copied onto each Job.' }),
    spec: object(
      { template: podTemplateSchema },
      { required: ['template'], 'x-kubernetes-preserve-unknown-fields': true, description: 'A batch/v1 JobSpec.' },
    ),
  },
  { required: ['spec'] },
);

/** docs/judge.md: both sides of each metric are range-queried from one Prometheus and compared. */
const judgeMetricQuery = object(
  {
    name: string({ minLength: 1 }),
    group: string({ minLength: 1, description: 'Weighted group (judge.groups); defaults to "default".' }),
    baseline: string({ minLength: 1, description: 'PromQL for the baseline.' }),
    canary: string({ minLength: 1, description: 'PromQL for the canary.' }),
    direction: string({ enum: ['increase', 'decrease', 'either'], description: 'Which change is bad; defaults to either.' }),
    tolerance: object(
      { increase: number({ minimum: 0 }), decrease: number({ minimum: 0 }) },
      { description: 'Allowed relative change of the effect size each way; defaults to 0.10 each.' },
    ),
    effectSize: string({ enum: ['ratio', 'hodgesLehmann'], description: 'Defaults to ratio (canary median / baseline median).' }),
    critical: boolean({ description: 'A High or Low fails the whole judgement.' }),
    minSamples: int32({ minimum: 3, description: 'Samples per side after NaN and outlier removal; defaults to 10.' }),
    outliers: string({ enum: ['keep', 'remove'], description: 'remove: Tukey 1.5 IQR fences; defaults to keep.' }),
    nanStrategy: string({ enum: ['remove', 'replaceWithZero'], description: 'Defaults to remove.' }),
  },
  { required: ['name', 'baseline', 'canary'] },
);

const judge = object(
  {
    prometheus: object(
      {
        address: string({ description: 'Base URL of the Prometheus HTTP API.' }),
        timeout: duration('Per-query timeout; defaults to 30s.'),
        headers: array(header),
        authentication: object({ bearerTokenSecretRef: secretKeySelectorSchema }),
      },
      { required: ['address'] },
    ),
    lookback: duration('The window both sides are queried over, ending now; defaults to 10m.'),
    step: duration('Range query step; defaults to 15s.'),
    thresholds: object(
      { marginal: number({ minimum: 0, maximum: 100 }), pass: number({ minimum: 0, maximum: 100 }) },
      { description: 'Score below marginal: Failed; at or above pass: Successful; else Inconclusive. Defaults 75 and 95.' },
    ),
    confidence: number({ minimum: 0, maximum: 1, description: 'The test level, in (0, 1); defaults to 0.95.' }),
    groups: mapOf(number({ minimum: 0 }), { description: 'Weights by group (> 0); ungrouped metrics are in "default" (weight 1).' }),
    metrics: array(judgeMetricQuery, { minItems: 1, maxItems: 50 }),
  },
  { required: ['prometheus', 'metrics'] },
);

const metric = object(
  {
    name: string({ minLength: 1 }),
    interval: duration('Time between measurements.'),
    initialDelay: duration('Wait before the first measurement.'),
    count: limit('Measurements to take; an integer or `{{args.x}}`.', 1),
    successCondition: string({ description: 'CEL over `result`, e.g. `result[0] < 0.01`.' }),
    failureCondition: string({ description: 'CEL over `result`.' }),
    failureLimit: limit('Failed measurements tolerated; defaults to 0; -1 disables it.', -1),
    consecutiveSuccessLimit: limit('Consecutive successful measurements after which the metric succeeds; 0 (default) disables it.'),
    inconclusiveLimit: limit('Inconclusive measurements tolerated; defaults to 0.'),
    consecutiveErrorLimit: limit('Consecutive errors tolerated; defaults to 4.'),
    dryRun: boolean(),
    provider: object({ prometheus, web, job, judge }),
  },
  { required: ['name', 'provider'] },
);

/** Argo docs features/analysis.md: `metricName` is a regular expression; a retention limit of 0 keeps the default. */
export const dryRunRules = array(
  object({ metricName: string({ description: 'A regular expression (RE2) matched anywhere in a metric name.' }) }, { required: ['metricName'] }),
);
export const measurementRetentionRules = array(
  object(
    { metricName: string({ description: 'A regular expression (RE2) matched anywhere in a metric name.' }), limit: int32({ minimum: 0, description: 'Measurements kept; 0 keeps the default of 10.' }) },
    { required: ['metricName', 'limit'] },
  ),
);

const templateSpecProperties: Record<string, JSONSchemaProps> = {
  args: array(templateArgument),
  metrics: array(metric, { minItems: 1 }),
  dryRun: dryRunRules,
  measurementRetention: measurementRetentionRules,
};

const phase = string({ enum: ['Pending', 'Running', 'Successful', 'Failed', 'Error', 'Inconclusive'] });

const measurement = object(
  {
    phase: string({ enum: ['Running', 'Successful', 'Failed', 'Error', 'Inconclusive'] }),
    startedAt: timestamp,
    finishedAt: timestamp,
    value: string(),
    message: string(),
    metadata: stringMap,
    resumeAt: timestamp,
  },
  { required: ['phase', 'startedAt'] },
);

const counters = ['count', 'successful', 'failed', 'inconclusive', 'error'];

const metricResult = object(
  {
    name: string(),
    phase,
    ...Object.fromEntries(counters.map((c) => [c, integer({ minimum: 0 })])),
    consecutiveError: integer({ minimum: 0 }),
    consecutiveSuccess: integer({ minimum: 0 }),
    dryRun: boolean(),
    message: string(),
    measurements: array(measurement),
  },
  { required: ['name', 'phase', ...counters, 'consecutiveError', 'measurements'] },
);

const analysisRunStatus = object(
  {
    phase,
    message: string(),
    startedAt: timestamp,
    metricResults: array(metricResult),
    dryRunSummary: object(Object.fromEntries(counters.map((c) => [c, integer({ minimum: 0 })])), {
      required: counters,
    }),
  },
  { required: ['phase'] },
);

export const analysisTemplateSchema: JSONSchemaProps = resourceSchema(
  { spec: object(templateSpecProperties, { required: ['metrics'] }) },
  ['spec'],
);

export const analysisRunSchema: JSONSchemaProps = resourceSchema(
  {
    spec: object(
      { ...templateSpecProperties, terminate: boolean({ description: 'Set when the run is no longer needed.' }) },
      { required: ['metrics'] },
    ),
    status: analysisRunStatus,
  },
  ['spec'],
);
