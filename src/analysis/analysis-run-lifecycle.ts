// One step of an AnalysisRun: take the measurements due at `now`, judge them, and say when the next step is due.
import { VaneError } from '../errors.js';
import type { AnalysisRun, AnalysisRunStatus, Measurement, Metric, MetricResult } from '../resources/analysis.js';
import { compileMetricConditions, judgeMeasurement, type MeasurementVerdict, type MetricConditions } from './measurement-verdict.js';
import { retainMeasurements, retentionLimit } from './measurement-retention.js';
import { SCHEDULE_FIELDS, scheduledMetric, type ScheduledMetric } from './metric-arguments.js';
import { isResumable, type AnyMetricProvider, type MeasuredValue, type ResumableMetricProvider, type ResumeContext, type SecretReader } from './metric-provider.js';
import { assessMetric } from './metric-limits.js';
import { isDryRunMetric, metricNameRuleProblems } from './metric-name-rules.js';
import { metricSchedule, nextMeasurementAt, scheduleComplete, type MetricSchedule } from './metric-schedule.js';
import { resolveMetricArgs, type SecretMemo } from './run-arguments.js';
import { assessRun, isTerminalPhase } from './run-verdict.js';

export interface AnalysisRunDeps {
  /** The current time (epoch ms). Every schedule decision is taken against it; nothing here reads the clock. */
  now: number;
  /** The provider that measures `metric`; may throw for a metric no provider serves (its measurements then err). */
  providerFor(metric: Metric): AnyMetricProvider;
  /** Reads `valueFrom.secretKeyRef` arguments when they are measured. */
  secrets: SecretReader;
  /** Aborting it makes the step throw instead of returning a status with measurements cut short. */
  signal?: AbortSignal;
}

export interface AnalysisRunStep {
  /** The run's new status; equal to the old one when nothing was due. */
  status: AnalysisRunStatus;
  /** When to call again (ms from `now`): the earliest next measurement. Undefined once the run is terminal. */
  requeueAfterMs?: number;
}

/** What one metric needs for this step; `problem` is set when its spec cannot be measured at all. */
interface MetricPlan {
  metric: ScheduledMetric;
  result: MetricResult;
  schedule?: MetricSchedule;
  conditions?: MetricConditions;
  problem?: string;
  /** Finished measurements status stopped keeping; what they left behind (a Job) is released after the step. */
  dropped: Measurement[];
}

interface StepContext {
  run: AnalysisRun;
  deps: AnalysisRunDeps;
  startedAtMs: number;
  secretMemo: SecretMemo;
}

/**
 * Advances `run` by one step at `deps.now`: each non-terminal metric whose next measurement is due takes exactly one
 * measurement (in parallel across metrics), counters and limits are applied, and the run's phase is reassessed.
 * Idempotent for a given `now`: a second call takes no new measurement. A terminal run is returned unchanged.
 * With `spec.terminate` nothing is measured and unfinished metrics end Successful (the run: "terminated").
 * The input run is not modified.
 */
export async function measureAnalysisRun(run: AnalysisRun, deps: AnalysisRunDeps): Promise<AnalysisRunStep> {
  const previous = run.status;
  if (previous !== undefined && isTerminalPhase(previous.phase)) return { status: previous };
  throwIfAborted(run, deps.signal);
  const startedAtMs = startTime(previous, deps.now);
  const invalid = ruleProblems(run);
  if (invalid.length > 0) {
    // Argo: a rule that names no metric makes the run Error ("Analysis spec invalid") before anything is measured.
    const message = `Analysis spec invalid: ${invalid.join('; ')}`;
    return { status: { phase: 'Error', message, startedAt: startStamp(previous, startedAtMs), metricResults: previous?.metricResults ?? [] } };
  }
  const ctx: StepContext = { run, deps, startedAtMs, secretMemo: new Map() };
  const plans = run.spec.metrics.map((metric) => planMetric(metric, run.spec, previous));
  const terminated = run.spec.terminate === true;
  if (terminated) {
    await Promise.all(plans.map((plan) => stopInFlight(plan, ctx)));
    plans.forEach(terminateMetric);
  } else {
    await Promise.all(plans.map((plan) => stepMetric(plan, ctx)));
  }
  throwIfAborted(run, deps.signal);
  const results = plans.map((plan) => plan.result);
  const verdict = assessRun(results, terminated);
  // A run that ended stops what its unfinished metrics still run (Argo: terminating runs terminate in-flight Jobs).
  if (isTerminalPhase(verdict.phase)) await Promise.all(plans.map((plan) => stopInFlight(plan, ctx)));
  await releaseDropped(plans, ctx);
  const status: AnalysisRunStatus = {
    phase: verdict.phase,
    ...(verdict.message === undefined ? {} : { message: verdict.message }),
    startedAt: startStamp(previous, startedAtMs),
    metricResults: results,
    ...(verdict.dryRunSummary === undefined ? {} : { dryRunSummary: verdict.dryRunSummary }),
  };
  if (isTerminalPhase(status.phase)) {
    noteUnfinished(plans, status.phase);
    return { status };
  }
  return { status, requeueAfterMs: requeueAfter(plans, ctx) };
}

