// `{{args.name}}` placeholders in a metric's strings (queries, URLs, headers, bodies), replaced by resolved values.
import { MetricError } from './metric-provider.js';

const PLACEHOLDER = /\{\{\s*args\.([A-Za-z0-9_.-]+)\s*\}\}/g;

/** Replaces every placeholder in `text`; an argument without a value is a BadQuery naming it. */
export function substituteArgs(text: string, args: Readonly<Record<string, string>>): string {
  return text.replace(PLACEHOLDER, (_match, name: string) => {
    const value = args[name];
    if (value === undefined) throw new MetricError('BadQuery', `argument "${name}" is used but has no value`);
    return value;
  });
}

/** Names of the arguments `text` refers to. */
export function placeholderNames(text: string): Set<string> {
  return new Set(Array.from(text.matchAll(PLACEHOLDER), (m) => m[1] ?? ''));
}
