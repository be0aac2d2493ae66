// The parts of a Rollout's detail that say where it stands in time, for people watching it (the dashboard, `vane
// get`): what the current step waits for, the canary weight over the current release, and a metric condition's
// threshold as a number to draw. Pure: derived from the Rollout and its AnalysisRuns as read.
import { TerminalError } from '../errors.js';
import { weightAt } from '../machine/canary-replicas.js';
import { planFromSpec, type CanaryPlan } from '../machine/rollout-plan.js';
import { parseDuration } from '../resources/duration.js';
import type { CanaryStep, PauseCondition, RevisionRecord, Rollout } from '../resources/rollout.js';
import type { MetricThreshold, StepWait, WeightPoint } from './rollout-view.js';

/** What the current step waits for, or undefined when the rollout is not moving through its steps. */
export function stepWait(rollout: Rollout, step: CanaryStep, index: number): StepWait | undefined {
  const status = rollout.status ?? {};
  if (status.phase !== 'Progressing' && status.phase !== 'Paused') return undefined;
  if ('pause' in step) return pauseWait(step.pause?.duration, status.pauseConditions ?? []);
  if ('analysis' in step) {
    const run = (status.analysisRuns ?? []).filter((ref) => ref.gate === String(index)).at(-1);
    const description = run ? `analysis ${run.name}${run.phase ? ` (${run.phase})` : ''}` : 'analysis to start';
    return { kind: 'analysis', description, ...(run ? { analysisRun: run.name } : {}) };
  }
  return { kind: 'pods', description: status.message ?? 'canary pods to be ready' };
}

function pauseWait(duration: number | string | undefined, conditions: readonly PauseCondition[]): StepWait {
  if (duration === undefined) return { kind: 'promotion', description: 'a person to promote' };
  const started = conditions.find((c) => c.reason === 'CanaryPauseStep')?.startTime;
  let ms: number;
  try {
    ms = parseDuration(duration);
  } catch {
    return { kind: 'pause', description: `pause ${String(duration)}` };
  }
  if (started === undefined) return { kind: 'pause', description: `pause ${String(duration)}` };
  const until = new Date(Date.parse(started) + ms).toISOString();
  return { kind: 'pause', description: `pause ${String(duration)} until ${until}`, until };
}

/**
 * The canary weight over the current (newest) release: 0 at its start, each step as it was entered at the weight in
 * force there (the machine's own `weightAt`), and its end: all traffic on the new version once promoted, back to 0
 * once aborted. The status' weight closes the line while the release moves.
 */
export function weightHistory(rollout: Rollout): WeightPoint[] {
  const release = rollout.status?.history?.at(-1);
  const plan = release && rollout.spec?.strategy?.canary ? canaryPlanOf(rollout) : undefined;
  if (!release || !plan) return [];
  const points: WeightPoint[] = [{ at: release.startedAt, canary: 0 }];
  for (const entered of release.steps ?? []) points.push({ at: entered.at, canary: weightAt(plan, entered.index) });
  const end = endOf(release);
  if (end) points.push(end);
  else {
    const live = rollout.status?.canary?.weights?.canary;
    if (live !== undefined && live !== points.at(-1)?.canary) points.push({ at: points.at(-1)?.at ?? release.startedAt, canary: live });
  }
  return points;
}

/** A spec the plan cannot be read from (an invalid one, shown as such elsewhere) has no weight line. */
function canaryPlanOf(rollout: Rollout): CanaryPlan | undefined {
  try {
    const plan = planFromSpec(rollout.spec);
    return plan.strategy === 'canary' ? plan : undefined;
  } catch (err) {
    if (err instanceof TerminalError) return undefined;
    throw err;
  }
}

function endOf(release: RevisionRecord): WeightPoint | undefined {
  if (release.outcome === 'Promoted' && release.finishedAt) return { at: release.finishedAt, canary: 100 };
  if (release.outcome === 'Aborted') {
    const at = release.trafficResetAt ?? release.verdict?.at ?? release.finishedAt;
    return at ? { at, canary: 0 } : undefined;
  }
  return undefined;
}

/** `result`, its first element, or one field of an object result (`result.errorRate`, `result['p99']`). */
const RESULT = String.raw`(?:asFloat\()?\s*result(?:\[0\]|\.[A-Za-z_]\w*|\[(?:'\w+'|"\w+")\])?\s*\)?`;
const NUMBER = String.raw`(-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)`;
const OPERATOR = '(<=|>=|==|!=|<|>)';
const RESULT_FIRST = new RegExp(String.raw`^\s*${RESULT}\s*${OPERATOR}\s*${NUMBER}\s*$`);
const NUMBER_FIRST = new RegExp(String.raw`^\s*${NUMBER}\s*${OPERATOR}\s*${RESULT}\s*$`);
const THRESHOLD_TEXT_MAX = 200;
const MIRRORED: Record<MetricThreshold['operator'], MetricThreshold['operator']> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=', '==': '==', '!=': '!=' };

/**
 * A threshold line for a metric whose condition compares its result with a number (`result[0] < 0.01`,
 * `0.95 <= result`); undefined for any other condition, which is shown as text only. The success condition is
 * preferred, as it is the one people write the limit into.
 */
export function metricThreshold(successCondition: string | undefined, failureCondition: string | undefined): MetricThreshold | undefined {
  for (const [condition, text] of [['success', successCondition], ['failure', failureCondition]] as const) {
    // One comparison is short; a long text is something else, and is not worth matching (its runs of spaces would
    // make the patterns backtrack).
    if (text === undefined || text.length > THRESHOLD_TEXT_MAX) continue;
    const resultFirst = RESULT_FIRST.exec(text);
    if (resultFirst) return { condition, operator: resultFirst[1] as MetricThreshold['operator'], value: Number(resultFirst[2]) };
    const numberFirst = NUMBER_FIRST.exec(text);
    if (numberFirst) return { condition, operator: MIRRORED[numberFirst[2] as MetricThreshold['operator']], value: Number(numberFirst[1]) };
  }
  return undefined;
}