/** The run's start from status; a first step (or an unreadable timestamp) starts it at `now`. */
function startTime(previous: AnalysisRunStatus | undefined, now: number): number {
  const parsed = previous?.startedAt === undefined ? Number.NaN : Date.parse(previous.startedAt);
  return Number.isFinite(parsed) ? parsed : now;
}

/** Keeps the stored timestamp text when it is readable, so a step that measures nothing changes nothing. */
function startStamp(previous: AnalysisRunStatus | undefined, startedAtMs: number): string {
  const stored = previous?.startedAt;
  return stored !== undefined && Date.parse(stored) === startedAtMs ? stored : new Date(startedAtMs).toISOString();
}

// ---- planning ------------------------------------------------------------------------------------------------

/** The spec's dryRun and measurementRetention rules that cannot be applied to its metrics. */
function ruleProblems(run: AnalysisRun): string[] {
  const names = run.spec.metrics.map((m) => m.name);
  return [
    ...metricNameRuleProblems('dryRun', run.spec.dryRun, names),
    ...metricNameRuleProblems('measurementRetention', run.spec.measurementRetention, names),
  ];
}

function planMetric(metric: Metric, spec: AnalysisRun['spec'], previous: AnalysisRunStatus | undefined): MetricPlan {
  const old = previous?.metricResults?.find((r) => r.name === metric.name);
  const dryRun = metric.dryRun === true || isDryRunMetric(spec.dryRun, metric.name);
  const result: MetricResult = old === undefined ? freshResult(metric.name, dryRun) : structuredClone(old);
  const plan: MetricPlan = { metric: withoutSchedule(metric), result, dropped: [] };
  if (isTerminalPhase(result.phase)) return plan;
  try {
    plan.metric = scheduledMetric(metric, spec.args);
    plan.schedule = metricSchedule(plan.metric);
    plan.conditions = compileMetricConditions(metric);
  } catch (err) {
    plan.problem = err instanceof Error ? err.message : String(err);
  }
  return plan;
}

/** The metric with its schedule fields dropped (defaults apply): what a plan holds until they are resolved. */
function withoutSchedule(metric: Metric): ScheduledMetric {
  const rest: Record<string, unknown> = { ...metric };
  for (const field of SCHEDULE_FIELDS) delete rest[field];
  return rest as unknown as ScheduledMetric;
}

function freshResult(name: string, dryRun: boolean): MetricResult {
  return {
    name,
    phase: 'Pending',
    count: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    error: 0,
    consecutiveError: 0,
    ...(dryRun ? { dryRun: true } : {}),
    measurements: [],
  };
}

// ---- one metric ----------------------------------------------------------------------------------------------

async function stepMetric(plan: MetricPlan, ctx: StepContext): Promise<void> {
  const { result } = plan;
  if (isTerminalPhase(result.phase)) return;
  if (plan.problem !== undefined || plan.schedule === undefined || plan.conditions === undefined) {
    // A spec that cannot be measured will not get better by retrying: the metric errs at once.
    result.phase = 'Error';
    result.message = `cannot be measured: ${plan.problem ?? 'no schedule'}`;
    return;
  }
  const inFlight = inFlightMeasurement(result);
  if (inFlight !== undefined) {
    if (resumeAtMs(inFlight) <= ctx.deps.now) await resumeMeasurement(plan, inFlight, ctx);
    return;
  }
  if (nextMeasurementAt(plan.schedule, result, ctx.startedAtMs) > ctx.deps.now) return;
  const measurement = await takeMeasurement(plan.metric, plan.conditions, ctx, result.count + 1);
  if (measurement.phase === 'Running') {
    plan.dropped.push(...append(result, measurement, retentionLimit(ctx.run.spec, plan.metric.name)));
    result.phase = 'Running';
    return;
  }
  finish(plan, measurement, ctx, false);
  assess(plan);
}

function assess(plan: MetricPlan): void {
  const { result, schedule } = plan;
  if (schedule === undefined) return;
  const assessment = assessMetric(plan.metric, result, scheduleComplete(schedule, result));
  result.phase = assessment.phase;
  if (assessment.message === undefined) delete result.message;
  else result.message = assessment.message;
}

