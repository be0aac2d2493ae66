// An in-memory JobClient for the job provider's specifications: Jobs by namespace/name, with the calls recorded.
import type { JobClient } from '../../../src/analysis/providers/job-provider.js';
import { KubeApiError } from '../../../src/kube/kube-api-error.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import type { ResourceKind } from '../../../src/kube/resource-kind.js';

export class FakeJobClient implements JobClient {
  readonly jobs = new Map<string, KubeObject>();
  readonly calls: string[] = [];
  /** When set, every call fails with this error. */
  failWith: Error | undefined;

  async get<T extends KubeObject>(kind: ResourceKind, namespace: string | undefined, name: string): Promise<T | undefined> {
    this.record('get', kind, namespace, name);
    return this.jobs.get(`${namespace}/${name}`) as T | undefined;
  }

  async create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    const { namespace, name = '' } = obj.metadata;
    this.record('create', kind, namespace, name);
    const key = `${namespace}/${name}`;
    if (this.jobs.has(key)) throw new KubeApiError(409, { reason: 'AlreadyExists', message: `jobs.batch "${name}" already exists` }, 'create');
    this.jobs.set(key, structuredClone(obj));
    return obj;
  }

  async delete(kind: ResourceKind, namespace: string | undefined, name: string): Promise<void> {
    this.record('delete', kind, namespace, name);
    this.jobs.delete(`${namespace}/${name}`);
  }

  /** Sets the Job's status as the Job controller would when it ends. */
  end(name: string, type: 'Complete' | 'Failed', reason = type === 'Complete' ? 'CompletionsReached' : 'BackoffLimitExceeded'): void {
    const job = [...this.jobs.values()].find((j) => j.metadata.name === name);
    if (!job) throw new Error(`no Job ${name}`);
    job['status'] = { conditions: [{ type, status: 'True', reason, message: type === 'Failed' ? 'Job has reached the specified backoff limit' : 'Reached expected number of succeeded pods' }] };
  }

  private record(verb: string, kind: ResourceKind, namespace: string | undefined, name: string): void {
    if (this.failWith) throw this.failWith;
    this.calls.push(`${verb} ${kind.plural} ${namespace}/${name}`);
  }
}
