// The baseline-vs-canary judgement: each metric's samples classified Pass/High/Low/NoData, then scored 0..100.
import type { JudgeDirection, JudgeEffectSize, JudgeMetric, JudgeMetricQuery } from '../../resources/analysis.js';
import { mannWhitneyU, type Alternative } from '../statistics/mann-whitney.js';
import { hodgesLehmann, median, removeOutliers } from '../statistics/sample-summary.js';

export type Classification = 'Pass' | 'High' | 'Low' | 'NoData';
export type JudgementVerdict = 'Successful' | 'Failed' | 'Inconclusive';

/** The defaults of docs/judge.md, applied in code like the metric defaults (analysis-defaults.ts). */
export const JUDGE_DEFAULTS = {
  lookback: '10m',
  step: '15s',
  marginal: 75,
  pass: 95,
  confidence: 0.95,
  group: 'default',
  groupWeight: 1,
  direction: 'either',
  tolerance: 0.1,
  effectSize: 'ratio',
  critical: false,
  minSamples: 10,
  outliers: 'keep',
  nanStrategy: 'remove',
} as const;

/** One judge metric with every default filled in. */
export interface MetricRules {
  name: string;
  group: string;
  direction: JudgeDirection;
  tolerance: { increase: number; decrease: number };
  effectSize: JudgeEffectSize;
  critical: boolean;
  minSamples: number;
  outliers: 'keep' | 'remove';
  nanStrategy: 'remove' | 'replaceWithZero';
}

/** The judgement's own settings with defaults filled in. */
export interface JudgementRules {
  /** alpha = 1 - confidence. */
  alpha: number;
  marginal: number;
  pass: number;
  /** Weight of every group a metric names (undeclared groups weigh 1). */
  weights: Readonly<Record<string, number>>;
  metrics: MetricRules[];
}

export interface MetricSamples {
  baseline: readonly number[];
  canary: readonly number[];
}

/**
 * The reasoning for one metric, as stored in the measurement. Numbers that could not be computed (a side without
 * samples, an unbounded relative change) are null: JSON has no NaN or Infinity, and a NaN would block conditions.
 */
export interface MetricJudgement {
  name: string;
  group: string;
  classification: Classification;
  critical: boolean;
  /** U of the canary sample against the baseline (pairs where the canary is larger, ties counting 1/2). */
  statistic: number | null;
  pValue: number | null;
  method: 'exact' | 'asymptotic' | null;
  /**
   * ratio: canary median / baseline median (1 + the relative change, which keeps its sign for a negative baseline);
   * hodgesLehmann: the shift relative to the baseline median (0.2 = +20%). Null when the change is unbounded.
   */
  effectSize: number | null;
  baselineMedian: number | null;
  canaryMedian: number | null;
  /** Samples compared, after NaN and outlier handling. */
  baselineCount: number;
  canaryCount: number;
  message?: string;
}

export interface Judgement {
  verdict: JudgementVerdict;
  /** 0..100: the weighted share of classified metrics that passed. */
  score: number;
  message: string;
  metrics: MetricJudgement[];
}

/** The judge spec with its defaults applied. */
export function judgementRules(spec: JudgeMetric): JudgementRules {
  const metrics = spec.metrics.map(metricRules);
  const declared = spec.groups ?? {};
  const weights: Record<string, number> = {};
  for (const m of metrics) weights[m.group] = Object.hasOwn(declared, m.group) ? (declared[m.group] as number) : JUDGE_DEFAULTS.groupWeight;
  return {
    alpha: 1 - (spec.confidence ?? JUDGE_DEFAULTS.confidence),
    marginal: spec.thresholds?.marginal ?? JUDGE_DEFAULTS.marginal,
    pass: spec.thresholds?.pass ?? JUDGE_DEFAULTS.pass,
    weights,
    metrics,
  };
}