/** `index` numbers the measurement within the metric (a resumable provider names what it starts after it). */
async function takeMeasurement(metric: Metric, conditions: MetricConditions, ctx: StepContext, index: number): Promise<Measurement> {
  const at = new Date(ctx.deps.now).toISOString();
  let measured: MeasuredValue | Measurement;
  try {
    measured = await measure(metric, ctx, index);
  } catch (err) {
    return { phase: 'Error', startedAt: at, finishedAt: at, message: bounded(errorText(err)) };
  }
  if ('phase' in measured) return measured;
  const verdict: MeasurementVerdict = judgeMeasurement(conditions, measured.result);
  return {
    phase: verdict.phase,
    startedAt: at,
    finishedAt: at,
    value: measured.whole === true ? measured.text : bounded(measured.text),
    ...(verdict.message === undefined ? {} : { message: bounded(verdict.message) }),
  };
}

/** A query's value, or for a resumable provider the Running measurement it started. */
async function measure(metric: Metric, ctx: StepContext, index: number): Promise<MeasuredValue | Measurement> {
  const { run, deps } = ctx;
  const namespace = run.metadata.namespace ?? 'default';
  const args = await resolveMetricArgs(run.spec.args, metric, namespace, deps.secrets, ctx.secretMemo);
  const provider = deps.providerFor(metric);
  if (!isResumable(provider)) {
    return provider.measure(metric, { namespace, args, secrets: deps.secrets, ...(deps.signal ? { signal: deps.signal } : {}) });
  }
  const metadata = await provider.start(metric, resumeContext(ctx, args), index);
  const at = new Date(deps.now).toISOString();
  return { phase: 'Running', startedAt: at, metadata, resumeAt: new Date(deps.now + FIRST_RESUME_MS).toISOString() };
}

// ---- resumable measurements (the job provider) ---------------------------------------------------------------

/** A started measurement is first looked at this long after it started; the provider says when after that. */
const FIRST_RESUME_MS = 1_000;

function resumeContext(ctx: StepContext, args: Readonly<Record<string, string>> = {}): ResumeContext {
  const { run, deps } = ctx;
  const namespace = run.metadata.namespace ?? 'default';
  const identity = { name: run.metadata.name ?? '', namespace, uid: run.metadata.uid ?? run.metadata.name ?? '' };
  return { namespace, args, secrets: deps.secrets, run: identity, now: deps.now, ...(deps.signal ? { signal: deps.signal } : {}) };
}

/** The measurement still running: the last one, when its phase is Running. */
function inFlightMeasurement(result: MetricResult): Measurement | undefined {
  const last = result.measurements.at(-1);
  return last?.phase === 'Running' ? last : undefined;
}

/** When to look at a running measurement again; an unreadable or missing time makes it due now. */
function resumeAtMs(measurement: Measurement): number {
  const at = measurement.resumeAt === undefined ? Number.NaN : Date.parse(measurement.resumeAt);
  return Number.isFinite(at) ? at : Number.NEGATIVE_INFINITY;
}

function resumableFor(metric: Metric, ctx: StepContext): ResumableMetricProvider {
  const provider = ctx.deps.providerFor(metric);
  if (!isResumable(provider)) throw new VaneError('InvalidSpec', `metric "${metric.name}" has a running measurement but its provider (${provider.type}) takes none`);
  return provider;
}

async function resumeMeasurement(plan: MetricPlan, measurement: Measurement, ctx: StepContext): Promise<void> {
  const at = new Date(ctx.deps.now).toISOString();
  let provider: ResumableMetricProvider | undefined;
  try {
    provider = resumableFor(plan.metric, ctx);
    const progress = await provider.resume(measurement.metadata ?? {}, resumeContext(ctx), Date.parse(measurement.startedAt));
    if (progress.phase === 'Running') {
      const { message: _previous, ...rest } = measurement;
      replaceLast(plan.result, { ...rest, resumeAt: new Date(ctx.deps.now + progress.resumeAfterMs).toISOString() });
      return;
    }
    const message = progress.message === undefined ? {} : { message: bounded(progress.message) };
    finish(plan, { ...measurement, phase: progress.phase, finishedAt: at, ...message }, ctx, true);
  } catch (err) {
    // The measurement is given up: stop what it started (best effort), then the metric's error limits decide.
    await provider?.terminate(measurement.metadata ?? {}, resumeContext(ctx)).catch(() => undefined);
    finish(plan, { ...measurement, phase: 'Error', finishedAt: at, message: bounded(errorText(err)) }, ctx, true);
  }
  assess(plan);
}

/** Argo: a measurement still running when its run stops is terminated (its Job deleted) and ends Inconclusive. */
async function stopInFlight(plan: MetricPlan, ctx: StepContext): Promise<void> {
  const measurement = inFlightMeasurement(plan.result);
  if (measurement === undefined) return;
  const at = new Date(ctx.deps.now).toISOString();
  try {
    await resumableFor(plan.metric, ctx).terminate(measurement.metadata ?? {}, resumeContext(ctx));
    finish(plan, { ...measurement, phase: 'Inconclusive', finishedAt: at, message: 'Metric Terminated' }, ctx, true);
  } catch (err) {
    finish(plan, { ...measurement, phase: 'Error', finishedAt: at, message: bounded(`could not terminate: ${errorText(err)}`) }, ctx, true);
  }
}

