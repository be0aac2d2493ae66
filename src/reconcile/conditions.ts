// Status conditions in the kstatus convention (Ready, Reconciling, Stalled), so Flux and Argo CD read Vane's health.
import type { Condition } from '../resources/meta.js';
import type { RolloutPhase } from '../resources/rollout.js';

export interface ConditionInput {
  type: string;
  status: Condition['status'];
  reason: string;
  message: string;
}

/** Sets a condition, keeping lastTransitionTime when its status does not change. */
export function setCondition(conditions: Condition[] | undefined, input: ConditionInput, generation: number | undefined, now: string): Condition[] {
  const list = conditions ? [...conditions] : [];
  const index = list.findIndex((c) => c.type === input.type);
  const previous = index >= 0 ? list[index] : undefined;
  const next: Condition = {
    ...input,
    lastTransitionTime: previous && previous.status === input.status ? previous.lastTransitionTime : now,
    ...(generation !== undefined ? { observedGeneration: generation } : {}),
  };
  if (index >= 0) list[index] = next;
  else list.push(next);
  return list;
}

export function removeCondition(conditions: Condition[] | undefined, type: string): Condition[] {
  return (conditions ?? []).filter((c) => c.type !== type);
}

/**
 * kstatus: Ready=True only when Healthy; Reconciling=True while work is under way (progressing or paused);
 * Stalled=True when the controller cannot make progress without a person (aborted, invalid spec).
 */
export function healthConditions(
  conditions: Condition[] | undefined,
  phase: RolloutPhase,
  reason: string,
  message: string,
  generation: number | undefined,
  now: string,
): Condition[] {
  const healthy = phase === 'Healthy';
  const stalled = phase === 'Degraded';
  let list = setCondition(conditions, { type: 'Ready', status: healthy ? 'True' : 'False', reason, message }, generation, now);
  list = stalled
    ? setCondition(list, { type: 'Stalled', status: 'True', reason, message }, generation, now)
    : removeCondition(list, 'Stalled');
  list = healthy || stalled
    ? removeCondition(list, 'Reconciling')
    : setCondition(list, { type: 'Reconciling', status: 'True', reason, message }, generation, now);
  return list;
}
