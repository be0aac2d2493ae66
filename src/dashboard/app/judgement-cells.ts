// One row of the judge's reasoning as the rollout page shows it: what was compared, how it was classified and why.
import { formatJudgementNumber } from '../../analysis/judge/judgement-text.js';
import type { MetricJudgement } from '../../analysis/judge/canary-judgement.js';

export const JUDGEMENT_COLUMNS = ['Metric', 'Group', 'Classification', 'p-value', 'Effect size', 'Median baseline → canary', 'Samples'] as const;

export function judgementCells(m: MetricJudgement): string[] {
  return [
    m.name,
    m.group,
    m.critical ? `${m.classification} (critical)` : m.classification,
    formatJudgementNumber(m.pValue),
    formatJudgementNumber(m.effectSize),
    `${formatJudgementNumber(m.baselineMedian)} → ${formatJudgementNumber(m.canaryMedian)}`,
    `${m.baselineCount} / ${m.canaryCount}${m.message ? ` — ${m.message}` : ''}`,
  ];
}
