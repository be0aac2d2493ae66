// Attempt numbers that stay unique per revision across releases, so the runs and Event keys of a revision released
// again (the same bad image redeployed after its revert) never collide with those of its earlier release.

/** Revision hash → the last attempt number it was released with. */
export type LastAttempts = Record<string, number>;

/** Revisions remembered; as many as the ReplicaSet history Vane keeps by default. */
export const LAST_ATTEMPTS_KEPT = 10;

/** The attempt a new release of `hash` starts at: one past its last, or 1 for a revision never released. */
export function firstAttemptOf(last: LastAttempts | undefined, hash: string): number {
  return (last?.[hash] ?? 0) + 1;
}

/** `last` with `hash` at `attempt`, most recent last, the oldest dropped beyond LAST_ATTEMPTS_KEPT. */
export function withAttempt(last: LastAttempts | undefined, hash: string, attempt: number): LastAttempts {
  const entries = Object.entries(last ?? {}).filter(([known]) => known !== hash);
  entries.push([hash, attempt]);
  return Object.fromEntries(entries.slice(-LAST_ATTEMPTS_KEPT));
}
