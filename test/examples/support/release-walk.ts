// Walks one release of a Rollout to Healthy as a person does: change the image, then promote whenever the rollout
// waits at a pause, until the new revision is stable. Fails on Degraded, with the Rollout's own message.
import type { RolloutBackend } from '../../../src/cli/rollout-backend.js';
import type { KubeClient } from '../../../src/kube/kube-client.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { Kinds } from '../../../src/kube/resource-kind.js';
import type { Rollout } from '../../../src/resources/rollout.js';

export type RolloutObject = Rollout & KubeObject;

export interface Release {
  /** The Rollout once Healthy on the new revision. */
  rollout: RolloutObject;
  /** Where a promote was needed: the step index (or -1 for a blue-green switch) of each pause. */
  promotedAt: number[];
}

interface WalkContext {
  client: KubeClient;
  backend: RolloutBackend;
  namespace: string;
  name: string;
}

/** Waits until `done` holds for the Rollout, failing early if it goes Degraded. */
export async function waitForRollout(ctx: WalkContext, done: (ro: RolloutObject) => boolean, what: string, timeoutMs: number): Promise<RolloutObject> {
  return poll(ctx, async (ro) => done(ro), what, timeoutMs);
}

/**
 * From a changed image to Healthy on it: promotes at each pause (once per step, as `vane promote` does), and returns
 * when the new revision is the stable one. `previousHash` is the stable revision before the change.
 */
export async function walkRelease(ctx: WalkContext, previousHash: string, timeoutMs: number): Promise<Release> {
  const promotedAt: number[] = [];
  const released = async (ro: RolloutObject): Promise<boolean> => {
    const status = ro.status;
    if (status?.currentPodHash === undefined || status.currentPodHash === previousHash) return false;
    if (status.phase === 'Healthy' && status.stableRS === status.currentPodHash) return true;
    const step = status.currentStepIndex ?? -1;
    if (status.phase === 'Paused' && !promotedAt.includes(step)) {
      promotedAt.push(step);
      await ctx.backend.command(ctx.namespace, ctx.name, 'promote');
    }
    return false;
  };
  const rollout = await poll(ctx, released, 'the new revision to be stable and Healthy', timeoutMs);
  return { rollout, promotedAt };
}

async function poll(ctx: WalkContext, done: (ro: RolloutObject) => Promise<boolean>, what: string, timeoutMs: number): Promise<RolloutObject> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ro = await ctx.client.get<RolloutObject>(Kinds.Rollout, ctx.namespace, ctx.name);
    if (ro && (await done(ro))) return ro;
    if (ro?.status?.phase === 'Degraded') throw new Error(`${ctx.namespace}/${ctx.name} went Degraded waiting for ${what}: ${ro.status.message}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} of ${ctx.namespace}/${ctx.name}; status: ${JSON.stringify(summary(ro))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function summary(ro: RolloutObject | undefined): unknown {
  const s = ro?.status;
  return s && { phase: s.phase, message: s.message, step: s.currentStepIndex, currentPodHash: s.currentPodHash, stableRS: s.stableRS, lastCommand: s.lastCommand };
}
