// Settings shared by the HTTP metric providers: spec durations as milliseconds, and addresses safe to show in messages.
import type { Duration } from '../../resources/analysis.js';
import { parseDuration } from '../../resources/duration.js';
import { MetricError } from '../metric-provider.js';

/**
 * The most an HTTP metric provider reads of an answer: metrics answers are small, and a huge one (a wrong address
 * serving a file, a query matching millions of series) must not fill the controller's heap. Beyond it: BadResponse.
 */
export const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/** A positive spec duration in milliseconds; anything else is a BadQuery naming the metric and the field. */
export function positiveDurationMs(metricName: string, field: string, value: Duration | undefined, fallbackMs: number): number {
  if (value === undefined) return fallbackMs;
  let ms: number;
  try {
    ms = parseDuration(value);
  } catch (err) {
    throw new MetricError('BadQuery', `metric "${metricName}": ${field}: ${(err as Error).message}`, { cause: err });
  }
  if (ms <= 0) throw new MetricError('BadQuery', `metric "${metricName}": ${field} must be greater than zero, got ${JSON.stringify(value)}`);
  return ms;
}

/** Parses an http(s) URL from the spec (after argument substitution); anything else is a BadQuery. */
export function httpUrl(metricName: string, field: string, text: string): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new MetricError('BadQuery', `metric "${metricName}": ${field} ${JSON.stringify(shownText(text))} is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new MetricError('BadQuery', `metric "${metricName}": ${field} must be an http or https URL, got ${url.protocol}`);
  }
  return url;
}

/** The URL without credentials or query string, which may carry secrets (`?api_key=`), for messages. */
export function shownUrl(url: URL): string {
  return `${url.origin}${url.pathname}`;
}

/** A body excerpt short enough for a status message. */
export function excerpt(text: string, limit = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit)}…` : flat;
}

function shownText(text: string): string {
  return text.replace(/\/\/[^/@]*@/, '//');
}
