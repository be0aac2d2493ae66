// Where an AnalysisRun gates a rollout, and the deterministic run name derived from gate, revision and attempt.

/** A canary step index ("2"), or one of the named gates. Matches `AnalysisRunRef.gate` in status. */
export type AnalysisGate = string;

export const BACKGROUND_GATE = 'background';
export const PRE_PROMOTION_GATE = 'prePromotion';
export const POST_PROMOTION_GATE = 'postPromotion';

export type PromotionGate = typeof PRE_PROMOTION_GATE | typeof POST_PROMOTION_GATE;

export function stepGate(stepIndex: number): AnalysisGate {
  return String(stepIndex);
}

/**
 * `<hash>-<gate>-<attempt>[-<round>]`, lower-case so it is a valid name segment. The same gate, revision, attempt
 * and round always give the same name, so a replayed createAnalysisRun finds the run it already created.
 */
export function analysisRunName(hash: string, gate: AnalysisGate, attempt: number, round = 1): string {
  const base = `${hash}-${gateSlug(gate)}-${attempt}`;
  return round > 1 ? `${base}-${round}` : base;
}

function gateSlug(gate: AnalysisGate): string {
  if (/^\d+$/.test(gate)) return `step-${gate}`;
  return gate.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/** How a gate reads in messages: "step 3" (steps count from 1 for people), "background", "pre-promotion". */
export function gateLabel(gate: AnalysisGate): string {
  return /^\d+$/.test(gate) ? `step ${Number(gate) + 1}` : gateSlug(gate);
}
