// Builds the AnalysisRun a Rollout's analysis gate asks for: templates from the cache, arguments resolved.
import { metricNameRuleProblems } from '../analysis/metric-name-rules.js';
import { TerminalError } from '../errors.js';
import { labelValueFor } from '../kube/bounded-name.js';
import type { EffectOf } from '../machine/effects.js';
import type { AnalysisRun, AnalysisTemplate, TemplateArgument } from '../resources/analysis.js';
import { resolveFieldPath } from '../resources/field-reference.js';
import type { AnalysisRunArgument, AnalysisTemplateRef, Rollout } from '../resources/rollout.js';
import { GATE_LABEL, gateLabel } from '../resources/step-label.js';
import { templateProblems } from './analysis-template-checker.js';
import type { RolloutCache } from './rollout-cache.js';

/** Where templates are read from: the controller's cache. */
export type TemplateCache = Pick<RolloutCache, 'analysisTemplate' | 'clusterAnalysisTemplate'>;

/** Names the Rollout an AnalysisRun is for; select by it with `labelValueFor(rolloutName)`. */
export const ROLLOUT_LABEL = 'vane.dev/rollout';

/**
 * The run: the templates' metrics, args resolved, and (Argo docs features/analysis.md) the reference's dryRun and
 * measurementRetention rules followed by the templates' own. `analysisRunMetadata` labels and annotations go on the
 * run under Vane's own labels, which select it. A rule that repeats another's metricName, or matches no metric, is a
 * TerminalError naming it, said in the Rollout's status before any run is created.
 */
export function buildRolloutAnalysisRun(cache: RolloutCache, rollout: Rollout, effect: EffectOf<'createAnalysisRun'>, name: string): AnalysisRun {
  const namespace = rollout.metadata.namespace ?? 'default';
  const where = `${gateLabel(effect.gate)} analysis`;
  const templates = effect.templates.map((ref) => usableTemplate(cache, namespace, ref, where));
  const metrics = templates.flatMap((t) => t.spec.metrics);
  const { options } = effect;
  const dryRun = [...(options?.dryRun ?? []), ...templates.flatMap((t) => t.spec.dryRun ?? [])];
  const measurementRetention = [...(options?.measurementRetention ?? []), ...templates.flatMap((t) => t.spec.measurementRetention ?? [])];
  const names = metrics.map((m) => m.name);
  const problems = [...metricNameRuleProblems('dryRun', dryRun, names), ...metricNameRuleProblems('measurementRetention', measurementRetention, names)];
  if (problems.length > 0) throw new TerminalError(`${problems.join('; ')} (${where})`);
  const ownLabels = { [ROLLOUT_LABEL]: labelValueFor(rollout.metadata.name ?? ''), [GATE_LABEL]: effect.gate.toLowerCase(), 'rollouts-pod-template-hash': effect.canaryHash };
  const annotations = options?.analysisRunMetadata?.annotations;
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name,
      namespace,
      labels: { ...options?.analysisRunMetadata?.labels, ...ownLabels },
      ...(annotations === undefined ? {} : { annotations: { ...annotations } }),
      ownerReferences: [{ apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', name: rollout.metadata.name ?? '', uid: rollout.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      args: resolveArgs(templates, effect.args, effect, rollout),
      metrics,
      ...(dryRun.length > 0 ? { dryRun } : {}),
      ...(measurementRetention.length > 0 ? { measurementRetention } : {}),
    },
  };
}

/**
 * The template `ref` names, checked as a run would use it; a TerminalError (NotFound when missing) says what is wrong
 * and, in parentheses, `where` it is referenced from.
 */
export function usableTemplate(cache: TemplateCache, namespace: string, ref: AnalysisTemplateRef, where: string): AnalysisTemplate {
  const template = ref.clusterScope ? cache.clusterAnalysisTemplate(ref.templateName) : cache.analysisTemplate(namespace, ref.templateName);
  if (!template) {
    const kind = ref.clusterScope ? 'ClusterAnalysisTemplate' : 'AnalysisTemplate';
    throw new TerminalError(`${kind} ${ref.clusterScope ? '' : `${namespace}/`}${ref.templateName} not found (${where})`, { code: 'NotFound' });
  }
  const broken = templateProblems(template);
  if (broken.length > 0) throw new TerminalError(`${broken.join('; ')} (${where})`);
  return template;
}

/**
 * Template defaults, overridden by the Rollout's args; hashes and field references (in either) resolved to values
 * from the Rollout. An argument left without a value, or a field reference that names nothing, is a TerminalError
 * naming the argument and the gate: the Rollout says so in its status instead of starting a run that cannot measure.
 */
function resolveArgs(templates: AnalysisTemplate[], args: AnalysisRunArgument[], effect: EffectOf<'createAnalysisRun'>, rollout: Rollout): TemplateArgument[] {
  const resolved = new Map<string, TemplateArgument>();
  for (const arg of templates.flatMap((t) => t.spec.args ?? [])) resolved.set(arg.name, templateArgValue(arg, effect, rollout));
  for (const arg of args) resolved.set(arg.name, { name: arg.name, value: argValue(arg, effect, rollout) });
  for (const arg of resolved.values()) {
    if (arg.value === undefined && !arg.valueFrom?.secretKeyRef) {
      throw new TerminalError(`analysis argument "${arg.name}" has no value (${gateLabel(effect.gate)} analysis); set it in the Rollout's analysis args`);
    }
  }
  return [...resolved.values()];
}

/** A template's own argument: a field reference becomes its value now; a Secret reference is read at measure time. */
function templateArgValue(arg: TemplateArgument, effect: EffectOf<'createAnalysisRun'>, rollout: Rollout): TemplateArgument {
  const fieldPath = arg.valueFrom?.fieldRef?.fieldPath;
  return fieldPath === undefined ? arg : { name: arg.name, value: fieldRefValue(arg.name, fieldPath, effect, rollout) };
}

function argValue(arg: AnalysisRunArgument, effect: EffectOf<'createAnalysisRun'>, rollout: Rollout): string {
  if (arg.value !== undefined) return arg.value;
  const hashFrom = arg.valueFrom?.podTemplateHashValue;
  if (hashFrom) return hashFrom === 'Latest' ? effect.canaryHash : effect.stableHash;
  const fieldPath = arg.valueFrom?.fieldRef?.fieldPath;
  if (fieldPath !== undefined) return fieldRefValue(arg.name, fieldPath, effect, rollout);
  return '';
}

function fieldRefValue(name: string, fieldPath: string, effect: EffectOf<'createAnalysisRun'>, rollout: Rollout): string {
  const resolved = resolveFieldPath(rollout, fieldPath);
  if ('problem' in resolved) throw new TerminalError(`analysis argument "${name}" has no value (${gateLabel(effect.gate)} analysis): fieldRef ${fieldPath}: ${resolved.problem}`);
  return resolved.value;
}
