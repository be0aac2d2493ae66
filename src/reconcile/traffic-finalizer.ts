// The Rollout finalizer that lets Vane undo its routing changes (weights, header routes, owned route objects)
// before a routed Rollout is deleted. Rollouts without trafficRouting carry no finalizer.
import { TerminalError } from '../errors.js';
import type { ObjectWriter } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import type { Rollout } from '../resources/rollout.js';
import type { TrafficRouter } from '../traffic/traffic-router.js';

export const TRAFFIC_FINALIZER = 'vane.dev/traffic-routing';

/** What the finalizer asks of this pass: add it, finalize and remove it, remove it alone, or nothing. */
export type FinalizerAction = 'add' | 'finalize' | 'remove' | 'none';

export function finalizerAction(rollout: Rollout): FinalizerAction {
  const has = (rollout.metadata.finalizers ?? []).includes(TRAFFIC_FINALIZER);
  // Read defensively: this runs before validation, on any object the API accepted.
  const routed = rollout.spec?.strategy?.canary?.trafficRouting !== undefined;
  if (rollout.metadata.deletionTimestamp) return has ? 'finalize' : 'none';
  if (routed && !has) return 'add';
  if (!routed && has) return 'remove';
  return 'none';
}

/**
 * Carries out `action`. Finalizers are changed with a JSON patch that tests the list first, so a concurrent change
 * to the list (another controller's finalizer) makes a 409 rather than a lost update.
 */
export async function applyFinalizer(action: Exclude<FinalizerAction, 'none'>, rollout: Rollout, writer: ObjectWriter, router: () => TrafficRouter | undefined): Promise<KubeObject> {
  const current = rollout.metadata.finalizers;
  if (action === 'finalize') await finalizeRouting(router);
  const next = action === 'add' ? [...(current ?? []), TRAFFIC_FINALIZER] : (current ?? []).filter((f) => f !== TRAFFIC_FINALIZER);
  const patch = current === undefined
    ? [{ op: 'add', path: '/metadata/finalizers', value: next }]
    : [{ op: 'test', path: '/metadata/finalizers', value: current }, { op: 'replace', path: '/metadata/finalizers', value: next }];
  return writer.patch<KubeObject>(Kinds.Rollout, rollout.metadata.namespace, rollout.metadata.name ?? '', patch, 'json');
}

/** A route object that is already gone (or a routing spec that cannot be used) has nothing left to undo. */
async function finalizeRouting(router: () => TrafficRouter | undefined): Promise<void> {
  try {
    await router()?.finalize();
  } catch (err) {
    if (!(err instanceof TerminalError)) throw err;
  }
}
