// Whether two plans are the same, independent of key order, so an unchanged spec is never mistaken for a change.
import type { RolloutPlan } from './rollout-plan.js';

export function samePlan(a: RolloutPlan, b: RolloutPlan): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

/** JSON with object keys sorted and undefined members dropped, as a stored and re-read plan would have them. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (isPlainObject(v) ? sortKeys(v) : v));
}

function sortKeys(obj: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, obj[k]]));
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
