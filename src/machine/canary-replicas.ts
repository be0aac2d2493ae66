// How many pods the stable and canary ReplicaSets of a canary should have at a given step.
import type { CanaryPlan, CanaryStepPlan } from './rollout-plan.js';

export interface ReplicaSplit {
  stable: number;
  canary: number;
}

/** The traffic weight in force at `stepIndex`: that of the last setWeight step at or before it, else 0. */
export function weightAt(plan: CanaryPlan, stepIndex: number): number {
  let weight = 0;
  for (const step of plan.steps.slice(0, stepIndex + 1)) {
    if (step.kind === 'setWeight') weight = step.weight;
  }
  return weight;
}

/**
 * Canary pods follow the weight (rounded up, so any weight above 0 gets a pod) unless a setCanaryScale step pinned
 * them; a router keeps stable at full size, a replica-ratio canary takes its pods from stable.
 */
export function splitAt(plan: CanaryPlan, stepIndex: number): ReplicaSplit {
  const pinned = pinnedScaleAt(plan, stepIndex);
  const canary = pinned ?? ofReplicas(plan.replicas, weightAt(plan, stepIndex));
  return { canary, stable: stableFor(plan, canary) };
}

/**
 * True when the step at `stepIndex` asks for no canary pods (setWeight 0, setCanaryScale to 0, or any step of a
 * Rollout of 0 replicas): readiness of zero pods is never observed, so such a step has nothing to wait for.
 */
export function noCanaryPodsAt(plan: CanaryPlan, stepIndex: number): boolean {
  return splitAt(plan, stepIndex).canary === 0;
}

/** After the last step: the canary at full size, stable unchanged until the promotion scales it to zero. */
export function splitForCompletion(plan: CanaryPlan): ReplicaSplit {
  const last = splitAt(plan, plan.steps.length - 1);
  return { canary: plan.replicas, stable: last.stable };
}

function stableFor(plan: CanaryPlan, canary: number): number {
  return plan.hasTrafficRouting ? plan.replicas : Math.max(0, plan.replicas - canary);
}

function pinnedScaleAt(plan: CanaryPlan, stepIndex: number): number | undefined {
  let pinned: number | undefined;
  for (const step of plan.steps.slice(0, stepIndex + 1)) {
    if (step.kind === 'setCanaryScale') pinned = pinnedBy(plan, step);
  }
  return pinned;
}

function pinnedBy(plan: CanaryPlan, step: Extract<CanaryStepPlan, { kind: 'setCanaryScale' }>): number | undefined {
  if (step.matchTrafficWeight) return undefined;
  if (step.replicas !== undefined) return step.replicas;
  if (step.weight !== undefined) return ofReplicas(plan.replicas, step.weight);
  return undefined;
}

function ofReplicas(replicas: number, weight: number): number {
  return Math.ceil((replicas * weight) / 100);
}
