// workloadRef.scaleDown: the Deployment a Rollout took over is scaled down as its pods come up (Argo docs
// migrating.md: `never`, `onsuccess` once the Rollout is Healthy, `progressively` as the Rollout's pods become ready).
import type { ObjectWriter } from '../kube/kube-client.js';
import { Kinds } from '../kube/resource-kind.js';
import type { Rollout, RolloutPhase } from '../resources/rollout.js';
import type { DeploymentObject } from './rollout-cache.js';

export interface MigrationState {
  phase: RolloutPhase;
  /** spec.replicas, defaulted. */
  replicas: number;
  readyReplicas: number;
  /** Revisions the Rollout has run: Argo scales the Deployment down during the migration only, its first revision. */
  revisions: number;
}

/** The replica count the Deployment should have now; undefined when it is to be left alone. */
export function deploymentTarget(rollout: Rollout, state: MigrationState): number | undefined {
  const mode = rollout.spec.workloadRef?.scaleDown ?? 'never';
  if (mode === 'never' || rollout.spec.template !== undefined || state.revisions > 1) return undefined;
  if (state.phase === 'Healthy') return 0;
  // Progressively: the Deployment keeps what the Rollout cannot serve yet, so the service never loses capacity.
  if (mode === 'progressively' && state.readyReplicas > 0) return Math.max(0, state.replicas - state.readyReplicas);
  return undefined;
}

/** Scales the referenced Deployment to its target when it is not there already. Returns whether it wrote. */
export async function scaleDownWorkload(rollout: Rollout, deployment: DeploymentObject | undefined, state: MigrationState, writer: ObjectWriter): Promise<boolean> {
  const target = deploymentTarget(rollout, state);
  if (target === undefined || deployment === undefined || (deployment.spec?.replicas ?? 1) === target) return false;
  await writer.patch(Kinds.Deployment, deployment.metadata.namespace, deployment.metadata.name ?? '', { spec: { replicas: target } }, 'merge');
  return true;
}
