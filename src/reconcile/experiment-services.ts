// The Services an Experiment owns: one per template with `service`, selecting that template's pods while they run
// (Argo docs features/experiment.md "Experiment Service Creation without Weight" and "Weighted Experiment Step").
import { boundedName, MAX_LABEL_VALUE_LENGTH } from '../kube/bounded-name.js';
import type { ObjectWriter } from '../kube/kube-client.js';
import { isAlreadyExists } from '../kube/kube-api-error.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import type { Experiment, ExperimentTemplate } from '../resources/experiment.js';
import type { ReplicaSetObject } from '../resources/replica-set.js';
import type { ServiceObject } from '../traffic/service-selector.js';

/** Annotations naming the Experiment and template a Service belongs to (Argo's experiment-name/template-name). */
export const EXPERIMENT_NAME_ANNOTATION = 'vane.dev/experiment-name';
export const EXPERIMENT_TEMPLATE_NAME_ANNOTATION = 'vane.dev/experiment-template-name';

export interface ServicePort {
  name?: string;
  protocol?: string;
  port: number;
  targetPort: number;
}

interface ContainerPort {
  name?: string;
  protocol?: string;
  containerPort: number;
}

/** What became of one template's Service in this pass: its name, or why there is none. */
export interface TemplateServiceOutcome {
  template: string;
  serviceName?: string;
  /** Set when the Service cannot exist as asked: the experiment cannot route to the template. */
  problem?: string;
}

export interface TemplateServiceDeps {
  writer: ObjectWriter;
  service: (namespace: string, name: string) => ServiceObject | undefined;
}

/**
 * The Service's name: the one given, else the template's ReplicaSet's (Argo docs: "the name of the ReplicaSet"),
 * shortened with a hash when longer than the 63 characters a Service name may have.
 */
export function templateServiceName(template: ExperimentTemplate, replicaSet: ReplicaSetObject): string {
  return template.service?.name ?? boundedName(replicaSet.metadata.name ?? '', MAX_LABEL_VALUE_LENGTH);
}

/** Argo's port copy: each container port becomes a Service port of the same number, name and protocol. */
export function templateServicePorts(replicaSet: ReplicaSetObject): ServicePort[] {
  const containers = replicaSet.spec?.template?.spec.containers ?? [];
  return containers.flatMap((c) =>
    ((c['ports'] as ContainerPort[] | undefined) ?? []).map((p) => ({
      ...(p.name === undefined ? {} : { name: p.name }),
      ...(p.protocol === undefined ? {} : { protocol: p.protocol }),
      port: p.containerPort,
      targetPort: p.containerPort,
    })),
  );
}

export function buildTemplateService(experiment: Experiment, template: ExperimentTemplate, replicaSet: ReplicaSetObject): ServiceObject {
  const experimentName = experiment.metadata.name ?? '';
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: templateServiceName(template, replicaSet),
      namespace: experiment.metadata.namespace,
      annotations: { [EXPERIMENT_NAME_ANNOTATION]: experimentName, [EXPERIMENT_TEMPLATE_NAME_ANNOTATION]: template.name },
      ownerReferences: [{ apiVersion: experiment.apiVersion, kind: 'Experiment', name: experimentName, uid: experiment.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
    },
    // The ReplicaSet's labels carry the template's own hash: only this template's pods are selected.
    spec: { selector: { ...(replicaSet.metadata.labels ?? {}) }, ports: templateServicePorts(replicaSet) },
  };
}

function ownedBy(service: ServiceObject, experiment: Experiment, template: string): boolean {
  const controller = service.metadata.ownerReferences?.find((ref) => ref.controller === true);
  const annotations = service.metadata.annotations ?? {};
  return controller?.uid === experiment.metadata.uid && annotations[EXPERIMENT_NAME_ANNOTATION] === experiment.metadata.name && annotations[EXPERIMENT_TEMPLATE_NAME_ANNOTATION] === template;
}

/**
 * Makes the template's Service exist while its pods are wanted (`running`) and go once they are scaled down. A name
 * held by a Service the experiment does not own is a problem, never taken over; a template without container ports
 * has nothing a Service could expose.
 */
export async function syncTemplateService(
  deps: TemplateServiceDeps,
  experiment: Experiment,
  template: ExperimentTemplate,
  replicaSet: ReplicaSetObject | undefined,
  running: boolean,
): Promise<TemplateServiceOutcome> {
  const outcome: TemplateServiceOutcome = { template: template.name };
  if (template.service === undefined || replicaSet === undefined) return outcome;
  const namespace = experiment.metadata.namespace ?? 'default';
  const name = templateServiceName(template, replicaSet);
  const live = deps.service(namespace, name);
  if (live !== undefined && !ownedBy(live, experiment, template.name)) {
    return { ...outcome, problem: `Service ${namespace}/${name} already exists and is not owned by experiment template ${template.name}` };
  }
  if (!running) {
    if (live !== undefined) await deps.writer.delete(Kinds.Service, namespace, name);
    return outcome;
  }
  if (live !== undefined) return { ...outcome, serviceName: name };
  const service = buildTemplateService(experiment, template, replicaSet);
  if ((service.spec?.['ports'] as ServicePort[]).length === 0) {
    return { ...outcome, problem: `template ${template.name} declares no container ports: there is nothing for its Service to expose` };
  }
  try {
    await deps.writer.create(Kinds.Service, service as KubeObject);
  } catch (err) {
    // Created by a pass the cache has not caught up with: the next pass sees it (and checks its owner).
    if (!isAlreadyExists(err)) throw err;
  }
  return { ...outcome, serviceName: name };
}
