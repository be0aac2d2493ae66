// The step that last scaled a canary's ReplicaSets, written on them in the scale request itself, so that a pass
// killed between its scale effects and its status write is replayed from the older stored step without undoing them.
//
// Without it the replay judges the ReplicaSets against the older step's counts: a canary above them is not "ready"
// and is scaled back down, then up again by the next pass (5 → 4 → 5, a canary losing traffic for nothing). With it,
// ReplicaSets scaled by a later step of the same release and attempt are taken as they are: the stored step is met
// once they are available at those counts, and the machine crosses the steps the killed pass crossed. A retry, an
// abort, a blocked gate or a new release are not "later steps of the same attempt": they still scale as they ask.
import type { Effect } from '../machine/effects.js';
import type { ReplicaTarget } from '../machine/rollout-view.js';
import { hashOf, type ReplicaSetObject } from '../resources/replica-set.js';

export const SCALED_STEP_ANNOTATION = 'vane.dev/scaled-by-step';

/** What of the machine's view this needs; the reconciler passes its RolloutView. */
export interface StepView {
  state: string;
  aborted?: boolean;
  canaryHash?: string;
  attempt?: number;
  currentStepIndex?: number;
  desiredReplicas: ReplicaTarget[];
}

interface Mark {
  canaryHash: string;
  attempt: number;
  step: number;
}

/** A canary release moving through its steps as planned: not aborted, not held by a blocked gate. */
function releaseMark(view: StepView): Mark | undefined {
  const { canaryHash, attempt, currentStepIndex } = view;
  if (canaryHash === undefined || attempt === undefined || currentStepIndex === undefined) return undefined;
  if (view.aborted === true || !view.state.startsWith('progressing') || view.state.includes('gateBlocked')) return undefined;
  return { canaryHash, attempt, step: currentStepIndex };
}

function format(mark: Mark): string {
  return `${mark.canaryHash}/${mark.attempt}/${mark.step}`;
}

function parse(value: string | undefined): Mark | undefined {
  const [canaryHash, attempt, step] = (value ?? '').split('/');
  if (canaryHash === undefined || attempt === undefined || step === undefined) return undefined;
  const mark = { canaryHash, attempt: Number(attempt), step: Number(step) };
  return Number.isInteger(mark.attempt) && Number.isInteger(mark.step) ? mark : undefined;
}

/**
 * The annotation each of the release's ReplicaSets gets with this pass's scale effects: only those whose count
 * changes (a pass that scales nothing writes nothing more), and only while the release moves through its steps.
 */
export function scaledStepAnnotations(view: StepView, effects: readonly Effect[], replicaSets: readonly ReplicaSetObject[]): Map<string, Record<string, string>> {
  const mark = releaseMark(view);
  const marks = new Map<string, Record<string, string>>();
  if (mark === undefined) return marks;
  const pair = new Set(view.desiredReplicas.map((t) => t.hash));
  for (const effect of effects) {
    if (effect.type !== 'scaleReplicaSet' || !pair.has(effect.hash)) continue;
    const rs = replicaSets.find((r) => hashOf(r) === effect.hash);
    if (rs !== undefined && (rs.spec?.replicas ?? 0) === effect.replicas) continue;
    marks.set(effect.hash, { [SCALED_STEP_ANNOTATION]: format(mark) });
  }
  return marks;
}

/**
 * The counts this pass judges the release's ReplicaSets against: the machine's, or, when a later step of this same
 * release and attempt already scaled them (a replay of a pass killed before its status write), the counts they
 * have: nothing is scaled back, and the stored step is met once those pods are available.
 */
export function targetsAsScaled(view: StepView, replicaSets: readonly ReplicaSetObject[]): ReplicaTarget[] {
  const mark = releaseMark(view);
  if (mark === undefined) return view.desiredReplicas;
  const pair = replicaSets.filter((rs) => view.desiredReplicas.some((t) => t.hash === hashOf(rs)));
  const ahead = pair.some((rs) => {
    const scaled = parse(rs.metadata.annotations?.[SCALED_STEP_ANNOTATION]);
    return scaled !== undefined && scaled.canaryHash === mark.canaryHash && scaled.attempt === mark.attempt && scaled.step > mark.step;
  });
  if (!ahead) return view.desiredReplicas;
  return view.desiredReplicas.map((target) => {
    const rs = pair.find((r) => hashOf(r) === target.hash);
    return rs === undefined ? target : { hash: target.hash, replicas: rs.spec?.replicas ?? 0 };
  });
}
