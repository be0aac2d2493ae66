// Manifest documents that run pods (anything with a pod template), told apart from one Rollout's own, and named for messages.
import { isRecord, stringAt, valueAt } from './unstructured.js';

const WORKLOAD_KINDS: ReadonlySet<string> = new Set(['Rollout', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ReplicationController', 'Job', 'CronJob', 'Pod']);

/** A document whose change changes pods: a known workload kind, or any object with a pod template (a custom workload). */
export function isWorkload(doc: unknown): boolean {
  const kind = stringAt(doc, ['kind']);
  if (kind !== undefined && WORKLOAD_KINDS.has(kind)) return true;
  return isRecord(valueAt(doc, ['spec', 'template', 'spec'])) || isRecord(valueAt(doc, ['spec', 'jobTemplate', 'spec']));
}

export function isWorkloadKind(kind: string): boolean {
  return WORKLOAD_KINDS.has(kind);
}

/** `Rollout shop/checkout`, `Deployment worker`: what a person reading a commit body or status needs. */
export function describeDocument(doc: unknown, namespace = stringAt(doc, ['metadata', 'namespace'])): string {
  const kind = stringAt(doc, ['kind']) ?? 'document';
  const name = stringAt(doc, ['metadata', 'name']) ?? '(unnamed)';
  return `${kind} ${namespace !== undefined ? `${namespace}/` : ''}${name}`;
}

/** Identity of a document within one file across revisions: apiVersion's group, kind, namespace and name. */
export function documentKey(doc: unknown): string | undefined {
  const kind = stringAt(doc, ['kind']);
  const name = stringAt(doc, ['metadata', 'name']);
  if (kind === undefined || name === undefined) return undefined;
  const group = (stringAt(doc, ['apiVersion']) ?? '').split('/').slice(0, -1).join('/');
  return [group, kind, stringAt(doc, ['metadata', 'namespace']) ?? '', name].join('\0');
}

/** The Rollout a rollback is for, and the Deployment its workloadRef names (whose template it runs), once known. */
export class OwnWorkloads {
  constructor(
    readonly rollout: { namespace: string; name: string },
    private readonly workloadRef?: string,
  ) {}

  withWorkloadRef(name: string | undefined): OwnWorkloads {
    return name === undefined ? this : new OwnWorkloads(this.rollout, name);
  }

  /** Whether a workload of `kind`/`name`, deployed to `namespace` (undefined: wherever the GitOps tool puts it), is ours. */
  is(kind: string, name: string, namespace: string | undefined): boolean {
    if (namespace !== undefined && namespace !== this.rollout.namespace) return false;
    return (kind === 'Rollout' && name === this.rollout.name) || (kind === 'Deployment' && name === this.workloadRef);
  }

  isDocument(doc: unknown): boolean {
    const kind = stringAt(doc, ['kind']);
    const name = stringAt(doc, ['metadata', 'name']);
    return kind !== undefined && name !== undefined && this.is(kind, name, stringAt(doc, ['metadata', 'namespace']));
  }
}
