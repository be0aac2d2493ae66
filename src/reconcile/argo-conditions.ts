// Argo Rollouts' condition types (Progressing, Available, Healthy, Paused, Completed), written beside the kstatus
// ones so that Argo's tooling and `kubectl wait --for=condition=Healthy` read a Vane Rollout as they read Argo's.
import type { Condition } from '../resources/meta.js';
import { setCondition } from './conditions.js';

/** Argo's reasons (utils/conditions in Argo Rollouts), spelled as Argo spells them. */
export const ArgoReasons = {
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  ProgressDeadlineExceeded: 'ProgressDeadlineExceeded',
  RolloutAborted: 'RolloutAborted',
  RolloutPaused: 'RolloutPaused',
  RolloutHealthy: 'RolloutHealthy',
  RolloutCompleted: 'RolloutCompleted',
  Available: 'AvailableReason',
} as const;

/** What a pass knows that Argo's conditions are computed from. */
export interface ConditionFacts {
  /** spec.replicas, defaulted. */
  replicas: number;
  /** The machine rests with nothing in flight: every step done, the current revision stable (Vane's Healthy phase). */
  strategyComplete: boolean;
  /** A pause condition, or spec.paused. */
  paused: boolean;
  aborted: boolean;
  abortMessage?: string;
  /** A first release past its progress deadline: stalled, not aborted. */
  deadlineExceeded: boolean;
  /** Pods of the current revision (status.updatedReplicas). */
  updatedReplicas: number;
  /** Pods of every revision (status.replicas). */
  totalReplicas: number;
  /** Available pods counted as Argo counts them: all of a canary's, the active ReplicaSet's for blue-green. */
  availableReplicas: number;
  /** Blue-green: the active ReplicaSet is asked for and has all `replicas` available. Canary: undefined. */
  activeSaturated?: boolean;
  currentPodHash: string;
  stableRS: string;
  /** The current revision's ReplicaSet, named in messages as Argo names it. */
  currentReplicaSetName: string;
}

/**
 * Argo docs (features/specification.md, status): Healthy once every pod is updated and available and the strategy
 * has finished (old pods gone for a canary); Progressing says why the rollout is or is not moving; Available once
 * enough pods serve; Paused while anything holds it; Completed once the current revision is stable.
 */
export function argoConditions(conditions: Condition[] | undefined, facts: ConditionFacts, generation: number | undefined, now: string): Condition[] {
  const set = (list: Condition[], type: string, status: Condition['status'], reason: string, message: string): Condition[] =>
    setCondition(list, { type, status, reason, message }, generation, now);
  let list = conditions ? [...conditions] : [];
  const healthy = !facts.paused && !facts.aborted && isHealthy(facts);
  if (healthy) list = set(list, 'Healthy', 'True', ArgoReasons.RolloutHealthy, 'Rollout is healthy');
  // Argo only turns an existing Healthy condition False; a rollout never healthy has none.
  else if (list.some((c) => c.type === 'Healthy')) list = set(list, 'Healthy', 'False', ArgoReasons.RolloutHealthy, 'Rollout is not healthy');
  list = progressing(list, facts, healthy, set);
  const available = facts.activeSaturated ?? facts.availableReplicas >= facts.replicas;
  list = available
    ? set(list, 'Available', 'True', ArgoReasons.Available, 'Rollout has minimum availability')
    : set(list, 'Available', 'False', ArgoReasons.Available, 'Rollout does not have minimum availability');
  // An abort leaves Paused as it was (Argo: the abort clears the pauses but not the condition's history).
  if (!facts.aborted && (facts.paused || list.some((c) => c.type === 'Paused'))) {
    list = set(list, 'Paused', facts.paused ? 'True' : 'False', ArgoReasons.RolloutPaused, 'Rollout is paused');
  }
  const completed = facts.stableRS !== '' && facts.stableRS === facts.currentPodHash;
  return set(list, 'Completed', completed ? 'True' : 'False', ArgoReasons.RolloutCompleted, ArgoReasons.RolloutCompleted);
}

/** Argo's RolloutHealthy: the new pods are all there and available, and the strategy has nothing left to do. */
function isHealthy(facts: ConditionFacts): boolean {
  const oldPodsGone = facts.activeSaturated !== undefined || facts.totalReplicas === facts.replicas;
  return facts.strategyComplete && oldPodsGone && facts.updatedReplicas === facts.replicas && facts.availableReplicas === facts.replicas;
}

type SetFn = (list: Condition[], type: string, status: Condition['status'], reason: string, message: string) => Condition[];

function progressing(list: Condition[], facts: ConditionFacts, healthy: boolean, set: SetFn): Condition[] {
  const rs = facts.currentReplicaSetName;
  if (facts.aborted) {
    const message = `Rollout aborted update to revision ${facts.currentPodHash}${facts.abortMessage ? `: ${facts.abortMessage}` : ''}`;
    return set(list, 'Progressing', 'False', ArgoReasons.RolloutAborted, message);
  }
  if (facts.deadlineExceeded) return set(list, 'Progressing', 'False', ArgoReasons.ProgressDeadlineExceeded, `ReplicaSet "${rs}" has timed out progressing.`);
  if (facts.paused) return set(list, 'Progressing', 'Unknown', ArgoReasons.RolloutPaused, 'Rollout is paused');
  if (healthy) return set(list, 'Progressing', 'True', ArgoReasons.NewReplicaSetAvailable, `ReplicaSet "${rs}" has successfully progressed.`);
  // A reason change with the same status keeps lastTransitionTime (setCondition), as Argo keeps it for progress.
  return set(list, 'Progressing', 'True', ArgoReasons.ReplicaSetUpdated, `ReplicaSet "${rs}" is progressing.`);
}