export function metricRules(query: JudgeMetricQuery): MetricRules {
  return {
    name: query.name,
    group: query.group ?? JUDGE_DEFAULTS.group,
    direction: query.direction ?? JUDGE_DEFAULTS.direction,
    tolerance: {
      increase: query.tolerance?.increase ?? JUDGE_DEFAULTS.tolerance,
      decrease: query.tolerance?.decrease ?? JUDGE_DEFAULTS.tolerance,
    },
    effectSize: query.effectSize ?? JUDGE_DEFAULTS.effectSize,
    critical: query.critical ?? JUDGE_DEFAULTS.critical,
    minSamples: query.minSamples ?? JUDGE_DEFAULTS.minSamples,
    outliers: query.outliers ?? JUDGE_DEFAULTS.outliers,
    nanStrategy: query.nanStrategy ?? JUDGE_DEFAULTS.nanStrategy,
  };
}

// ---- one metric ------------------------------------------------------------------------------------------------

/** canary vs baseline: which way the test looks for the change that is bad. */
const ALTERNATIVE: Record<JudgeDirection, Alternative> = { increase: 'greater', decrease: 'less', either: 'two-sided' };

/**
 * Classifies one metric: NaN handled, outliers optionally removed, then NoData below `minSamples` on a side; else a
 * Mann-Whitney U test (canary against baseline) and an effect size. High (Low) needs both p < alpha and an effect
 * beyond the increase (decrease) tolerance, in a direction that is bad: a significant but tolerated change passes,
 * and so does a large change the test cannot tell from chance.
 */
export function classifyMetric(rules: MetricRules, samples: MetricSamples, alpha: number): MetricJudgement {
  const baseline = cleaned(samples.baseline, rules);
  const canary = cleaned(samples.canary, rules);
  const base = { name: rules.name, group: rules.group, critical: rules.critical, baselineCount: baseline.length, canaryCount: canary.length };
  const baselineMedian = baseline.length > 0 ? median(baseline) : null;
  const canaryMedian = canary.length > 0 ? median(canary) : null;
  if (baseline.length < rules.minSamples || canary.length < rules.minSamples) {
    const short = [baseline.length < rules.minSamples ? `baseline has ${baseline.length}` : '', canary.length < rules.minSamples ? `canary has ${canary.length}` : '']
      .filter((s) => s !== '')
      .join(' and ');
    return {
      ...base,
      classification: 'NoData',
      statistic: null,
      pValue: null,
      method: null,
      effectSize: null,
      baselineMedian,
      canaryMedian,
      message: `${short} samples, fewer than minSamples ${rules.minSamples}`,
    };
  }
  const test = mannWhitneyU(canary, baseline, { alternative: ALTERNATIVE[rules.direction] });
  const change = relativeChange(rules.effectSize, baseline, canary, baselineMedian as number);
  const significant = Number.isFinite(test.pValue) && test.pValue < alpha;
  const classification = classify(rules, significant, change);
  const effectSize = rules.effectSize === 'ratio' ? 1 + change : change;
  const unbounded = Number.isFinite(change) ? {} : { message: `the baseline median is ${baselineMedian}, so the relative change is unbounded` };
  return {
    ...base,
    classification,
    statistic: test.statistic,
    pValue: Number.isFinite(test.pValue) ? test.pValue : null,
    method: test.method,
    effectSize: Number.isFinite(effectSize) ? effectSize : null,
    baselineMedian,
    canaryMedian,
    ...unbounded,
  };
}

function classify(rules: MetricRules, significant: boolean, change: number): Classification {
  if (!significant) return 'Pass';
  const badIncrease = rules.direction !== 'decrease' && change > rules.tolerance.increase;
  const badDecrease = rules.direction !== 'increase' && change < -rules.tolerance.decrease;
  if (badIncrease) return 'High';
  if (badDecrease) return 'Low';
  return 'Pass';
}

/**
 * Non-finite values (NaN, and ±Inf: a histogram_quantile past the top bucket) have no place in a median or a shift,
 * so `nanStrategy` treats them alike: removed, or counted as 0. Outliers are then removed per side when asked.
 */
function cleaned(values: readonly number[], rules: MetricRules): number[] {
  const finite = rules.nanStrategy === 'remove' ? values.filter(Number.isFinite) : values.map((v) => (Number.isFinite(v) ? v : 0));
  return rules.outliers === 'remove' && finite.length > 0 ? removeOutliers(finite) : finite;
}

