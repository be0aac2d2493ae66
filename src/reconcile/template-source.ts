// Where a Rollout's pod template comes from: its own `spec.template`, or an existing Deployment (`workloadRef`).
import { TerminalError } from '../errors.js';
import type { LabelSelector, PodTemplateSpec } from '../resources/meta.js';
import { isEmptySelector, selectorMatches } from '../resources/label-selector.js';
import type { Rollout } from '../resources/rollout.js';
import type { DeploymentObject, RolloutCache } from './rollout-cache.js';

export function resolveTemplate(rollout: Rollout, cache: RolloutCache): PodTemplateSpec {
  if (rollout.spec.template) return rollout.spec.template;
  return referencedDeployment(rollout, cache).template;
}

/**
 * The Rollout as a pass works with it: with `workloadRef` and no `spec.selector`, the Deployment's selector (Argo docs
 * features/workload-references.md: "the selector is taken from the Deployment"). Throws TerminalError when the
 * Deployment is missing, or when its template does not carry the labels the selector asks for.
 */
export function withResolvedSelector(rollout: Rollout, cache: RolloutCache): Rollout {
  if (rollout.spec.selector !== undefined || rollout.spec.template) return rollout;
  const { deployment, template } = referencedDeployment(rollout, cache);
  const selector = deployment.spec?.selector;
  if (selector === undefined || isEmptySelector(selector)) {
    throw new TerminalError(`spec.selector: absent, and Deployment ${deployment.metadata.name ?? ''} (workloadRef) has no selector to take`, { code: 'InvalidSpec' });
  }
  if (!selectorMatches(selector, template.metadata?.labels ?? {})) {
    throw new TerminalError(`spec.selector: the selector of Deployment ${deployment.metadata.name ?? ''} (workloadRef) does not match its pod template's labels`, { code: 'InvalidSpec' });
  }
  return { ...rollout, spec: { ...rollout.spec, selector: selector as LabelSelector } };
}

/** The selector a Rollout that went through withResolvedSelector has. */
export function selectorOf(rollout: Rollout): LabelSelector {
  if (rollout.spec.selector === undefined) throw new TerminalError('spec.selector: required', { code: 'InvalidSpec' });
  return rollout.spec.selector;
}

function referencedDeployment(rollout: Rollout, cache: RolloutCache): { deployment: DeploymentObject; template: PodTemplateSpec } {
  const ref = rollout.spec.workloadRef;
  const namespace = rollout.metadata.namespace ?? 'default';
  if (!ref) throw new TerminalError('spec: one of template or workloadRef is required');
  const deployment = cache.deployment(namespace, ref.name);
  if (!deployment?.spec?.template) {
    throw new TerminalError(`spec.workloadRef: Deployment ${namespace}/${ref.name} not found or has no pod template`, { code: 'NotFound' });
  }
  return { deployment, template: deployment.spec.template };
}
