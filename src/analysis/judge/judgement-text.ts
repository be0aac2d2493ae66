// Reads a judge measurement's value back: the JSON reasoning the judge provider stores, for people to see.
import type { Classification, JudgementVerdict, MetricJudgement } from './canary-judgement.js';

/** What the judge stores as the measurement's value (see judge-provider.ts), as far as readers rely on it. */
export interface StoredJudgement {
  verdict: JudgementVerdict;
  score: number;
  message?: string;
  metrics: MetricJudgement[];
}

const VERDICTS: ReadonlySet<string> = new Set<JudgementVerdict>(['Successful', 'Failed', 'Inconclusive']);
const CLASSIFICATIONS: ReadonlySet<string> = new Set<Classification>(['Pass', 'High', 'Low', 'NoData']);

/** The judgement a measurement value holds, or undefined when the value is anything else (another provider's). */
export function readJudgement(text: string | undefined): StoredJudgement | undefined {
  if (text === undefined || !text.startsWith('{')) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  return isJudgement(parsed) ? parsed : undefined;
}

function isJudgement(value: unknown): value is StoredJudgement {
  const v = value as Partial<StoredJudgement> | null;
  if (typeof v !== 'object' || v === null || typeof v.verdict !== 'string' || !VERDICTS.has(v.verdict)) return false;
  if (typeof v.score !== 'number' || !Array.isArray(v.metrics)) return false;
  return v.metrics.every((m: Partial<MetricJudgement> | null) => typeof m === 'object' && m !== null && typeof m.name === 'string' && typeof m.classification === 'string' && CLASSIFICATIONS.has(m.classification));
}

/** Four significant digits, enough to read a p-value or a median; `-` where the judge could not compute it. */
export function formatJudgementNumber(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}
