// Gates that cannot start, shared by both machines: a configuration error is recorded and worded, never judged as a
// verdict on the release (docs/adr/0011-configuration-errors-keep-the-canary.md).
import { gateLabel } from './analysis-gate.js';
import type { EffectOf } from './effects.js';
import { toIso, type BlockedGates } from './machine-context.js';
import type { RolloutEvent } from './rollout-event.js';
import type { RolloutView } from './rollout-view.js';

type GateBlockedEvent = Extract<RolloutEvent, { type: 'gateBlocked' }>;

/** The record after `event`: a first block starts it; another gate (or the same again) joins it, keeping `since`. */
export function blockedWith<B extends BlockedGates>(current: B | null, event: GateBlockedEvent, first: Omit<B, keyof BlockedGates>): B {
  if (current === null) return { ...first, gates: [event.gate], reason: event.reason, message: event.message, since: event.now } as B;
  const gates = current.gates.includes(event.gate) ? current.gates : [...current.gates, event.gate];
  const message = current.message.includes(event.message) ? current.message : `${current.message}; ${event.message}`;
  return { ...current, gates, message, reason: current.reason === 'ReferenceNotFound' ? current.reason : event.reason };
}

/** "step 2 analysis", "step 2 and background analysis". */
export function gatesLabel(gates: readonly string[]): string {
  return `${gates.map(gateLabel).join(' and ')} analysis`;
}

/** The view's record of blocked gates, with the runs a `gateReady` creates. */
export function blockedGatesView(blocked: BlockedGates, runs: Array<EffectOf<'createAnalysisRun'>>): NonNullable<RolloutView['blockedGates']> {
  return { gates: [...blocked.gates], reason: blocked.reason, message: blocked.message, since: toIso(blocked.since), runs };
}

/** What people are told to do about it, after what happened to traffic. */
export function blockedAdvice(blocked: BlockedGates): string {
  return `${gatesLabel(blocked.gates)} starts by itself once this is fixed, or promote to go on without it`;
}
