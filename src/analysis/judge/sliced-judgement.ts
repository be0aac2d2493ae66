// A judgement computed in slices: the event loop gets a turn between metrics once a slice has run its budget.
import { setImmediate as nextTurn } from 'node:timers/promises';
import { classifyMetric, scoreJudgement, type Judgement, type JudgementRules, type MetricJudgement, type MetricSamples } from './canary-judgement.js';

/** The bound: no synchronous stretch of a judgement should hold the event loop much past 20 ms. */
export const SLICE_BUDGET_MS = 10;

export interface SliceOptions {
  /** Milliseconds a slice may run before yielding; defaults to SLICE_BUDGET_MS. */
  budgetMs?: number;
  /** Gives the event loop a turn; defaults to `setImmediate`. */
  yieldTurn?: () => Promise<unknown>;
  /** The clock, in ms (a monotonic one by default). */
  clock?: () => number;
}

/**
 * The same judgement as `judgeSamples`, yielding between metrics whenever the metrics classified since the last
 * turn took longer than the budget. One metric is never split: with the default ratio effect size a metric of
 * 1,000 samples a side is a sort and one rank pass, well under a millisecond.
 */
export async function judgeInSlices(rules: JudgementRules, samples: readonly MetricSamples[], options: SliceOptions = {}): Promise<Judgement> {
  const budget = options.budgetMs ?? SLICE_BUDGET_MS;
  const yieldTurn = options.yieldTurn ?? ((): Promise<unknown> => nextTurn());
  const clock = options.clock ?? ((): number => performance.now());
  const metrics: MetricJudgement[] = [];
  let sliceStart = clock();
  for (const [i, metric] of rules.metrics.entries()) {
    metrics.push(classifyMetric(metric, samples[i] ?? { baseline: [], canary: [] }, rules.alpha));
    if (i < rules.metrics.length - 1 && clock() - sliceStart > budget) {
      await yieldTurn();
      sliceStart = clock();
    }
  }
  return scoreJudgement(rules, metrics);
}
