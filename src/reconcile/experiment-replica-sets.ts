// The ReplicaSets an Experiment owns: one per template, named `<experiment>-<template>-<hash>` as Argo names them.
import { boundedName } from '../kube/bounded-name.js';
import type { ObjectWriter } from '../kube/kube-client.js';
import { Kinds } from '../kube/resource-kind.js';
import type { Experiment, ExperimentTemplate } from '../resources/experiment.js';
import { POD_TEMPLATE_HASH_LABEL, podTemplateHash } from '../resources/pod-template-hash.js';
import type { ReplicaSetObject } from '../resources/replica-set.js';

/** Names the experiment template a ReplicaSet runs (an annotation: pods are selected by the hash label). */
export const EXPERIMENT_TEMPLATE_ANNOTATION = 'vane.dev/experiment-template';

/**
 * The template's hash, salted with the experiment and template names. Argo docs features/experiment.md: the
 * baseline/canary pods of an experiment get hashes different from the Rollout's own ReplicaSets even for the same
 * pod spec, so that their metrics can be told apart — and here also so that the Rollout's stable and canary Services,
 * which select by hash, never send production traffic to them.
 */
export function experimentTemplateHash(experimentName: string, template: ExperimentTemplate): string {
  const pod = template.template;
  const annotations = { ...(pod.metadata?.annotations ?? {}), [EXPERIMENT_TEMPLATE_ANNOTATION]: `${experimentName}/${template.name}` };
  return podTemplateHash({ ...pod, metadata: { ...(pod.metadata ?? {}), annotations } });
}

export function experimentReplicaSetName(experimentName: string, template: ExperimentTemplate): string {
  return boundedName(`${experimentName}-${template.name}-${experimentTemplateHash(experimentName, template)}`);
}

/** The ReplicaSet of `template` among the experiment's own, by name (the name carries the template's hash). */
export function templateReplicaSet(experiment: Experiment, template: ExperimentTemplate, owned: readonly ReplicaSetObject[]): ReplicaSetObject | undefined {
  const name = experimentReplicaSetName(experiment.metadata.name ?? '', template);
  return owned.find((rs) => rs.metadata.name === name);
}

export function buildExperimentReplicaSet(experiment: Experiment, template: ExperimentTemplate, replicas: number): ReplicaSetObject {
  const experimentName = experiment.metadata.name ?? '';
  const hash = experimentTemplateHash(experimentName, template);
  const labels = { ...(template.template.metadata?.labels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash };
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: experimentReplicaSetName(experimentName, template),
      namespace: experiment.metadata.namespace,
      labels,
      annotations: { [EXPERIMENT_TEMPLATE_ANNOTATION]: template.name },
      ownerReferences: [{ apiVersion: experiment.apiVersion, kind: 'Experiment', name: experimentName, uid: experiment.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      replicas,
      ...(template.minReadySeconds === undefined ? {} : { minReadySeconds: template.minReadySeconds }),
      selector: { ...template.selector, matchLabels: { ...(template.selector.matchLabels ?? {}), [POD_TEMPLATE_HASH_LABEL]: hash } },
      template: { ...template.template, metadata: { ...(template.template.metadata ?? {}), labels } },
    },
  };
}

/** Makes the template's ReplicaSet exist with `replicas`, writing only what differs. */
export async function ensureTemplateReplicaSet(writer: ObjectWriter, experiment: Experiment, template: ExperimentTemplate, current: ReplicaSetObject | undefined, replicas: number): Promise<void> {
  if (current) {
    if ((current.spec?.replicas ?? 0) === replicas) return;
    await writer.patch(Kinds.ReplicaSet, current.metadata.namespace, current.metadata.name ?? '', { spec: { replicas } }, 'merge');
    return;
  }
  if (replicas === 0) return;
  await writer.create(Kinds.ReplicaSet, buildExperimentReplicaSet(experiment, template, replicas));
}
