// The status fields Argo Rollouts' users and tooling read (abort, controllerPause, HPAReplicas, analysis run
// summaries, ...), derived each pass from the machine's view and the observed ReplicaSets and AnalysisRuns.
import { BACKGROUND_GATE, POST_PROMOTION_GATE, PRE_PROMOTION_GATE } from '../machine/analysis-gate.js';
import type { RolloutView } from '../machine/rollout-view.js';
import type { AnalysisRun } from '../resources/analysis.js';
import { canonicalJson } from '../resources/canonical-json.js';
import { selectorToString } from '../resources/label-selector.js';
import { hashOf, type ReplicaSetObject } from '../resources/replica-set.js';
import { POD_TEMPLATE_HASH_LABEL, stableTextHash } from '../resources/pod-template-hash.js';
import type { Rollout, RolloutAnalysisRunStatus, RolloutStatus } from '../resources/rollout.js';
import { selectorOf } from './template-source.js';

export interface ArgoStatusInput {
  rollout: Rollout;
  view: RolloutView;
  replicaSets: ReplicaSetObject[];
  analysisRuns: AnalysisRun[];
  /** The full name of the AnalysisRun the machine calls `name`. */
  runName: (name: string) => string;
  /** The referenced Deployment's generation, when the template comes from workloadRef. */
  workloadGeneration?: number;
}

/** The scale subresource's view: what an HPA counts and which pods it measures (Argo: the active ones for blue-green). */
export function scaleStatus(rollout: Rollout, view: RolloutView, replicaSets: ReplicaSetObject[]): { HPAReplicas: number; selector: string } {
  const all = replicaSets.reduce((sum, rs) => sum + (rs.status?.replicas ?? 0), 0);
  const selector = selectorToString(selectorOf(rollout));
  if (!rollout.spec.strategy.blueGreen || view.activeHash === undefined) return { HPAReplicas: all, selector };
  const active = replicaSets.find((rs) => hashOf(rs) === view.activeHash);
  if (!active) return { HPAReplicas: all, selector };
  const withHash = selector === '' ? `${POD_TEMPLATE_HASH_LABEL}=${view.activeHash}` : `${selector},${POD_TEMPLATE_HASH_LABEL}=${view.activeHash}`;
  return { HPAReplicas: active.status?.replicas ?? 0, selector: withHash };
}

/** Argo's currentStepHash: changes exactly when the canary steps change. */
export function stepHash(rollout: Rollout): string | undefined {
  const canary = rollout.spec.strategy.canary;
  return canary ? stableTextHash(canonicalJson(canary.steps ?? [])) : undefined;
}

/** Fields to merge over the status a pass builds; a field that does not apply is returned as undefined (removed). */
export function argoStatusFields(input: ArgoStatusInput, previous: RolloutStatus): Partial<RolloutStatus> {
  const { view } = input;
  const fields: Partial<RolloutStatus> = {
    ...scaleStatus(input.rollout, view, input.replicaSets),
    currentStepHash: stepHash(input.rollout),
    abort: view.aborted ? true : undefined,
    abortedAt: view.aborted ? (view.abort?.at ?? previous.abortedAt) : undefined,
    // A person's pause (Vane's pause command, spec.paused) is not the controller's.
    controllerPause: view.pauseConditions.some((p) => p.reason !== 'UserPause') ? true : undefined,
    workloadObservedGeneration: input.workloadGeneration === undefined ? undefined : String(input.workloadGeneration),
  };
  return fields;
}

/** The run a gate waits on, summarised; the last one seen is kept while the rollout stays where it was (Argo keeps a failed step's). */
export function gateRunStatus(
  input: ArgoStatusInput,
  gate: string,
  previous: RolloutAnalysisRunStatus | undefined,
  keepPrevious: boolean,
): RolloutAnalysisRunStatus | undefined {
  const awaited = input.view.analysisRuns.find((run) => run.gate === gate);
  if (!awaited) return keepPrevious ? previous : undefined;
  const name = input.runName(awaited.name);
  const run = input.analysisRuns.find((r) => r.metadata.name === name);
  const message = run?.status?.message;
  return { name, status: run?.status?.phase ?? 'Pending', ...(message ? { message } : {}) };
}

/** status.canary's run summaries: the current step's analysis and the background analysis. */
export function canaryRunStatuses(input: ArgoStatusInput, previous: RolloutStatus): Pick<NonNullable<RolloutStatus['canary']>, 'currentStepAnalysisRunStatus' | 'currentBackgroundAnalysisRunStatus'> {
  const sameStep = previous.currentStepIndex === input.view.currentStepIndex && previous.currentPodHash !== undefined;
  const keep = input.view.aborted || sameStep;
  const step = input.view.currentStepIndex === undefined ? undefined : gateRunStatus(input, String(input.view.currentStepIndex), previous.canary?.currentStepAnalysisRunStatus, keep);
  const background = gateRunStatus(input, BACKGROUND_GATE, previous.canary?.currentBackgroundAnalysisRunStatus, input.view.aborted);
  return { ...(step ? { currentStepAnalysisRunStatus: step } : {}), ...(background ? { currentBackgroundAnalysisRunStatus: background } : {}) };
}

/** status.blueGreen's run summaries: pre- and post-promotion analysis. */
export function blueGreenRunStatuses(input: ArgoStatusInput, previous: RolloutStatus): Pick<NonNullable<RolloutStatus['blueGreen']>, 'prePromotionAnalysisRunStatus' | 'postPromotionAnalysisRunStatus'> {
  const keep = input.view.phase !== 'Healthy';
  const pre = gateRunStatus(input, PRE_PROMOTION_GATE, previous.blueGreen?.prePromotionAnalysisRunStatus, keep);
  const post = gateRunStatus(input, POST_PROMOTION_GATE, previous.blueGreen?.postPromotionAnalysisRunStatus, keep);
  return { ...(pre ? { prePromotionAnalysisRunStatus: pre } : {}), ...(post ? { postPromotionAnalysisRunStatus: post } : {}) };
}

/** Blue-green: the revision the preview Service selects (the active one when nothing is in flight). */
export function previewSelector(rollout: Rollout, view: RolloutView): string | undefined {
  if (!rollout.spec.strategy.blueGreen?.previewService) return undefined;
  if (view.previewHash === undefined || view.phase === 'Healthy') return view.stableHash;
  // After an abort the preview keeps the aborted revision until its pods are scaled down.
  return view.aborted && view.state.includes('scaledDown') ? view.stableHash : view.previewHash;
}