/**
 * The canary's change relative to the baseline median, 0 for none: for `ratio` (canary median − baseline median) /
 * |baseline median| (the ratio minus 1 for a positive baseline, and still the right sign for a negative one); for
 * `hodgesLehmann` the Hodges–Lehmann shift divided by |baseline median|. A baseline median of 0 makes any change
 * unbounded (±Infinity, so it exceeds every tolerance) and no change 0.
 */
export function relativeChange(kind: JudgeEffectSize, baseline: readonly number[], canary: readonly number[], baselineMedian: number): number {
  const shift = kind === 'ratio' ? median(canary) - baselineMedian : hodgesLehmann(baseline, canary);
  if (shift === 0) return 0;
  if (baselineMedian === 0) return shift > 0 ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY;
  return shift / Math.abs(baselineMedian);
}

// ---- the judgement ---------------------------------------------------------------------------------------------

/**
 * The verdict over classified metrics: a High or Low on a critical metric fails it whatever the score; else a
 * metric without data makes it Inconclusive (the judge does not pass what it could not see); else the score
 * against the thresholds: below `marginal` Failed, at or above `pass` Successful, between them Inconclusive.
 * The score is Σ weight_g × passed_g / classified_g over the groups with a classified metric, / Σ weight_g, × 100;
 * NoData metrics are left out of it (and when nothing was classified the score is 0).
 */
export function scoreJudgement(rules: JudgementRules, metrics: MetricJudgement[]): Judgement {
  const score = weightedScore(rules.weights, metrics);
  const failedCritical = metrics.filter((m) => m.critical && (m.classification === 'High' || m.classification === 'Low'));
  if (failedCritical.length > 0) {
    return { verdict: 'Failed', score, message: `critical ${listed(failedCritical)} ${failedCritical.length === 1 ? 'is' : 'are'} ${classificationsOf(failedCritical)}`, metrics };
  }
  const noData = metrics.filter((m) => m.classification === 'NoData');
  if (noData.length > 0) return { verdict: 'Inconclusive', score, message: `no data for ${listed(noData)}`, metrics };
  const shown = `score ${Math.round(score * 100) / 100}`;
  if (score < rules.marginal) return { verdict: 'Failed', score, message: `${shown} is below marginal ${rules.marginal}`, metrics };
  if (score >= rules.pass) return { verdict: 'Successful', score, message: `${shown} reaches pass ${rules.pass}`, metrics };
  return { verdict: 'Inconclusive', score, message: `${shown} is between marginal ${rules.marginal} and pass ${rules.pass}`, metrics };
}

function weightedScore(weights: Readonly<Record<string, number>>, metrics: readonly MetricJudgement[]): number {
  const groups = new Map<string, { passed: number; classified: number }>();
  for (const m of metrics) {
    if (m.classification === 'NoData') continue;
    const g = groups.get(m.group) ?? { passed: 0, classified: 0 };
    g.classified += 1;
    if (m.classification === 'Pass') g.passed += 1;
    groups.set(m.group, g);
  }
  let weighted = 0;
  let total = 0;
  for (const [group, { passed, classified }] of groups) {
    const weight = weights[group] ?? JUDGE_DEFAULTS.groupWeight;
    weighted += (weight * passed) / classified;
    total += weight;
  }
  return total === 0 ? 0 : (weighted / total) * 100;
}

function listed(metrics: readonly MetricJudgement[]): string {
  return metrics.map((m) => JSON.stringify(m.name)).join(', ');
}

function classificationsOf(metrics: readonly MetricJudgement[]): string {
  return metrics.map((m) => m.classification).join(', ');
}

/** Classifies every metric and scores them, in one synchronous pass (see sliced-judgement.ts for the event loop). */
export function judgeSamples(rules: JudgementRules, samples: readonly MetricSamples[]): Judgement {
  return scoreJudgement(
    rules,
    rules.metrics.map((m, i) => classifyMetric(m, samples[i] ?? { baseline: [], canary: [] }, rules.alpha)),
  );
}
