// Where an AnalysisRun gates a rollout, and the deterministic run name derived from gate, revision and attempt.
import { gateLabel } from '../resources/step-label.js';

export { gateLabel, isStepGate } from '../resources/step-label.js';

/** A canary step's zero-based index ("2"), or one of the named gates. Matches `AnalysisRunRef.gate` in status. */
export type AnalysisGate = string;

export const BACKGROUND_GATE = 'background';
export const PRE_PROMOTION_GATE = 'prePromotion';
export const POST_PROMOTION_GATE = 'postPromotion';

export type PromotionGate = typeof PRE_PROMOTION_GATE | typeof POST_PROMOTION_GATE;

export function stepGate(stepIndex: number): AnalysisGate {
  return String(stepIndex);
}

/**
 * `<hash>-<gate>-<attempt>[-<round>]`, lower-case so it is a valid name segment; a step gate reads as people count
 * steps (`step-3` for the gate "2", as in "step 3/5"). The same gate, revision, attempt and round always give the
 * same name, so a replayed createAnalysisRun finds the run it already created.
 */
export function analysisRunName(hash: string, gate: AnalysisGate, attempt: number, round = 1): string {
  const base = `${hash}-${gateLabel(gate).replace(' ', '-')}-${attempt}`;
  return round > 1 ? `${base}-${round}` : base;
}
