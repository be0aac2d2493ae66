// Status writes whose only news is pod counts: while a step waits for its pods, the counts move as each pod is
// created and again as it becomes ready, and the write that moves the step on carries them a moment later. Such a
// write is held back for a short while instead, so a release costs one status write per step, not one per count.
import { sameJson } from '../resources/canonical-json.js';
import type { RolloutStatus } from '../resources/rollout.js';

/** How long counts may go unreported: within it, the next step's write usually carries them. */
export const COUNTS_ONLY_HOLD_MS = 2_000;

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

/** Per Rollout, since when a counts-only write has been held back. */
export class CountsOnlyWrites {
  private readonly heldSince = new Map<string, number>();

  constructor(private readonly holdMs = COUNTS_ONLY_HOLD_MS) {}

  /** How long to hold this status write back, or undefined to write it now (anything else changed, or held enough). */
  holdBack(key: string, previous: RolloutStatus, next: RolloutStatus, now: number): number | undefined {
    if (!onlyCountsMoved(previous, next)) {
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
