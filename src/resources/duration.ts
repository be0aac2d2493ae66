// Durations in Vane specs: a number of seconds, or a Go-style string such as "500ms", "30s", "1h30m".
import { VaneError } from '../errors.js';
import type { Duration } from './analysis.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** One or more `<decimal><unit>` terms; a bare non-negative integer string is read as seconds. */
const TERM = /(\d+(?:\.\d+)?|\.\d+)(ms|s|m|h)/gy;
const BARE_SECONDS = /^\d+$/;

const HINT = 'expected seconds as a non-negative integer or a duration string like "500ms", "30s", "5m", "1h30m"';

/** Parses a spec duration into milliseconds; throws VaneError('InvalidSpec') when it is not one. */
export function parseDuration(value: number | string): number {
  if (typeof value === 'number') return parseSeconds(value);
  if (typeof value !== 'string') throw invalid(value);
  const text = value.trim();
  if (BARE_SECONDS.test(text)) return Number(text) * 1000;
  return parseTerms(text, value);
}

/** True when `value` is a number or string that `parseDuration` accepts. */
export function isDuration(value: unknown): value is Duration {
  if (typeof value !== 'number' && typeof value !== 'string') return false;
  try {
    parseDuration(value);
    return true;
  } catch {
    return false;
  }
}

function parseSeconds(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0) throw invalid(seconds);
  return Math.round(seconds * 1000);
}

function parseTerms(text: string, original: string): number {
  if (text === '') throw invalid(original);
  TERM.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let match = TERM.exec(text); match !== null; match = TERM.exec(text)) {
    total += Number(match[1]) * (UNIT_MS[match[2] ?? ''] ?? Number.NaN);
    consumed = TERM.lastIndex;
  }
  if (consumed !== text.length || !Number.isFinite(total)) throw invalid(original);
  return Math.round(total);
}

function invalid(value: unknown): VaneError {
  return new VaneError('InvalidSpec', `invalid duration ${JSON.stringify(value)}: ${HINT}`);
}
