// Whether two plans are the same, independent of key order, so an unchanged spec is never mistaken for a change.
import { sameJson } from '../resources/canonical-json.js';
import type { RolloutPlan } from './rollout-plan.js';

export function samePlan(a: RolloutPlan, b: RolloutPlan): boolean {
  return sameJson(a, b);
}