/** Leftovers of measurements status no longer keeps are removed; a failure leaves them to the run's garbage collection. */
async function releaseDropped(plans: readonly MetricPlan[], ctx: StepContext): Promise<void> {
  const releases = plans.flatMap((plan) =>
    plan.dropped.filter((m) => m.metadata !== undefined).map(async (m) => {
      const provider = ctx.deps.providerFor(plan.metric);
      if (isResumable(provider)) await provider.release(m.metadata ?? {}, resumeContext(ctx));
    }),
  );
  await Promise.all(releases.map((release) => release.catch(() => undefined)));
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Status is kept in etcd and shown by kubectl: a web response or an error message is cut to a readable size. */
export const MAX_MEASUREMENT_TEXT = 1024;

function bounded(text: string): string {
  return text.length <= MAX_MEASUREMENT_TEXT ? text : `${text.slice(0, MAX_MEASUREMENT_TEXT - 1)}…`;
}

/**
 * Records a finished measurement: replacing the running one it ends (`replacesLast`) or appended. Status keeps the
 * newest `retention`; the ones it stops keeping are noted for release.
 */
function finish(plan: MetricPlan, measurement: Measurement, ctx: StepContext, replacesLast: boolean): void {
  const { resumeAt: _resumeAt, ...finished } = measurement;
  count(plan.result, finished);
  if (plan.metric.consecutiveSuccessLimit !== undefined) countSuccessStreak(plan.result, finished);
  if (replacesLast) replaceLast(plan.result, finished);
  else plan.dropped.push(...append(plan.result, finished, retentionLimit(ctx.run.spec, plan.metric.name)));
}

function replaceLast(result: MetricResult, measurement: Measurement): void {
  result.measurements = [...result.measurements.slice(0, -1), measurement];
}

/** Appends the measurement; returns the ones retention drops. */
function append(result: MetricResult, measurement: Measurement, retention: number): Measurement[] {
  const all = [...result.measurements, measurement];
  const kept = retainMeasurements(all, retention);
  result.measurements = kept;
  return all.slice(0, all.length - kept.length);
}

/** Counts the measurement; any outcome other than Error ends a run of consecutive errors. */
function count(result: MetricResult, measurement: Measurement): void {
  result.count += 1;
  if (measurement.phase === 'Error') {
    result.error += 1;
    result.consecutiveError += 1;
  } else {
    result.consecutiveError = 0;
    if (measurement.phase === 'Successful') result.successful += 1;
    if (measurement.phase === 'Failed') result.failed += 1;
    if (measurement.phase === 'Inconclusive') result.inconclusive += 1;
  }
}

/** Kept only for a metric with consecutiveSuccessLimit, so other metrics' status stays as it was. */
function countSuccessStreak(result: MetricResult, measurement: Measurement): void {
  result.consecutiveSuccess = measurement.phase === 'Successful' ? (result.consecutiveSuccess ?? 0) + 1 : 0;
}

function terminateMetric(plan: MetricPlan): void {
  const { result } = plan;
  if (isTerminalPhase(result.phase)) return;
  result.phase = 'Successful';
  result.message = `terminated after ${result.count} measurement${result.count === 1 ? '' : 's'}`;
}

/** Metrics still measuring when the run ended keep their phase, with a note saying why they stopped. */
function noteUnfinished(plans: readonly MetricPlan[], runPhase: AnalysisRunStatus['phase']): void {
  for (const { result } of plans) {
    if (!isTerminalPhase(result.phase)) result.message = `not measured further: the run ended ${runPhase}`;
  }
}

// ---- timing --------------------------------------------------------------------------------------------------

function requeueAfter(plans: readonly MetricPlan[], ctx: StepContext): number | undefined {
  let earliest: number | undefined;
  for (const { result, schedule } of plans) {
    if (isTerminalPhase(result.phase) || schedule === undefined) continue;
    const inFlight = inFlightMeasurement(result);
    const due = inFlight === undefined ? nextMeasurementAt(schedule, result, ctx.startedAtMs) : resumeAtMs(inFlight);
    earliest = earliest === undefined ? due : Math.min(earliest, due);
  }
  return earliest === undefined ? undefined : Math.max(0, earliest - ctx.deps.now);
}

function throwIfAborted(run: AnalysisRun, signal: AbortSignal | undefined): void {
  if (signal?.aborted !== true) return;
  const name = `${run.metadata.namespace ?? 'default'}/${run.metadata.name ?? '(unnamed)'}`;
  throw new VaneError('Unavailable', `measuring AnalysisRun ${name} was aborted`, { cause: signal.reason });
}
