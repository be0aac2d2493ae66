// Event→effect latency, derived from the changes the benchmark's own watch connection saw (a connection separate from
// the controller's): from the change that should make the controller act to the first change the controller wrote in
// response, both stamped when they arrived on that watch. Two kinds of trigger are told apart:
//   - spec change: a Rollout's generation went up (the image patch) → first controller write for it (canary RS create,
//     RS scale or status write);
//   - canary ready: a ReplicaSet of the Rollout with replicas ≥ 1 became fully available (the simulator's write) →
//     first controller write (in practice the status write that starts the next step).
// Pauses end by timer, not by an event, so they are reported apart, beyond the pause itself: how late the controller
// first acted after a timed pause (its first write: the next step's status, or a ReplicaSet scaled for it), and how
// late the next step's status was written (a write whose only news is a wait for pods may be held back, ADR 0019).
import type { SeenChange } from './bench-cluster.js';

export type TriggerKind = 'specChange' | 'canaryReady';

export interface LatencySamples {
  specChange: number[];
  canaryReady: number[];
  /** Time past the pause duration until the next step's status write was seen. */
  pauseOvershoot: number[];
  /** Time past the pause duration until the controller's first write after it was seen (status or ReplicaSet). */
  pauseActedOvershoot: number[];
  /** Triggers that saw no controller write before the recording ended. */
  unanswered: number;
}

interface Pending {
  kind: TriggerKind;
  at: number;
}

interface RolloutTrack {
  generation: number;
  step: number | undefined;
  pausedAt: number | undefined;
  /** Whether the controller has written since the pause ended (its first write is the pause's effect). */
  pauseActed: boolean;
  pending: Pending | undefined;
  available: Map<string, boolean>;
}

type Status = { observedGeneration?: number; availableReplicas?: number; phase?: string; currentStepIndex?: number };

function replicasOf(change: SeenChange): number {
  return (change.object.spec as { replicas?: number } | undefined)?.replicas ?? 0;
}

/** A ReplicaSet change the controller made: a creation, or a spec write the simulator has not observed yet. */
function isControllerReplicaSetWrite(change: SeenChange): boolean {
  const status = (change.object.status ?? {}) as Status;
  return change.type === 'ADDED' || (status.observedGeneration ?? 0) < (change.object.metadata.generation ?? 0);
}

export function eventEffectLatencies(changes: readonly SeenChange[], pauseMs: number): LatencySamples {
  const samples: LatencySamples = { specChange: [], canaryReady: [], pauseOvershoot: [], pauseActedOvershoot: [], unanswered: 0 };
  const tracks = new Map<string, RolloutTrack>();
  const track = (name: string): RolloutTrack => {
    let t = tracks.get(name);
    if (!t) tracks.set(name, (t = { generation: 0, step: undefined, pausedAt: undefined, pauseActed: false, pending: undefined, available: new Map() }));
    return t;
  };
  const trigger = (t: RolloutTrack, kind: TriggerKind, at: number): void => {
    // An earlier trigger still unanswered keeps its place: the controller's next write answers it first.
    t.pending ??= { kind, at };
  };
  const effect = (t: RolloutTrack, at: number): void => {
    if (t.pending) samples[t.pending.kind].push(at - t.pending.at);
    t.pending = undefined;
  };

  for (const change of changes) {
    const t = track(change.rollout);
    if (change.kind === 'Rollout') onRolloutChange(change, t, trigger, effect, samples, pauseMs);
    else if (isControllerReplicaSetWrite(change)) {
      effect(t, change.seenAt);
      pauseActed(t, change.seenAt, samples, pauseMs);
    }
    else {
      const name = change.object.metadata.name ?? '';
      const status = (change.object.status ?? {}) as Status;
      const available = replicasOf(change) >= 1 && (status.availableReplicas ?? 0) >= replicasOf(change);
      if (available && t.available.get(name) !== true) trigger(t, 'canaryReady', change.seenAt);
      t.available.set(name, available);
    }
  }
  for (const t of tracks.values()) if (t.pending) samples.unanswered += 1;
  return samples;
}

function onRolloutChange(
  change: SeenChange,
  t: RolloutTrack,
  trigger: (t: RolloutTrack, kind: TriggerKind, at: number) => void,
  effect: (t: RolloutTrack, at: number) => void,
  samples: LatencySamples,
  pauseMs: number,
): void {
  const generation = change.object.metadata.generation ?? 0;
  const status = (change.object.status ?? {}) as Status;
  if (generation > t.generation && (status.observedGeneration ?? 0) < generation) {
    // The first sight of a new generation is the spec change itself, not the controller's doing.
    trigger(t, 'specChange', change.seenAt);
    t.generation = generation;
    return;
  }
  t.generation = Math.max(t.generation, generation);
  effect(t, change.seenAt);
  const step = status.currentStepIndex;
  if (t.pausedAt !== undefined && step !== undefined && t.step !== undefined && step > t.step) {
    pauseActed(t, change.seenAt, samples, pauseMs);
    samples.pauseOvershoot.push(change.seenAt - t.pausedAt - pauseMs);
    t.pausedAt = undefined;
  }
  if (status.phase === 'Paused' && step !== t.step) {
    t.pausedAt = change.seenAt;
    t.pauseActed = false;
  }
  t.step = step;
}

/** The controller's first write once a pause is over (a write in the pause's first half is not its end). */
function pauseActed(t: RolloutTrack, at: number, samples: LatencySamples, pauseMs: number): void {
  if (t.pausedAt === undefined || t.pauseActed || at - t.pausedAt < pauseMs / 2) return;
  samples.pauseActedOvershoot.push(at - t.pausedAt - pauseMs);
  t.pauseActed = true;
}
