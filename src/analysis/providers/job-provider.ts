// The job MetricProvider: each measurement is a Kubernetes Job in the run's namespace, owned by the run; the Job's
// Complete condition makes it Successful, its Failed condition Failed (Argo docs analysis/job.md).
import type { JobMetric, Metric } from '../../resources/analysis.js';
import { API_VERSION } from '../../resources/meta.js';
import type { KubeObject } from '../../kube/kube-object.js';
import type { LiveReader, ObjectWriter } from '../../kube/kube-client.js';
import { isAlreadyExists } from '../../kube/kube-api-error.js';
import { Kinds } from '../../kube/resource-kind.js';
import { substituteArgs } from '../arg-substitution.js';
import { MetricError, type MeasurementProgress, type ResumableMetricProvider, type ResumeContext } from '../metric-provider.js';

/** The measurement metadata keys Argo Rollouts keeps, so a resumed (or restarted) controller finds the Job. */
export const JOB_NAME_KEY = 'job-name';
export const JOB_NAMESPACE_KEY = 'job-namespace';

/** Argo's `analysisrun.argoproj.io/*` keys, in Vane's group: the run's uid labels the Job and its pods. */
export const RUN_UID_LABEL = 'analysisrun.vane.dev/uid';
export const RUN_NAME_ANNOTATION = 'analysisrun.vane.dev/name';
export const RUN_NAMESPACE_ANNOTATION = 'analysisrun.vane.dev/namespace';
export const METRIC_NAME_ANNOTATION = 'analysisrun.vane.dev/metric-name';

/** The Job controller copies the Job's name into a label of its pods, so the name must fit a label value. */
export const MAX_JOB_NAME_LENGTH = 63;

/** The first look, a second after the Job is created: Jobs take at least that long to schedule a pod. */
const FIRST_LOOK_MS = 1_000;

/** Get, create and delete Jobs: the only Kubernetes access this provider has. */
export type JobClient = Pick<LiveReader, 'get'> & Pick<ObjectWriter, 'create' | 'delete'>;

interface JobCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
}

type JobObject = KubeObject & { spec?: unknown; status?: { conditions?: JobCondition[] } };

export class JobProvider implements ResumableMetricProvider {
  readonly type = 'job' as const;

  constructor(private readonly client: JobClient) {}

  async start(metric: Metric, context: ResumeContext, index: number): Promise<Record<string, string>> {
    const job = metricJob(metric, context, index);
    const name = job.metadata.name ?? '';
    try {
      await this.client.create(Kinds.Job, job);
    } catch (err) {
      if (!isAlreadyExists(err)) throw new MetricError('Unavailable', `creating Job ${context.run.namespace}/${name}: ${message(err)}`, { cause: err });
      await this.adopt(name, context);
    }
    return { [JOB_NAME_KEY]: name, [JOB_NAMESPACE_KEY]: context.run.namespace };
  }

  /** A Job of this name exists: ours from a pass whose status write was lost, or someone else's (an error). */
  private async adopt(name: string, context: ResumeContext): Promise<void> {
    const existing = await this.client.get<JobObject>(Kinds.Job, context.run.namespace, name);
    const owner = existing?.metadata.ownerReferences?.find((ref) => ref.controller === true);
    if (owner?.uid !== context.run.uid) {
      throw new MetricError('BadQuery', `Job ${context.run.namespace}/${name} already exists and is not controlled by this AnalysisRun`);
    }
  }

  async resume(metadata: Readonly<Record<string, string>>, context: ResumeContext, startedAtMs: number): Promise<MeasurementProgress> {
    const { namespace, name } = jobRef(metadata, context);
    const job = await this.client.get<JobObject>(Kinds.Job, namespace, name);
    if (!job) throw new MetricError('NotFound', `Job ${namespace}/${name} no longer exists`);
    const conditions = job.status?.conditions ?? [];
    const ended = (type: string): JobCondition | undefined => conditions.find((c) => c.type === type && c.status === 'True');
    const failed = ended('Failed');
    if (failed) return { phase: 'Failed', message: `Job ${name} failed${detail(failed)}` };
    if (ended('Complete')) return { phase: 'Successful' };
    return { phase: 'Running', resumeAfterMs: nextLookAfterMs(context.now - startedAtMs) };
  }

