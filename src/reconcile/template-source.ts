// Where a Rollout's pod template comes from: its own `spec.template`, or an existing Deployment (`workloadRef`).
import { TerminalError } from '../errors.js';
import type { PodTemplateSpec } from '../resources/meta.js';
import type { Rollout } from '../resources/rollout.js';
import type { RolloutCache } from './rollout-cache.js';

export function resolveTemplate(rollout: Rollout, cache: RolloutCache): PodTemplateSpec {
  if (rollout.spec.template) return rollout.spec.template;
  const ref = rollout.spec.workloadRef;
  const namespace = rollout.metadata.namespace ?? 'default';
  if (!ref) throw new TerminalError('spec: one of template or workloadRef is required');
  const deployment = cache.deployment(namespace, ref.name);
  if (!deployment?.spec?.template) {
    throw new TerminalError(`spec.workloadRef: Deployment ${namespace}/${ref.name} not found or has no pod template`, { code: 'NotFound' });
  }
  return deployment.spec.template;
}
