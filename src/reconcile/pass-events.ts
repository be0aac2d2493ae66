// What a release's outcome Event says: its RolloutCompleted Event names the whole trail (when it started, each step
// and how long it took), since plain progress writes no Event of its own (ADR 0019). Events are API writes like any
// other; at thousands of Rollouts they were a third of all requests.
import type { Effect } from '../machine/effects.js';
import type { RevisionRecord } from '../resources/rollout.js';
import { stepLabel } from '../resources/step-label.js';
import { elapsed, mergeHistory, releaseIndex, type ReleaseRecordEffect } from './release-history.js';

type EventEffect = Extract<Effect, { type: 'emitEvent' }>;

const COMPLETED = 'RolloutCompleted';

function isRecord(effect: Effect): effect is ReleaseRecordEffect {
  return effect.type === 'recordRevision' || effect.type === 'recordMoment';
}

/**
 * The pass's effects with its RolloutCompleted Event's message extended by the release's trail, read from the
 * stored history with this pass's own records applied (a pass may cross the last steps and promote at once).
 * `stepCount` is the canary's number of steps (0 for blue-green). Every other effect stays as it is.
 */
export function withReleaseTrail(effects: readonly Effect[], history: readonly RevisionRecord[] | undefined, stepCount: number): Effect[] {
  const promoted = effects.find((e): e is Extract<Effect, { type: 'recordRevision' }> => e.type === 'recordRevision' && e.outcome === 'Promoted');
  if (promoted === undefined || !effects.some((e) => e.type === 'emitEvent' && e.reason === COMPLETED)) return [...effects];
  // A release whose start is neither stored nor in this pass (it started before records existed) has none to tell.
  const startedNow = effects.some((e) => e.type === 'recordRevision' && e.outcome === 'Progressing' && e.hash === promoted.hash && e.attempt === promoted.attempt);
  if (!startedNow && releaseIndex(history ?? [], promoted.hash, promoted.attempt) < 0) return [...effects];
  const merged = mergeHistory([...(history ?? [])], effects.filter(isRecord), { images: () => [] }, Number.MAX_SAFE_INTEGER);
  const record = merged[releaseIndex(merged, promoted.hash, promoted.attempt)];
  if (record === undefined) return [...effects];
  const trail = releaseTrail(record, record.finishedAt ?? promoted.at, stepCount);
  return effects.map((e) => (e.type === 'emitEvent' && e.reason === COMPLETED ? ({ ...e, message: `${e.message}; ${trail}` } satisfies EventEffect) : e));
}

/** "started 2026-12-07T10:00:00.000Z, took 2s: step 1/4 0s, step 2/4 1s, ...": each step until the next one began. */
export function releaseTrail(record: RevisionRecord, finishedAt: string, stepCount: number): string {
  const steps = record.steps ?? [];
  const timed = steps.map((step, i) => `${stepLabel(step.index, stepCount)} ${elapsed(step.at, steps[i + 1]?.at ?? finishedAt)}`);
  const head = `attempt ${record.attempt ?? 1} started ${record.startedAt}, took ${elapsed(record.startedAt, finishedAt)}`;
  return timed.length === 0 ? head : `${head}: ${timed.join(', ')}`;
}
