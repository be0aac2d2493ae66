// Checks, before anything is executed, that each AnalysisRun a decision asks for can be built from the cluster as it
// is. One that cannot (a missing AnalysisTemplate or argument, a condition that does not compile) is a configuration
// error: its createAnalysisRun is dropped and the machine hears `gateBlocked` in the same pass, so traffic goes to
// stable in that pass; `gateReady` follows once every blocked run can be built (docs/adr/0011-…).
import { TerminalError } from '../errors.js';
import type { Effect, EffectOf } from '../machine/effects.js';
import type { RolloutEvent } from '../machine/rollout-event.js';
import { decide, type Decision, type PersistedMachineState } from '../machine/rollout-machine.js';
import type { RolloutView } from '../machine/rollout-view.js';

/** Why the run of `effect` cannot be built now; undefined when it can. */
export type GateProblem = (effect: EffectOf<'createAnalysisRun'>) => TerminalError | undefined;

/** A GateProblem from a builder that throws TerminalError for what the cluster lacks or cannot use. */
export function gateProblemOf(build: (effect: EffectOf<'createAnalysisRun'>) => unknown): GateProblem {
  return (effect) => {
    try {
      build(effect);
      return undefined;
    } catch (err) {
      if (err instanceof TerminalError) return err;
      throw err;
    }
  };
}

/** `decide`, then `gateBlocked` for each run the decision asks for that cannot be built; those effects are dropped. */
export function decideChecked(state: PersistedMachineState, event: RolloutEvent, problemOf: GateProblem): { decision: Decision; effects: Effect[] } {
  let decision = decide(state, event);
  const effects: Effect[] = [];
  const blocked: RolloutEvent[] = [];
  for (const effect of decision.effects) {
    const problem = effect.type === 'createAnalysisRun' ? problemOf(effect) : undefined;
    if (effect.type !== 'createAnalysisRun' || problem === undefined) {
      effects.push(effect);
      continue;
    }
    const reason = problem.code === 'NotFound' ? 'ReferenceNotFound' : 'InvalidReference';
    blocked.push({ type: 'gateBlocked', gate: effect.gate, runName: effect.name, reason, message: problem.message, now: event.now });
  }
  for (const next of blocked) {
    decision = decide(decision.state, next);
    effects.push(...decision.effects);
  }
  return { decision, effects };
}

/** `gateReady` when the machine waits on blocked gates and every run it would create can be built now. */
export function gateReadyEvents(view: RolloutView, problemOf: GateProblem, now: number): RolloutEvent[] {
  const blocked = view.blockedGates;
  if (blocked === undefined || blocked.runs.some((run) => problemOf(run) !== undefined)) return [];
  return [{ type: 'gateReady', now }];
}