  terminate(metadata: Readonly<Record<string, string>>, context: ResumeContext): Promise<void> {
    return this.remove(metadata, context);
  }

  release(metadata: Readonly<Record<string, string>>, context: ResumeContext): Promise<void> {
    return this.remove(metadata, context);
  }

  /** Deletes the Job (the client's delete is idempotent: a Job already gone is fine); its pods follow by GC. */
  private async remove(metadata: Readonly<Record<string, string>>, context: ResumeContext): Promise<void> {
    const { namespace, name } = jobRef(metadata, context);
    try {
      await this.client.delete(Kinds.Job, namespace, name);
    } catch (err) {
      throw new MetricError('Unavailable', `deleting Job ${namespace}/${name}: ${message(err)}`, { cause: err });
    }
  }
}

/**
 * Argo's growing delay between looks, sqrt(2 × seconds since the Job started), so short Jobs are seen finishing
 * quickly and long ones are not polled hard; never sooner than FIRST_LOOK_MS.
 */
export function nextLookAfterMs(elapsedMs: number): number {
  return Math.max(FIRST_LOOK_MS, Math.round(Math.sqrt((2 * Math.max(0, elapsedMs)) / 1000) * 1000));
}

/** The Job's name: `<run uid>.<metric>.<index>` as Argo names it, the metric name cut so the whole fits 63. */
export function jobName(runUid: string, metricName: string, index: number): string {
  const fixed = `${runUid}..${index}`.length;
  const room = Math.max(0, MAX_JOB_NAME_LENGTH - fixed);
  // A cut may leave a '-' or '.' at the end of the name's middle part, which a DNS subdomain forbids there.
  const metric = metricName.length <= room ? metricName : metricName.slice(0, room).replace(/[-.]+$/, '');
  return `${runUid}.${metric}.${index}`;
}

/** The Job for measurement `index`: args substituted everywhere, in the run's namespace, controlled by the run. */
export function metricJob(metric: Metric, context: ResumeContext, index: number): KubeObject {
  const spec = metric.provider.job;
  if (spec === undefined) throw new MetricError('BadQuery', `metric "${metric.name}" has no job provider`);
  const job = substituteDeep(spec, context.args) as JobMetric;
  const { run } = context;
  const template = job.spec.template;
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName(run.uid, metric.name, index),
      // Always the run's own namespace: a template cannot send a Job (and the run's ServiceAccount access) elsewhere.
      namespace: run.namespace,
      labels: { ...job.metadata?.labels, [RUN_UID_LABEL]: run.uid },
      annotations: {
        ...job.metadata?.annotations,
        [RUN_NAME_ANNOTATION]: run.name,
        [RUN_NAMESPACE_ANNOTATION]: run.namespace,
        [METRIC_NAME_ANNOTATION]: metric.name,
      },
      ownerReferences: [{ apiVersion: API_VERSION, kind: 'AnalysisRun', name: run.name, uid: run.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: {
      ...job.spec,
      template: { ...template, metadata: { ...template.metadata, labels: { ...template.metadata?.labels, [RUN_UID_LABEL]: run.uid } } },
    },
  } as KubeObject;
}

/** Argo substitutes `{{args.x}}` in the whole provider; here string by string, so a value cannot break the JSON. */
function substituteDeep(value: unknown, args: Readonly<Record<string, string>>): unknown {
  if (typeof value === 'string') return substituteArgs(value, args);
  if (Array.isArray(value)) return value.map((item) => substituteDeep(item, args));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, substituteDeep(item, args)]));
  }
  return value;
}

function jobRef(metadata: Readonly<Record<string, string>>, context: ResumeContext): { namespace: string; name: string } {
  const name = metadata[JOB_NAME_KEY];
  if (name === undefined || name === '') throw new MetricError('NotFound', `the measurement has no ${JOB_NAME_KEY} in its metadata`);
  // Only ever the run's namespace, whatever an edited status says.
  return { namespace: context.run.namespace, name };
}

function detail(condition: JobCondition): string {
  const parts = [condition.reason, condition.message].filter((p): p is string => typeof p === 'string' && p !== '');
  return parts.length === 0 ? '' : `: ${parts.join(': ')}`;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
