// A pass's effects with the counts and weights it sets more than once reduced to the last: a pass that crosses
// several steps would otherwise write each step's count and weight in turn, and a replayed one (killed before its
// status write, run again from the older stored step) would move a ReplicaSet or the traffic back to an earlier
// step's value and then forward again.
import type { Effect } from '../machine/effects.js';

/**
 * Effects that change where traffic goes other than by the canary weight: a weight set before one of them is kept
 * (it is what that change is made over), one set after it is a new run.
 */
const TRAFFIC_SHAPE: ReadonlySet<Effect['type']> = new Set([
  'resetTraffic',
  'setHeaderRoute',
  'setMirrorRoute',
  'removeHeaderRoute',
  'setStableService',
  'setCanaryService',
  'swapPingPong',
  'switchActiveService',
  'setPreviewService',
  'createExperiment',
  'terminateExperiment',
]);

/**
 * Keeps only the last scale of each ReplicaSet, where it stands, and only the last of each run of canary weights
 * uninterrupted by another traffic change. Every other effect stays as it is and where it is.
 */
export function finalEffects(effects: readonly Effect[]): Effect[] {
  const lastScale = new Map<string, number>();
  effects.forEach((e, i) => {
    if (e.type === 'scaleReplicaSet') lastScale.set(e.hash, i);
  });
  return effects.filter((e, i) => {
    if (e.type === 'scaleReplicaSet') return lastScale.get(e.hash) === i;
    if (e.type === 'setCanaryWeight') return !weightFollows(effects, i);
    return true;
  });
}

/** A later canary weight comes before any other change to where traffic goes. */
function weightFollows(effects: readonly Effect[], index: number): boolean {
  for (const e of effects.slice(index + 1)) {
    if (e.type === 'setCanaryWeight') return true;
    if (TRAFFIC_SHAPE.has(e.type)) return false;
  }
  return false;
}
