// How many pods the stable and canary ReplicaSets of a canary should have at a given step.
import { canaryScaleOf, weightSetBy, type CanaryPlan, type CanaryScalePlan } from './rollout-plan.js';
import { resolveSurgeBounds, type SurgeBounds } from './surge-bounds.js';

export interface ReplicaSplit {
  stable: number;
  canary: number;
}

/** The traffic weight in force at `stepIndex`: that of the last step at or before it that sets one, else 0. */
export function weightAt(plan: CanaryPlan, stepIndex: number): number {
  let weight = 0;
  for (const step of plan.steps.slice(0, stepIndex + 1)) weight = weightSetBy(step) ?? weight;
  return weight;
}

/**
 * With a router, canary pods follow the weight (rounded up, so any weight above 0 gets a pod) unless a
 * setCanaryScale step pinned them, and stable stays at full size (with dynamicStableScale, see `dynamicStable`).
 * Without one, the pods are the traffic: the split is the one closest to the weight (see `basicCanarySplit`).
 * `currentWeight` is the weight the router has now (the step's own once it is set).
 */
export function splitAt(plan: CanaryPlan, stepIndex: number, currentWeight = weightAt(plan, stepIndex)): ReplicaSplit {
  if (!plan.hasTrafficRouting) return basicCanarySplit(plan.replicas, weightAt(plan, stepIndex), surgeBoundsOf(plan).surge);
  const pinned = pinnedScaleAt(plan, stepIndex);
  const canary = pinned ?? withMinPods(plan, ofReplicas(plan.replicas, weightAt(plan, stepIndex)));
  return { canary, stable: dynamicStable(plan, weightAt(plan, stepIndex), currentWeight) };
}

/**
 * Argo docs features/canary.md "Dynamic Stable Scale": stable is scaled to the share of traffic it gets, the larger
 * of the share the step asks for and the share it still has, so it shrinks only after traffic left it and grows
 * before traffic returns (at least minPodsPerReplicaSet). Without the option, full size.
 */
export function dynamicStable(plan: CanaryPlan, desiredWeight: number, currentWeight: number): number {
  if (plan.dynamicStableScale !== true) return plan.replicas;
  const share = Math.max(ofReplicas(plan.replicas, 100 - desiredWeight), ofReplicas(plan.replicas, 100 - currentWeight));
  return withMinPods(plan, share);
}

/** The plan's maxSurge / maxUnavailable resolved against its replicas (defaults 25% each). */
export function surgeBoundsOf(plan: CanaryPlan): SurgeBounds {
  return resolveSurgeBounds(plan.maxSurge, plan.maxUnavailable, plan.replicas);
}

/**
 * Argo docs features/canary/index.md ("maxSurge defines the maximum number of replicas the rollout can create to
 * move to the correct ratio set by the last setWeight"): of the splits over spec.replicas pods, or one pod more when
 * surge is allowed, the one whose canary share is closest to the weight; a tie between rounding down and up takes
 * the larger canary. A weight strictly between 0 and 100 never leaves canary or stable without a pod, unless a
 * single pod without surge leaves no choice.
 */
export function basicCanarySplit(replicas: number, weight: number, surge: number): ReplicaSplit {
  if (replicas === 0) return { canary: 0, stable: 0 };
  const exact = (replicas * weight) / 100;
  const ceil = Math.ceil(exact);
  const floor = Math.floor(exact);
  const zeroAllowed = weight === 100 || weight === 0 || (replicas === 1 && surge === 0);
  const options: Array<{ canary: number; total: number }> = [];
  if (ceil < replicas || zeroAllowed) options.push({ canary: ceil, total: replicas });
  if (!isTie(replicas, weight) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: replicas });
  if (surge > 0) {
    options.push({ canary: ceil, total: replicas + 1 });
    if (!isTie(replicas + 1, weight) && (floor !== 0 || zeroAllowed)) options.push({ canary: floor, total: replicas + 1 });
  }
  const best = options.reduce((a, b) => (distance(weight, b) < distance(weight, a) ? b : a), options[0] ?? { canary: 0, total: replicas });
  return { canary: best.canary, stable: best.total - best.canary };
}

function isTie(total: number, weight: number): boolean {
  return ((total * weight) % 100) * 2 === 100;
}

function distance(weight: number, option: { canary: number; total: number }): number {
  return Math.abs((option.canary * 100) / option.total - weight);
}

/**
 * True when the step at `stepIndex` asks for no canary pods (setWeight 0, setCanaryScale to 0, or any step of a
 * Rollout of 0 replicas): readiness of zero pods is never observed, so such a step has nothing to wait for.
 */
export function noCanaryPodsAt(plan: CanaryPlan, stepIndex: number): boolean {
  return splitAt(plan, stepIndex).canary === 0;
}

/**
 * After the last step: the canary at full size. A router's stable stays until the promotion scales it to zero;
 * without a router the weight is 100%, so stable goes to zero as the canary comes up (Argo's basic canary).
 */
export function splitForCompletion(plan: CanaryPlan, currentWeight = 0): ReplicaSplit {
  return { canary: plan.replicas, stable: plan.hasTrafficRouting ? dynamicStable(plan, 100, currentWeight) : 0 };
}

function pinnedScaleAt(plan: CanaryPlan, stepIndex: number): number | undefined {
  let pinned: number | undefined;
  for (const step of plan.steps.slice(0, stepIndex + 1)) {
    const scale = canaryScaleOf(step);
    if (scale !== undefined) pinned = pinnedBy(plan, scale);
  }
  return pinned;
}

function pinnedBy(plan: CanaryPlan, step: CanaryScalePlan): number | undefined {
  if (step.matchTrafficWeight) return undefined;
  if (step.replicas !== undefined) return step.replicas;
  if (step.weight !== undefined) return withMinPods(plan, ofReplicas(plan.replicas, step.weight));
  return undefined;
}

/**
 * Argo docs features/specification.md (minPodsPerReplicaSet): a canary that has pods at all has at least this many,
 * for availability; never more than spec.replicas. An explicit setCanaryScale.replicas is taken as written.
 */
function withMinPods(plan: CanaryPlan, count: number): number {
  if (count === 0 || plan.minPodsPerReplicaSet === undefined) return count;
  return Math.max(count, Math.min(plan.minPodsPerReplicaSet, plan.replicas));
}

function ofReplicas(replicas: number, weight: number): number {
  return Math.ceil((replicas * weight) / 100);
}
