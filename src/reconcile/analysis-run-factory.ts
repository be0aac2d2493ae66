// Builds the AnalysisRun a Rollout's analysis gate asks for: templates from the cache, arguments resolved.
import { TerminalError } from '../errors.js';
import { labelValueFor } from '../kube/bounded-name.js';
import type { EffectOf } from '../machine/effects.js';
import type { AnalysisRun, AnalysisTemplate, TemplateArgument } from '../resources/analysis.js';
import type { AnalysisRunArgument, Rollout } from '../resources/rollout.js';
import { gateLabel } from '../resources/step-label.js';
import { templateProblems } from './analysis-template-checker.js';
import type { RolloutCache } from './rollout-cache.js';

/** Names the Rollout an AnalysisRun is for; select by it with `labelValueFor(rolloutName)`. */
export const ROLLOUT_LABEL = 'vane.dev/rollout';

export function buildRolloutAnalysisRun(cache: RolloutCache, rollout: Rollout, effect: EffectOf<'createAnalysisRun'>, name: string): AnalysisRun {
  const namespace = rollout.metadata.namespace ?? 'default';
  const templates = effect.templates.map((ref) => {
    const template = ref.clusterScope ? cache.clusterAnalysisTemplate(ref.templateName) : cache.analysisTemplate(namespace, ref.templateName);
    if (!template) {
      const kind = ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
      throw new TerminalError(`${kind} ${ref.clusterScope ? '' : `${namespace}/`}${ref.templateName} not found (${gateLabel(effect.gate)} analysis)`, { code: 'NotFound' });
    }
    const broken = templateProblems(template);
    if (broken.length > 0) throw new TerminalError(`${broken.join('; ')} (${gateLabel(effect.gate)} analysis)`);
    return template;
  });
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name,
      namespace,
      labels: { [ROLLOUT_LABEL]: labelValueFor(rollout.metadata.name ?? ''), 'vane.dev/gate': effect.gate.toLowerCase(), 'rollouts-pod-template-hash': effect.canaryHash },
      ownerReferences: [{ apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', name: rollout.metadata.name ?? '', uid: rollout.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      args: resolveArgs(templates, effect.args, effect, rollout),
      metrics: templates.flatMap((t) => t.spec.metrics),
      ...(templates.some((t) => t.spec.measurementRetention) ? { measurementRetention: templates.flatMap((t) => t.spec.measurementRetention ?? []) } : {}),
    },
  };
}

/** Template defaults, overridden by the Rollout's args; hash and field references resolved to values. */
function resolveArgs(templates: AnalysisTemplate[], args: AnalysisRunArgument[], effect: EffectOf<'createAnalysisRun'>, rollout: Rollout): TemplateArgument[] {
  const resolved = new Map<string, TemplateArgument>();
  for (const arg of templates.flatMap((t) => t.spec.args ?? [])) resolved.set(arg.name, arg);
  for (const arg of args) resolved.set(arg.name, { name: arg.name, value: argValue(arg, effect, rollout) });
  for (const arg of resolved.values()) {
    if (arg.value === undefined && !arg.valueFrom?.secretKeyRef) {
      throw new TerminalError(`analysis argument "${arg.name}" has no value (${gateLabel(effect.gate)} analysis); set it in the Rollout's analysis args`);
    }
  }
  return [...resolved.values()];
}

function argValue(arg: AnalysisRunArgument, effect: EffectOf<'createAnalysisRun'>, rollout: Rollout): string {
  if (arg.value !== undefined) return arg.value;
  const hashFrom = arg.valueFrom?.podTemplateHashValue;
  if (hashFrom) return hashFrom === 'Latest' ? effect.canaryHash : effect.stableHash;
  const fieldPath = arg.valueFrom?.fieldRef?.fieldPath;
  if (fieldPath) return fieldValue(rollout, fieldPath) ?? '';
  return '';
}

function fieldValue(obj: unknown, path: string): string | undefined {
  let current: unknown = obj;
  for (const part of path.replace(/\[['"]?([^'"\]]+)['"]?\]/g, '.$1').split('.').filter(Boolean)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current === undefined ? undefined : typeof current === 'string' ? current : JSON.stringify(current);
}
