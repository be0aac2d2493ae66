// Builds the Experiment a canary `experiment` step asks for, as Argo's rollout/experiment.go does: each template's
// specRef becomes the Rollout's stable or canary pod template, the step's analysis arguments are resolved against the
// Rollout, and the Rollout owns the Experiment.
import { selectorOf } from './template-source.js';
import { TerminalError } from '../errors.js';
import { labelValueFor } from '../kube/bounded-name.js';
import type { EffectOf } from '../machine/effects.js';
import type { ExperimentArgument, Experiment, ExperimentTemplate } from '../resources/experiment.js';
import { resolveFieldPath } from '../resources/field-reference.js';
import type { PodTemplateSpec } from '../resources/meta.js';
import { POD_TEMPLATE_HASH_LABEL } from '../resources/pod-template-hash.js';
import type { AnalysisRunArgument, Rollout, RolloutExperimentTemplate } from '../resources/rollout.js';
import { GATE_LABEL, gateLabel } from '../resources/step-label.js';
import { ROLLOUT_LABEL } from './analysis-run-factory.js';

/** The pod template of a revision of the Rollout, or undefined when none is known. */
export type TemplateOfHash = (hash: string) => PodTemplateSpec | undefined;

export function buildStepExperiment(rollout: Rollout, effect: EffectOf<'createExperiment'>, name: string, templateOf: TemplateOfHash): Experiment {
  const where = `${gateLabel(effect.gate)} experiment`;
  const { step } = effect;
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Experiment',
    metadata: {
      name,
      namespace: rollout.metadata.namespace ?? 'default',
      labels: { [ROLLOUT_LABEL]: labelValueFor(rollout.metadata.name ?? ''), [GATE_LABEL]: effect.gate.toLowerCase(), [POD_TEMPLATE_HASH_LABEL]: effect.canaryHash },
      ownerReferences: [{ apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', name: rollout.metadata.name ?? '', uid: rollout.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      templates: step.templates.map((t) => experimentTemplate(rollout, t, effect, templateOf, where)),
      ...(step.duration === undefined ? {} : { duration: step.duration }),
      ...(step.analyses === undefined
        ? {}
        : {
            analyses: step.analyses.map((a) => ({
              name: a.name,
              templateName: a.templateName,
              ...(a.clusterScope === undefined ? {} : { clusterScope: a.clusterScope }),
              ...(a.requiredForCompletion === undefined ? {} : { requiredForCompletion: a.requiredForCompletion }),
              args: (a.args ?? []).map((arg) => resolveArgument(rollout, arg, effect, where)),
            })),
          }),
      // Argo passes the Rollout's deadline to the experiment: its pods get as long as the Rollout's own.
      ...(rollout.spec.progressDeadlineSeconds === undefined ? {} : { progressDeadlineSeconds: rollout.spec.progressDeadlineSeconds }),
      ...(step.scaleDownDelaySeconds === undefined ? {} : { scaleDownDelaySeconds: step.scaleDownDelaySeconds }),
      ...(step.dryRun === undefined ? {} : { dryRun: step.dryRun }),
      ...(step.analysisRunMetadata === undefined ? {} : { analysisRunMetadata: structuredClone(step.analysisRunMetadata) }),
    },
  };
}

function experimentTemplate(rollout: Rollout, t: RolloutExperimentTemplate, effect: EffectOf<'createExperiment'>, templateOf: TemplateOfHash, where: string): ExperimentTemplate {
  const hash = t.specRef === 'stable' ? effect.stableHash : effect.canaryHash;
  const pod = templateOf(hash);
  if (pod === undefined) throw new TerminalError(`template ${t.name}: the ${t.specRef} pod template (${hash}) is not known yet (${where})`);
  const { [POD_TEMPLATE_HASH_LABEL]: _revision, ...podLabels } = pod.metadata?.labels ?? {};
  const labels = { ...podLabels, ...(t.metadata?.labels ?? {}) };
  const annotations = { ...(pod.metadata?.annotations ?? {}), ...(t.metadata?.annotations ?? {}) };
  const selector = structuredClone(t.selector ?? selectorOf(rollout));
  // Argo adds the step's metadata labels to the selector too, so that the experiment's pods are told apart by them.
  if (t.metadata?.labels !== undefined) selector.matchLabels = { ...(selector.matchLabels ?? {}), ...t.metadata.labels };
  // Argo docs features/experiment.md: a weighted template always gets a Service, the router's way to its pods.
  const service = t.weight !== undefined || t.service !== undefined ? { ...(t.service?.name === undefined ? {} : { name: t.service.name }) } : undefined;
  return {
    name: t.name,
    ...(t.replicas === undefined ? {} : { replicas: t.replicas }),
    ...(service === undefined ? {} : { service }),
    selector,
    template: { ...pod, metadata: { ...(pod.metadata ?? {}), labels, ...(Object.keys(annotations).length > 0 ? { annotations } : {}) } },
  };
}

/** Hashes and field references become values now; a plain value (it may name `{{templates.…}}`) is kept. */
function resolveArgument(rollout: Rollout, arg: AnalysisRunArgument, effect: EffectOf<'createExperiment'>, where: string): ExperimentArgument {
  if (arg.value !== undefined) return { name: arg.name, value: arg.value };
  const hashFrom = arg.valueFrom?.podTemplateHashValue;
  if (hashFrom !== undefined) return { name: arg.name, value: hashFrom === 'Latest' ? effect.canaryHash : effect.stableHash };
  const fieldPath = arg.valueFrom?.fieldRef?.fieldPath;
  if (fieldPath === undefined) return { name: arg.name };
  const resolved = resolveFieldPath(rollout, fieldPath);
  if ('problem' in resolved) throw new TerminalError(`analysis argument "${arg.name}" has no value (${where}): fieldRef ${fieldPath}: ${resolved.problem}`);
  return { name: arg.name, value: resolved.value };
}
