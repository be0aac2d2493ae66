// How people read a canary's position: steps count from 1 ("step 4/5") in every message, Event and CLI view, while
// `status.currentStepIndex` and the `gate` of a step's AnalysisRun stay the zero-based index Argo Rollouts users
// script against (see docs/compatibility.md, "Counting steps").

/** Where in a rollout an AnalysisRun or a step's Experiment gates (the gate, lower-cased: "2", "background", ...). */
export const GATE_LABEL = 'vane.dev/gate';

/** "step 4/5" for the zero-based index 3 of 5 steps; "all 5 steps done" once the index is past the last step. */
export function stepLabel(index: number, count: number): string {
  return index >= count ? `all ${count} steps done` : `step ${index + 1}/${count}`;
}

/** The STEP column of `vane list`: "4/5", "done" past the last step, "-" without steps or without an index. */
export function stepColumn(index: number | undefined, count: number): string {
  if (index === undefined || count === 0) return '-';
  return index >= count ? 'done' : `${index + 1}/${count}`;
}

/** True for the gate of a canary step (its zero-based index, "2"); false for "background" and the promotion gates. */
export function isStepGate(gate: string): boolean {
  return /^\d+$/.test(gate);
}

/** How a gate reads for people: "step 3" for the step gate "2", else "background", "pre-promotion", "post-promotion". */
export function gateLabel(gate: string): string {
  if (isStepGate(gate)) return `step ${Number(gate) + 1}`;
  return gate.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
