// One step of an AnalysisRun: take the measurements due at `now`, judge them, and say when the next step is due.
import { VaneError } from '../errors.js';
import type { AnalysisRun, AnalysisRunStatus, Measurement, Metric, MetricResult } from '../resources/analysis.js';
import { compileMetricConditions, judgeMeasurement, type MeasurementVerdict, type MetricConditions } from './measurement-verdict.js';
import { retainMeasurements, retentionLimit } from './measurement-retention.js';
import type { MeasuredValue, MetricProvider, SecretReader } from './metric-provider.js';
import { SCHEDULE_FIELDS, scheduledMetric, type ScheduledMetric } from './metric-arguments.js';
import { assessMetric } from './metric-limits.js';
import { metricSchedule, nextMeasurementAt, scheduleComplete, type MetricSchedule } from './metric-schedule.js';
import { resolveMetricArgs, type SecretMemo } from './run-arguments.js';
import { assessRun, isTerminalPhase } from './run-verdict.js';

export interface AnalysisRunDeps {
  /** The current time (epoch ms). Every schedule decision is taken against it; nothing here reads the clock. */
  now: number;
  /** The provider that measures `metric`; may throw for a metric no provider serves (its measurements then err). */
  providerFor(metric: Metric): MetricProvider;
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
  const ctx: StepContext = { run, deps, startedAtMs, secretMemo: new Map() };
  const plans = run.spec.metrics.map((metric) => planMetric(metric, run.spec.args, previous));
  const terminated = run.spec.terminate === true;
  if (terminated) plans.forEach(terminateMetric);
  else await Promise.all(plans.map((plan) => stepMetric(plan, ctx)));
  throwIfAborted(run, deps.signal);
  const results = plans.map((plan) => plan.result);
  const verdict = assessRun(results, terminated);
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

function planMetric(metric: Metric, args: AnalysisRun['spec']['args'], previous: AnalysisRunStatus | undefined): MetricPlan {
  const old = previous?.metricResults?.find((r) => r.name === metric.name);
  const result: MetricResult = old === undefined ? freshResult(metric) : structuredClone(old);
  const plan: MetricPlan = { metric: withoutSchedule(metric), result };
  if (isTerminalPhase(result.phase)) return plan;
  try {
    plan.metric = scheduledMetric(metric, args);
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

function freshResult(metric: Metric): MetricResult {
  return {
    name: metric.name,
    phase: 'Pending',
    count: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    error: 0,
    consecutiveError: 0,
    ...(metric.dryRun === true ? { dryRun: true } : {}),
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
  if (nextMeasurementAt(plan.schedule, result, ctx.startedAtMs) > ctx.deps.now) return;
  const measurement = await takeMeasurement(plan.metric, plan.conditions, ctx);
  record(result, measurement, retentionLimit(ctx.run.spec, plan.metric.name));
  const assessment = assessMetric(plan.metric, result, scheduleComplete(plan.schedule, result));
  result.phase = assessment.phase;
  if (assessment.message === undefined) delete result.message;
  else result.message = assessment.message;
}

async function takeMeasurement(metric: Metric, conditions: MetricConditions, ctx: StepContext): Promise<Measurement> {
  const at = new Date(ctx.deps.now).toISOString();
  let measured: MeasuredValue;
  try {
    measured = await measure(metric, ctx);
  } catch (err) {
    return { phase: 'Error', startedAt: at, finishedAt: at, message: bounded(err instanceof Error ? err.message : String(err)) };
  }
  const verdict: MeasurementVerdict = judgeMeasurement(conditions, measured.result);
  return {
    phase: verdict.phase,
    startedAt: at,
    finishedAt: at,
    value: bounded(measured.text),
    ...(verdict.message === undefined ? {} : { message: bounded(verdict.message) }),
  };
}

async function measure(metric: Metric, ctx: StepContext): Promise<MeasuredValue> {
  const { run, deps } = ctx;
  const namespace = run.metadata.namespace ?? 'default';
  const args = await resolveMetricArgs(run.spec.args, metric, namespace, deps.secrets, ctx.secretMemo);
  const provider = deps.providerFor(metric);
  return provider.measure(metric, { namespace, args, secrets: deps.secrets, ...(deps.signal ? { signal: deps.signal } : {}) });
}

/** Status is kept in etcd and shown by kubectl: a web response or an error message is cut to a readable size. */
export const MAX_MEASUREMENT_TEXT = 1024;

function bounded(text: string): string {
  return text.length <= MAX_MEASUREMENT_TEXT ? text : `${text.slice(0, MAX_MEASUREMENT_TEXT - 1)}…`;
}

/** Counts the measurement; any outcome other than Error ends a run of consecutive errors. */
function record(result: MetricResult, measurement: Measurement, retention: number): void {
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
  result.measurements = retainMeasurements([...result.measurements, measurement], retention);
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
    const due = nextMeasurementAt(schedule, result, ctx.startedAtMs);
    earliest = earliest === undefined ? due : Math.min(earliest, due);
  }
  return earliest === undefined ? undefined : Math.max(0, earliest - ctx.deps.now);
}

function throwIfAborted(run: AnalysisRun, signal: AbortSignal | undefined): void {
  if (signal?.aborted !== true) return;
  const name = `${run.metadata.namespace ?? 'default'}/${run.metadata.name ?? '(unnamed)'}`;
  throw new VaneError('Unavailable', `measuring AnalysisRun ${name} was aborted`, { cause: signal.reason });
}
