// Validation of AnalysisTemplate, ClusterAnalysisTemplate and AnalysisRun specs beyond what the schema says.
import type { AnalysisRun, AnalysisTemplate } from './analysis.js';
import { FieldChecker, childPath, indexPath, isFields, type Fields } from './field-checker.js';
import { checkFieldPath } from './field-reference.js';
import { JUDGE_DEFAULTS } from './analysis-defaults.js';
import { parseDuration } from './duration.js';
import { assertNoFieldErrors, type FieldError } from './field-error.js';
import { withUnsupportedArgoFields } from './argo-field-gaps.js';
import { nameProblem } from './kube-bounds.js';
import { checkContainerResources } from './quantity.js';
import { checkResourceHeader } from './resource-header.js';

const PROVIDERS = ['prometheus', 'web', 'job', 'judge'] as const;
/** Kubernetes rejects any other restartPolicy in a Job's pod template. */
const JOB_RESTART_POLICIES = ['Never', 'OnFailure'] as const;
/** `{{args.name}}` placeholders, substituted by the analysis layer when a run measures. */
const ARG_PLACEHOLDER = /\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g;
const HAS_PLACEHOLDER = /\{\{\s*args\./;

/** Templates declare arguments for the Rollout to fill; a run holds them resolved. */
type Mode = 'template' | 'run';

interface MetricContext {
  mode: Mode;
  argNames: ReadonlySet<string>;
}

/** Every problem with `obj` as an AnalysisTemplate or ClusterAnalysisTemplate; empty when it is valid. */
export function validateAnalysisTemplate(obj: unknown): FieldError[] {
  return validate(obj, ['AnalysisTemplate', 'ClusterAnalysisTemplate'], 'template');
}

/** Every problem with `obj` as a ClusterAnalysisTemplate (the kind must be exactly that). */
export function validateClusterAnalysisTemplate(obj: unknown): FieldError[] {
  return validate(obj, ['ClusterAnalysisTemplate'], 'template');
}

/** Every problem with `obj` as an AnalysisRun: the template rules, with arguments already resolved. */
export function validateAnalysisRun(obj: unknown): FieldError[] {
  return validate(obj, ['AnalysisRun'], 'run');
}

export function assertValidAnalysisTemplate(obj: unknown): asserts obj is AnalysisTemplate {
  assertNoFieldErrors('AnalysisTemplate', validateAnalysisTemplate(obj));
}

export function assertValidAnalysisRun(obj: unknown): asserts obj is AnalysisRun {
  assertNoFieldErrors('AnalysisRun', validateAnalysisRun(obj));
}

function validate(obj: unknown, kinds: readonly string[], mode: Mode): FieldError[] {
  const c = new FieldChecker();
  const spec = checkResourceHeader(c, obj, kinds);
  if (spec !== undefined) checkSpec(c, spec, 'spec', mode);
  const kind = isFields(obj) && typeof obj.kind === 'string' ? obj.kind : (kinds[0] ?? '');
  return withUnsupportedArgoFields(kind, obj, c.errors);
}

function checkSpec(c: FieldChecker, spec: Fields, path: string, mode: Mode): void {
  const argsPath = childPath(path, 'args');
  const args = c.list(spec.args, argsPath) ?? [];
  args.forEach((a, i) => checkArgument(c, a, indexPath(argsPath, i), mode));
  c.unique(args, argsPath, 'name');
  const argNames = new Set(args.flatMap((a) => (isFields(a) && typeof a.name === 'string' ? [a.name] : [])));
  const metricsPath = childPath(path, 'metrics');
  const metrics = c.list(spec.metrics, metricsPath, { required: true, nonEmpty: true }) ?? [];
  metrics.forEach((m, i) => checkMetric(c, m, indexPath(metricsPath, i), { mode, argNames }));
  c.unique(metrics, metricsPath, 'name');
  checkMetricNameRules(c, spec.dryRun, childPath(path, 'dryRun'), false);
  checkMetricNameRules(c, spec.measurementRetention, childPath(path, 'measurementRetention'), true);
  if (mode === 'run') c.boolean(spec.terminate, childPath(path, 'terminate'));
}

// ---- arguments -----------------------------------------------------------------------------------------------

function checkArgument(c: FieldChecker, value: unknown, path: string, mode: Mode): void {
  const arg = c.object(value, path, { required: true });
  if (arg === undefined) return;
  c.string(arg.name, childPath(path, 'name'), { required: true });
  c.string(arg.value, childPath(path, 'value'));
  if (arg.value !== undefined && arg.valueFrom !== undefined) c.add(path, 'must set only one of value, valueFrom');
  if (mode === 'run' && arg.value === undefined && arg.valueFrom === undefined) {
    c.add(childPath(path, 'value'), 'is required: a run holds its arguments resolved');
  }
  checkArgumentSource(c, arg.valueFrom, childPath(path, 'valueFrom'), mode);
}

function checkArgumentSource(c: FieldChecker, value: unknown, path: string, mode: Mode): void {
  const from = c.object(value, path);
  if (from === undefined) return;
  const kind = c.exactlyOne(from, path, ['secretKeyRef', 'fieldRef']);
  if (kind === 'secretKeyRef') checkSecretKeyRef(c, from.secretKeyRef, childPath(path, kind));
  if (kind !== 'fieldRef') return;
  if (mode === 'run') c.add(childPath(path, kind), 'must be resolved to a value before the run is created');
  const ref = c.object(from.fieldRef, childPath(path, kind), { required: true });
  checkFieldPath(c, ref?.fieldPath, childPath(path, 'fieldRef.fieldPath'));
}

function checkSecretKeyRef(c: FieldChecker, value: unknown, path: string): void {
  const ref = c.object(value, path, { required: true });
  if (ref === undefined) return;
  c.name(ref.name, childPath(path, 'name'), 'dns1123Subdomain', { required: true });
  c.string(ref.key, childPath(path, 'key'), { required: true });
}

// ---- metrics -------------------------------------------------------------------------------------------------

function checkMetric(c: FieldChecker, value: unknown, path: string, ctx: MetricContext): void {
  const metric = c.object(value, path, { required: true });
  if (metric === undefined) return;
  c.string(metric.name, childPath(path, 'name'), { required: true });
  const intervalPath = childPath(path, 'interval');
  if (!argumentFilled(c, metric.interval, intervalPath, ctx)) c.duration(metric.interval, intervalPath, { positive: true });
  const delayPath = childPath(path, 'initialDelay');
  if (!argumentFilled(c, metric.initialDelay, delayPath, ctx)) c.duration(metric.initialDelay, delayPath);
  const count = scheduleInteger(c, metric.count, childPath(path, 'count'), ctx, 1);
  if (count !== undefined && count > 1 && metric.interval === undefined) {
    c.add(intervalPath, 'is required when count is greater than 1');
  }
  c.string(metric.successCondition, childPath(path, 'successCondition'));
  c.string(metric.failureCondition, childPath(path, 'failureCondition'));
  // Argo docs features/analysis.md: failureLimit -1 disables it, and then consecutiveSuccessLimit must decide.
  const failureLimit = scheduleInteger(c, metric.failureLimit, childPath(path, 'failureLimit'), ctx, -1);
  const successLimit = scheduleInteger(c, metric.consecutiveSuccessLimit, childPath(path, 'consecutiveSuccessLimit'), ctx, 0);
  const successFromArgument = typeof metric.consecutiveSuccessLimit === 'string' && HAS_PLACEHOLDER.test(metric.consecutiveSuccessLimit);
  if (failureLimit === -1 && (successLimit ?? 0) === 0 && !successFromArgument) {
    c.add(childPath(path, 'failureLimit'), 'is -1 (disabled), so consecutiveSuccessLimit must be above 0: one of them has to decide the metric');
  }
  for (const limit of ['inconclusiveLimit', 'consecutiveErrorLimit']) {
    scheduleInteger(c, metric[limit], childPath(path, limit), ctx, 0);
  }
  c.boolean(metric.dryRun, childPath(path, 'dryRun'));
  const kind = checkProvider(c, metric.provider, childPath(path, 'provider'), ctx);
  if (kind !== 'job') return;
  if (typeof metric.name === 'string') checkJobMetricName(c, metric.name, childPath(path, 'name'));
  // Argo docs analysis/job.md: the Job's outcome is the measurement; a condition would be ignored, so it is refused.
  for (const field of ['successCondition', 'failureCondition']) {
    if (metric[field] !== undefined) c.add(childPath(path, field), "is not used by the job provider: the Job's Complete or Failed condition is the measurement");
  }
}

/**
 * A count or limit: an integer, or (Argo's int-or-string) a string spelling one or holding `{{args.x}}`, which is
 * resolved when the run measures. Returns the integer when it is known now.
 */
function scheduleInteger(c: FieldChecker, value: unknown, path: string, ctx: MetricContext, min: number): number | undefined {
  if (argumentFilled(c, value, path, ctx)) return undefined;
  const spelled = typeof value === 'string' && /^\s*-?\d+\s*$/.test(value) ? Number(value) : value;
  return c.integer(spelled, path, { min });
}

/** True when `value` is a string with `{{args.x}}` placeholders (each checked to name a declared argument). */
function argumentFilled(c: FieldChecker, value: unknown, path: string, ctx: MetricContext): boolean {
  if (typeof value !== 'string' || !HAS_PLACEHOLDER.test(value)) return false;
  checkTemplated(c, value, path, ctx, false);
  return true;
}

function checkProvider(c: FieldChecker, value: unknown, path: string, ctx: MetricContext): string | undefined {
  const provider = c.object(value, path, { required: true });
  if (provider === undefined) return undefined;
  if (c.unknownKeys(provider, path, PROVIDERS, 'provider') > 0) return undefined;
  const kind = c.exactlyOne(provider, path, PROVIDERS);
  if (kind === 'prometheus') checkPrometheus(c, provider.prometheus, childPath(path, kind), ctx);
  if (kind === 'web') checkWeb(c, provider.web, childPath(path, kind), ctx);
  if (kind === 'job') checkJob(c, provider.job, childPath(path, kind), ctx);
  if (kind === 'judge') checkJudge(c, provider.judge, childPath(path, kind), ctx);
  return kind;
}

function checkPrometheus(c: FieldChecker, value: unknown, path: string, ctx: MetricContext): void {
  const prom = checkPrometheusSource(c, value, path, ctx);
  if (prom === undefined) return;
  checkTemplated(c, prom.query, childPath(path, 'query'), ctx, true);
  const rangePath = childPath(path, 'range');
  const range = c.object(prom.range, rangePath);
  if (range !== undefined) {
    c.duration(range.lookback, childPath(rangePath, 'lookback'), { required: true, positive: true });
    c.duration(range.step, childPath(rangePath, 'step'), { required: true, positive: true });
  }
}

/** Where a Prometheus is and how to reach it: shared by the prometheus provider and the judge's source. */
function checkPrometheusSource(c: FieldChecker, value: unknown, path: string, ctx: MetricContext): Fields | undefined {
  const prom = c.object(value, path, { required: true });
  if (prom === undefined) return undefined;
  checkUrl(c, prom.address, childPath(path, 'address'), ctx);
  c.duration(prom.timeout, childPath(path, 'timeout'), { positive: true });
  checkHeaders(c, prom.headers, childPath(path, 'headers'), ctx);
  const authPath = childPath(path, 'authentication');
  const auth = c.object(prom.authentication, authPath);
  if (auth?.bearerTokenSecretRef !== undefined) {
    checkSecretKeyRef(c, auth.bearerTokenSecretRef, childPath(authPath, 'bearerTokenSecretRef'));
  }
  return prom;
}

// ---- judge provider (docs/judge.md) ------------------------------------------------------------------------------

/** A judge's own metrics are bounded so its measurement (the per-metric reasoning as JSON) stays small. */
export const MAX_JUDGE_METRICS = 50;
/** Fewer samples than this cannot make any two-sided Mann-Whitney p-value small; the default is 10. */
export const MIN_JUDGE_SAMPLES = 3;

function checkJudge(c: FieldChecker, value: unknown, path: string, ctx: MetricContext): void {
  const judge = c.object(value, path, { required: true });
  if (judge === undefined) return;
  checkPrometheusSource(c, judge.prometheus, childPath(path, 'prometheus'), ctx);
  checkJudgeWindow(c, judge, path);
  checkThresholds(c, judge.thresholds, childPath(path, 'thresholds'));
  const confidence = c.number(judge.confidence, childPath(path, 'confidence'));
  if (confidence !== undefined && !(confidence > 0 && confidence < 1)) {
    c.add(childPath(path, 'confidence'), `must be between 0 and 1 (exclusive), got ${confidence}`);
  }
  const groups = checkGroups(c, judge.groups, childPath(path, 'groups'));
  const metricsPath = childPath(path, 'metrics');
  const metrics = c.list(judge.metrics, metricsPath, { required: true, nonEmpty: true }) ?? [];
  if (metrics.length > MAX_JUDGE_METRICS) c.add(metricsPath, `must hold at most ${MAX_JUDGE_METRICS} metrics, got ${metrics.length}`);
  metrics.forEach((m, i) => checkJudgeQuery(c, m, indexPath(metricsPath, i), ctx, groups));
  c.unique(metrics, metricsPath, 'name');
}

/** Prometheus refuses a range query of more than 11,000 points per series. */
const MAX_RANGE_POINTS = 11_000;

function checkJudgeWindow(c: FieldChecker, judge: Fields, path: string): void {
  const mark = c.mark();
  const lookback = c.duration(judge.lookback, childPath(path, 'lookback'), { positive: true }) ?? parseDuration(JUDGE_DEFAULTS.lookback);
  const step = c.duration(judge.step, childPath(path, 'step'), { positive: true }) ?? parseDuration(JUDGE_DEFAULTS.step);
  if (!c.cleanSince(mark)) return;
  if (step > lookback) c.add(childPath(path, 'step'), `must not be longer than lookback (${lookback / 1000}s): the window would hold one point`);
  else if (lookback / step > MAX_RANGE_POINTS) {
    c.add(childPath(path, 'step'), `gives ${Math.floor(lookback / step)} points over lookback; Prometheus answers at most ${MAX_RANGE_POINTS} per series`);
  }
}

function checkThresholds(c: FieldChecker, value: unknown, path: string): void {
  const thresholds = c.object(value, path);
  if (thresholds === undefined) return;
  const marginal = c.number(thresholds.marginal, childPath(path, 'marginal'), { min: 0, max: 100 });
  const pass = c.number(thresholds.pass, childPath(path, 'pass'), { min: 0, max: 100 });
  // The defaults (75, 95) take part in the order check, so `pass: 50` alone is refused as below the marginal 75.
  const [m, p] = [marginal ?? JUDGE_DEFAULTS.marginal, pass ?? JUDGE_DEFAULTS.pass];
  if (m > p) c.add(path, `marginal (${m}) must not be above pass (${p})`);
}

/** The declared group weights, or undefined when none are declared (then any group name is allowed, weight 1). */
function checkGroups(c: FieldChecker, value: unknown, path: string): ReadonlySet<string> | undefined {
  const groups = c.object(value, path);
  if (groups === undefined) return undefined;
  for (const [name, weight] of Object.entries(groups)) {
    const weightPath = childPath(path, name);
    const w = c.number(weight, weightPath);
    if (w !== undefined && w <= 0) c.add(weightPath, `must be a weight greater than 0, got ${w}`);
  }
  return new Set(Object.keys(groups));
}

function checkJudgeQuery(c: FieldChecker, value: unknown, path: string, ctx: MetricContext, groups: ReadonlySet<string> | undefined): void {
  const query = c.object(value, path, { required: true });
  if (query === undefined) return;
  c.string(query.name, childPath(path, 'name'), { required: true });
  const group = c.string(query.group, childPath(path, 'group'));
  if (group !== undefined && groups !== undefined && !groups.has(group)) {
    c.add(childPath(path, 'group'), `names group ${JSON.stringify(group)}, which judge.groups does not declare (declared: ${[...groups].join(', ') || 'none'})`);
  }
  checkTemplated(c, query.baseline, childPath(path, 'baseline'), ctx, true);
  checkTemplated(c, query.canary, childPath(path, 'canary'), ctx, true);
  c.oneOf(query.direction, childPath(path, 'direction'), ['increase', 'decrease', 'either']);
  const tolerancePath = childPath(path, 'tolerance');
  const tolerance = c.object(query.tolerance, tolerancePath);
  if (tolerance !== undefined) {
    for (const side of ['increase', 'decrease']) c.number(tolerance[side], childPath(tolerancePath, side), { min: 0 });
  }
  c.oneOf(query.effectSize, childPath(path, 'effectSize'), ['ratio', 'hodgesLehmann']);
  c.boolean(query.critical, childPath(path, 'critical'));
  c.integer(query.minSamples, childPath(path, 'minSamples'), { min: MIN_JUDGE_SAMPLES });
  c.oneOf(query.outliers, childPath(path, 'outliers'), ['keep', 'remove']);
  c.oneOf(query.nanStrategy, childPath(path, 'nanStrategy'), ['remove', 'replaceWithZero']);
}

function checkWeb(c: FieldChecker, value: unknown, path: string, ctx: MetricContext): void {
  const web = c.object(value, path, { required: true });
  if (web === undefined) return;
  checkUrl(c, web.url, childPath(path, 'url'), ctx);
  const method = c.oneOf(web.method, childPath(path, 'method'), ['GET', 'POST']);
  checkHeaders(c, web.headers, childPath(path, 'headers'), ctx);
  const body = checkTemplated(c, web.body, childPath(path, 'body'), ctx, false);
  if (body !== undefined && method !== 'POST') c.add(childPath(path, 'body'), 'may only be set when method is POST');
  const jsonPath = c.string(web.jsonPath, childPath(path, 'jsonPath'));
  if (jsonPath !== undefined && !/^\s*(\$|\{\s*[$.[])/.test(jsonPath)) {
    c.add(childPath(path, 'jsonPath'), 'must be a JSON path such as "$.data.value", or in braces as Argo Rollouts writes it: "{$.data.value}"');
  }
  c.boolean(web.insecure, childPath(path, 'insecure'));
  c.duration(web.timeout, childPath(path, 'timeout'), { positive: true });
}

// ---- job provider (Argo docs analysis/job.md) ------------------------------------------------------------------

/** The metric's name is part of each Job's name (`<run uid>.<metric>.<n>`), so it must fit one. */
function checkJobMetricName(c: FieldChecker, name: string, path: string): void {
  const problem = nameProblem(name, 'dns1123Subdomain');
  if (problem !== undefined) c.add(path, `${problem}: a job metric's name is part of the names of its Jobs`);
}

function checkJob(c: FieldChecker, value: unknown, path: string, ctx: MetricContext): void {
  const job = c.object(value, path, { required: true });
  if (job === undefined) return;
  checkPlaceholders(c, job, path, ctx);
  const metadataPath = childPath(path, 'metadata');
  const metadata = c.object(job.metadata, metadataPath);
  c.stringMap(metadata?.labels, childPath(metadataPath, 'labels'));
  c.stringMap(metadata?.annotations, childPath(metadataPath, 'annotations'));
  const specPath = childPath(path, 'spec');
  const spec = c.object(job.spec, specPath, { required: true });
  if (spec === undefined) return;
  for (const field of ['backoffLimit', 'activeDeadlineSeconds', 'ttlSecondsAfterFinished', 'parallelism', 'completions']) {
    c.integer(spec[field], childPath(specPath, field), { min: field === 'activeDeadlineSeconds' ? 1 : 0 });
  }
  checkJobTemplate(c, spec.template, childPath(specPath, 'template'));
}

/** What Kubernetes would reject when the Job is created, found when the template is applied instead. */
function checkJobTemplate(c: FieldChecker, value: unknown, path: string): void {
  const template = c.object(value, path, { required: true });
  if (template === undefined) return;
  const metadataPath = childPath(path, 'metadata');
  const metadata = c.object(template.metadata, metadataPath);
  c.stringMap(metadata?.labels, childPath(metadataPath, 'labels'));
  c.stringMap(metadata?.annotations, childPath(metadataPath, 'annotations'));
  const specPath = childPath(path, 'spec');
  const spec = c.object(template.spec, specPath, { required: true });
  if (spec === undefined) return;
  const restartPath = childPath(specPath, 'restartPolicy');
  if (spec.restartPolicy === undefined) c.add(restartPath, `is required for a Job: one of ${JOB_RESTART_POLICIES.join(', ')}`);
  else c.oneOf(spec.restartPolicy, restartPath, JOB_RESTART_POLICIES);
  const containersPath = childPath(specPath, 'containers');
  const containers = c.list(spec.containers, containersPath, { required: true, nonEmpty: true }) ?? [];
  containers.forEach((item, i) => checkJobContainer(c, item, indexPath(containersPath, i)));
  const initPath = childPath(specPath, 'initContainers');
  const inits = c.list(spec.initContainers, initPath) ?? [];
  inits.forEach((item, i) => checkJobContainer(c, item, indexPath(initPath, i)));
  c.unique([...containers, ...inits], containersPath, 'name');
}

function checkJobContainer(c: FieldChecker, value: unknown, path: string): void {
  const container = c.object(value, path, { required: true });
  if (container === undefined) return;
  if (isPlaceholder(container.name)) c.string(container.name, childPath(path, 'name'));
  else c.name(container.name, childPath(path, 'name'), 'dns1123Label', { required: true });
  c.string(container.image, childPath(path, 'image'), { required: true });
  checkContainerResources(c, container, path, isPlaceholder);
}

/** Every `{{args.x}}` anywhere in the provider must name a declared argument (Argo substitutes the whole provider). */
function checkPlaceholders(c: FieldChecker, value: unknown, path: string, ctx: MetricContext): void {
  if (typeof value === 'string') {
    for (const match of value.matchAll(ARG_PLACEHOLDER)) {
      const name = match[1] ?? '';
      if (!ctx.argNames.has(name)) c.add(path, `refers to undeclared argument ${JSON.stringify(name)}`);
    }
    return;
  }
  if (Array.isArray(value)) value.forEach((item, i) => checkPlaceholders(c, item, indexPath(path, i), ctx));
  else if (isFields(value)) for (const [key, item] of Object.entries(value)) checkPlaceholders(c, item, childPath(path, key), ctx);
}

function isPlaceholder(value: unknown): boolean {
  return typeof value === 'string' && HAS_PLACEHOLDER.test(value);
}

function checkHeaders(c: FieldChecker, value: unknown, path: string, ctx: MetricContext): void {
  const headers = c.list(value, path) ?? [];
  headers.forEach((h, i) => {
    const headerPath = indexPath(path, i);
    const header = c.object(h, headerPath, { required: true });
    if (header === undefined) return;
    c.string(header.key, childPath(headerPath, 'key'), { required: true });
    const source = c.exactlyOne(header, headerPath, ['value', 'valueFrom']);
    if (source === 'value') checkTemplated(c, header.value, childPath(headerPath, 'value'), ctx, false);
    if (source !== 'valueFrom') return;
    const from = c.object(header.valueFrom, childPath(headerPath, 'valueFrom'), { required: true });
    if (from !== undefined) checkSecretKeyRef(c, from.secretKeyRef, childPath(headerPath, 'valueFrom.secretKeyRef'));
  });
}

/** An http(s) URL; when it holds `{{args.x}}` placeholders only the placeholders can be checked here. */
function checkUrl(c: FieldChecker, value: unknown, path: string, ctx: MetricContext): void {
  const url = checkTemplated(c, value, path, ctx, true);
  if (url === undefined || HAS_PLACEHOLDER.test(url)) return;
  if (!/^https?:\/\/[^\s/]+/.test(url)) c.add(path, 'must be an http:// or https:// URL');
}

/** A string that may carry `{{args.x}}` placeholders, each of which must name a declared argument. */
function checkTemplated(
  c: FieldChecker,
  value: unknown,
  path: string,
  ctx: MetricContext,
  required: boolean,
): string | undefined {
  const text = c.string(value, path, { required });
  if (text === undefined) return undefined;
  for (const match of text.matchAll(ARG_PLACEHOLDER)) {
    const name = match[1] ?? '';
    if (!ctx.argNames.has(name)) c.add(path, `refers to undeclared argument ${JSON.stringify(name)}`);
  }
  return text;
}

// ---- dryRun and retention rules ---------------------------------------------------------------------------------

/**
 * Argo docs features/analysis.md: `metricName` is a regular expression, so whether it matches a metric is decided
 * when the run measures (a rule matching none makes the run Error); here only the shape is checked.
 */
function checkMetricNameRules(c: FieldChecker, value: unknown, path: string, withLimit: boolean): void {
  const entries = c.list(value, path) ?? [];
  entries.forEach((e, i) => {
    const entryPath = indexPath(path, i);
    const entry = c.object(e, entryPath, { required: true });
    if (entry === undefined) return;
    c.string(entry.metricName, childPath(entryPath, 'metricName'), { required: true });
    if (withLimit) c.integer(entry.limit, childPath(entryPath, 'limit'), { required: true, min: 0 });
  });
  c.unique(entries, path, 'metricName');
}
