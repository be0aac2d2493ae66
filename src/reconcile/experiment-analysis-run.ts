// Builds the AnalysisRun an Experiment's analysis asks for: templates from the cache, arguments resolved, with the
// `{{templates.<name>.podTemplateHash}}` and `{{templates.<name>.replicaset.name}}` variables of Argo's experiments.
import { TerminalError } from '../errors.js';
import { boundedName, labelValueFor } from '../kube/bounded-name.js';
import type { AnalysisRun, TemplateArgument } from '../resources/analysis.js';
import { STEP_ROLLOUT_UID_LABEL, type Experiment, type ExperimentAnalysis } from '../resources/experiment.js';
import { GATE_LABEL } from '../resources/step-label.js';
import { TEMPLATE_REFERENCE } from '../resources/experiment-validation.js';
import { usableTemplate, type TemplateCache } from './analysis-run-factory.js';
import { experimentReplicaSetName, experimentTemplateHash } from './experiment-replica-sets.js';

/** Names the Experiment an AnalysisRun is for. */
export const EXPERIMENT_LABEL = 'vane.dev/experiment';

export function experimentRunName(experiment: Experiment, analysis: string): string {
  return boundedName(`${experiment.metadata.name ?? ''}-${analysis}`);
}

/** The run of `analysis`; a TerminalError says why it cannot be built (missing template, argument without value). */
export function buildExperimentAnalysisRun(cache: TemplateCache, experiment: Experiment, analysis: ExperimentAnalysis): AnalysisRun {
  const namespace = experiment.metadata.namespace ?? 'default';
  const where = `analysis ${analysis.name} of Experiment ${namespace}/${experiment.metadata.name ?? ''}`;
  const template = usableTemplate(cache, namespace, { templateName: analysis.templateName, ...(analysis.clusterScope ? { clusterScope: true } : {}) }, where);
  const dryRun = new Set((experiment.spec.dryRun ?? []).map((d) => d.metricName));
  const retention = new Map((template.spec.measurementRetention ?? []).map((r) => [r.metricName, r]));
  for (const r of experiment.spec.measurementRetention ?? []) retention.set(r.metricName, r);
  const runMetadata = experiment.spec.analysisRunMetadata;
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'AnalysisRun',
    metadata: {
      name: experimentRunName(experiment, analysis.name),
      namespace,
      labels: { ...runMetadata?.labels, ...stepLabels(experiment), [EXPERIMENT_LABEL]: labelValueFor(experiment.metadata.name ?? ''), 'vane.dev/experiment-analysis': analysis.name },
      ...(runMetadata?.annotations === undefined ? {} : { annotations: { ...runMetadata.annotations } }),
      ownerReferences: [{ apiVersion: 'vane.dev/v1alpha1', kind: 'Experiment', name: experiment.metadata.name ?? '', uid: experiment.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      args: resolveArgs(experiment, template.spec.args ?? [], analysis, where),
      metrics: template.spec.metrics.map((m) => (dryRun.has(m.name) || dryRun.has('*') ? { ...m, dryRun: true } : m)),
      ...(retention.size > 0 ? { measurementRetention: [...retention.values()] } : {}),
    },
  };
}

/** An experiment step's runs name the Rollout (by uid) and the step, so the Rollout's views show them. */
function stepLabels(experiment: Experiment): Record<string, string> {
  const rollout = experiment.metadata.ownerReferences?.find((ref) => ref.kind === 'Rollout' && ref.controller === true);
  if (rollout === undefined) return {};
  const gate = experiment.metadata.labels?.[GATE_LABEL];
  return { [STEP_ROLLOUT_UID_LABEL]: rollout.uid, ...(gate === undefined ? {} : { [GATE_LABEL]: gate }) };
}

function resolveArgs(experiment: Experiment, defaults: TemplateArgument[], analysis: ExperimentAnalysis, where: string): TemplateArgument[] {
  const resolved = new Map<string, TemplateArgument>(defaults.map((arg) => [arg.name, arg]));
  for (const arg of analysis.args ?? []) {
    resolved.set(arg.name, arg.value === undefined ? arg : { name: arg.name, value: substituteTemplates(experiment, arg.value, where) });
  }
  for (const arg of resolved.values()) {
    if (arg.value === undefined && !arg.valueFrom?.secretKeyRef) throw new TerminalError(`analysis argument "${arg.name}" has no value (${where}); set it in the analysis args`);
  }
  return [...resolved.values()];
}

function substituteTemplates(experiment: Experiment, value: string, where: string): string {
  return value.replaceAll(TEMPLATE_REFERENCE, (_all, name: string, field: string) => {
    const template = experiment.spec.templates.find((t) => t.name === name);
    if (template === undefined) throw new TerminalError(`{{templates.${name}.${field}}} names no template of the experiment (${where})`);
    const experimentName = experiment.metadata.name ?? '';
    return field === 'podTemplateHash' ? experimentTemplateHash(experimentName, template) : experimentReplicaSetName(experimentName, template);
  });
}
