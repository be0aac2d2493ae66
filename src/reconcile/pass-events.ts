// One Event per pass for a release's progress: a pass that crosses several steps (or starts a release and its first
// step) records one Event that names each step, not one per step. Events are API writes like any other; at
// thousands of Rollouts they were the larger part of a release's requests.
import type { Effect } from '../machine/effects.js';

type EventEffect = Extract<Effect, { type: 'emitEvent' }>;

const STEP_STARTED = 'RolloutStepStarted';

function isEvent(effect: Effect): effect is EventEffect {
  return effect.type === 'emitEvent';
}

/**
 * Folds a pass's RolloutStepStarted Events into one: into the pass's first other Normal Event when there is one (its
 * message gains the steps), else into the last step's Event (its message names every step started). Warnings, and
 * every other effect, stay as they are and where they are.
 */
export function foldStepEvents(effects: readonly Effect[]): Effect[] {
  const steps = effects.filter((e): e is EventEffect => isEvent(e) && e.reason === STEP_STARTED);
  if (steps.length === 0 || (steps.length === 1 && !effects.some((e) => isEvent(e) && e.reason !== STEP_STARTED && e.eventType === 'Normal'))) return [...effects];
  const host = effects.find((e): e is EventEffect => isEvent(e) && e.reason !== STEP_STARTED && e.eventType === 'Normal') ?? steps[steps.length - 1]!;
  // "step 2/5 started" adds nothing to "paused at step 2/5: ...": only steps the host does not name are added.
  const notes = steps.filter((e) => host.reason === STEP_STARTED || !host.message.includes(e.message.replace(/ started$/, ''))).map((e) => e.message);
  const folded: EventEffect = host.reason === STEP_STARTED ? { ...host, message: notes.join('; ') } : { ...host, message: [host.message, ...notes].join('; ') };
  return effects.flatMap((e) => (e === host ? [folded] : isEvent(e) && e.reason === STEP_STARTED ? [] : [e]));
}
