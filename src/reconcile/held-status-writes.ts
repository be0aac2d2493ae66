// Status writes held back for a moment because the next write carries their news: pod counts that move while a step
// waits for its pods, and a pass whose only news is that it now waits for pods it has just asked for (a release
// started, the last step ended). A release then costs one status write per moment that must survive a restart.
import type { Effect } from '../machine/effects.js';
import { sameJson } from '../resources/canonical-json.js';
import type { RolloutStatus } from '../resources/rollout.js';

/** How long news may go unwritten: within it, the write of the next step usually carries it. */
export const HOLD_MS = 2_000;

const COUNT_FIELDS = ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'HPAReplicas'] as const;

/**
 * True when `next` differs from `previous` only in the pod counts and the machine's note of when they last moved
 * (its progress clock: a pass that finds the counts still unreported notes the move again, so nothing is lost).
 */
export function onlyCountsMoved(previous: RolloutStatus, next: RolloutStatus): boolean {
  // The cheap test first: most passes that write change no count at all.
  if (COUNT_FIELDS.every((field) => previous[field] === next[field])) return false;
  return sameJson(withoutCounts(previous), withoutCounts(next));
}

function withoutCounts(status: RolloutStatus): unknown {
  const rest: Record<string, unknown> = { ...status };
  for (const field of COUNT_FIELDS) delete rest[field];
  const machine = status.machine as { snapshot?: { context?: { at?: Record<string, unknown> } } } | undefined;
  const at = machine?.snapshot?.context?.at;
  if (machine && at) rest['machine'] = { ...machine, snapshot: { ...machine.snapshot, context: { ...machine.snapshot?.context, at: { ...at, progressAt: null } } } };
  return rest;
}

/** The canary states that wait for pods and nothing else: a step's pods, or all pods before the promotion. */
const POD_WAITS = new Set(['progressing.flow.settingWeight+hold.running', 'progressing.flow.fullyScaling+hold.running']);

/** Effects a pass replayed from the older stored state executes again for free: each finds its object as it wants it. */
const REPLAYED_FOR_FREE = new Set<Effect['type']>(['scaleReplicaSet', 'setCanaryService', 'setStableService', 'recordMoment']);

/** Fields that answer a person or record an abort: written at once, never held. */
const ANSWERS = ['lastCommand', 'lastAutoCommand', 'rollback', 'restartedAt', 'promoteFull'] as const;

export interface WaitEntry {
  /** The machine state the pass reached (RolloutView.state). */
  state: string;
  /** The effects the pass executed. */
  effects: readonly Effect[];
  /** Whether a traffic router carries the canary's weight (its weight writes are not replayed for free). */
  routed: boolean;
}

/**
 * True when the pass only entered a wait for pods: the next pass, replayed from the stored state, re-derives the same
 * step from the same observations and the clock (ADR 0018), and executes its effects again without a write. Its
 * timestamps then come from that later pass, at most HOLD_MS later.
 */
export function onlyEnteredPodWait(previous: RolloutStatus, next: RolloutStatus, pass: WaitEntry): boolean {
  if (!POD_WAITS.has(pass.state) || !movedOn(previous, next)) return false;
  const replayable = pass.effects.every(
    (e) => REPLAYED_FOR_FREE.has(e.type) || (e.type === 'setCanaryWeight' && !pass.routed) || (e.type === 'recordRevision' && e.outcome === 'Progressing'),
  );
  return replayable && ANSWERS.every((field) => sameJson(previous[field] ?? null, next[field] ?? null));
}

/** The machine is at another state or step than the stored status says (a wait already written is not entered). */
function movedOn(previous: RolloutStatus, next: RolloutStatus): boolean {
  const value = (status: RolloutStatus): unknown => (status.machine as { snapshot?: { value?: unknown } } | undefined)?.snapshot?.value ?? null;
  return previous.currentStepIndex !== next.currentStepIndex || previous.currentPodHash !== next.currentPodHash || !sameJson(value(previous), value(next));
}

/** Per Rollout, since when a status write has been held back. */
export class HeldStatusWrites {
  private readonly heldSince = new Map<string, number>();

  constructor(private readonly holdMs = HOLD_MS) {}

  /**
   * How long to hold this status write back, or undefined to write it now (anything else changed, or held enough).
   * `enteredPodWait` is onlyEnteredPodWait for this pass.
   */
  holdBack(key: string, previous: RolloutStatus, next: RolloutStatus, now: number, enteredPodWait = false): number | undefined {
    if (!enteredPodWait && !onlyCountsMoved(previous, next)) {
      this.heldSince.delete(key);
      return undefined;
    }
    const since = this.heldSince.get(key) ?? now;
    if (now - since >= this.holdMs) {
      this.heldSince.delete(key);
      return undefined;
    }
    this.heldSince.set(key, since);
    return since + this.holdMs - now;
  }

  forget(key: string): void {
    this.heldSince.delete(key);
  }

  get size(): number {
    return this.heldSince.size;
  }
}
