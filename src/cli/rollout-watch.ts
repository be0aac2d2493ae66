// Waits on a rollout's status stream until a decision function settles (or a timeout passes): the basis of
// `vane status --watch` and `--wait` on commands.
import { VaneError } from '../errors.js';
import type { RolloutSummary } from '../server/rollout-view.js';
import type { RolloutBackend } from './rollout-backend.js';
import { MAX_TIMER_DELAY_MS } from '../kube/work-queue.js';

export type Settled<T> = { settled: true; value: T } | { settled: false; reason: 'timeout' };

/**
 * Feeds every status of the rollout to `decide` until it returns a value. A deleted rollout, or a stream that ends
 * first, is an error.
 */
export async function watchUntil<T>(
  backend: RolloutBackend,
  target: { namespace: string; name: string },
  decide: (summary: RolloutSummary) => T | undefined,
  timeoutMs: number,
): Promise<Settled<T>> {
  const abort = new AbortController();
  let outcome: Settled<T> | undefined;
  let failure: VaneError | undefined;
  // Node fires a timer of more than 2^31 - 1 ms at once: a longer --timeout waits as long as a timer can (24.8 days).
  const timer = setTimeout(() => {
    outcome ??= { settled: false, reason: 'timeout' };
    abort.abort();
  }, Math.min(timeoutMs, MAX_TIMER_DELAY_MS));
  try {
    await backend.watch(
      target.namespace,
      target.name,
      (summary) => {
        if (outcome || failure) return;
        if (!summary) failure = new VaneError('NotFound', `rollout ${target.namespace}/${target.name} was deleted`);
        else {
          const value = decide(summary);
          if (value !== undefined) outcome = { settled: true, value };
        }
        if (outcome || failure) abort.abort();
      },
      abort.signal,
    );
  } finally {
    clearTimeout(timer);
  }
  if (failure) throw failure;
  if (!outcome) throw new VaneError('Unavailable', `the status stream of rollout ${target.namespace}/${target.name} ended unexpectedly`);
  return outcome;
}
