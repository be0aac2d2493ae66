// A tiny Job controller for the sandbox: runs each batch/v1 Job's pod "for" what its command says (job-script.ts),
// retries failures up to backoffLimit, enforces activeDeadlineSeconds, and writes the status the Job controller
// writes (startTime, active, Complete or Failed with their reasons, completionTime); the TTL-after-finished
// controller's deletion too. No Pods are created: the job metric provider reads only the Job.
import { DeferredKeyQueue } from './deferred-key-queue.js';
import { podOutcome } from './job-script.js';
import { objectKey, timestampNow, type KubeObject } from './kube-object.js';
import type { ObjectStore, StoreEvent } from './object-store.js';
import type { ResourceOperations } from './resource-operations.js';
import type { ResourceRegistry } from './resource-registry.js';
import type { ResourceType } from './resource-type.js';
import { isJsonObject } from './schema/json-value.js';

const JOBS = 'jobs.batch';

type Json = Record<string, unknown>;

interface JobTimers {
  attempt?: NodeJS.Timeout;
  deadline?: NodeJS.Timeout;
  ttl?: NodeJS.Timeout;
}

/** The reasons and messages the Job controller writes. */
const ENDINGS = {
  Complete: { before: 'SuccessCriteriaMet', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
  BackoffLimitExceeded: { before: 'FailureTarget', reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit' },
  DeadlineExceeded: { before: 'FailureTarget', reason: 'DeadlineExceeded', message: 'Job was active longer than specified deadline' },
} as const;

function specOf(job: KubeObject): Json {
  return isJsonObject(job['spec']) ? job['spec'] : {};
}

function statusOf(job: KubeObject): Json {
  return isJsonObject(job['status']) ? job['status'] : {};
}

function count(status: Json, field: string): number {
  const value = status[field];
  return typeof value === 'number' ? value : 0;
}

function finished(status: Json): boolean {
  const conditions = Array.isArray(status['conditions']) ? status['conditions'] : [];
  return conditions.some((c) => isJsonObject(c) && (c['type'] === 'Complete' || c['type'] === 'Failed') && c['status'] === 'True');
}

function containers(job: KubeObject): Json[] {
  const template = specOf(job)['template'];
  const spec = isJsonObject(template) && isJsonObject(template['spec']) ? template['spec'] : {};
  return Array.isArray(spec['containers']) ? spec['containers'].filter(isJsonObject) : [];
}

function numberField(spec: Json, field: string): number | undefined {
  const value = spec[field];
  return typeof value === 'number' ? value : undefined;
}

export class JobSimulator {
  private readonly timers = new Map<string, JobTimers>();
  private readonly queue: DeferredKeyQueue;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: ResourceRegistry,
    private readonly operations: ResourceOperations,
    /** How long a pod takes to start before its command runs (the simulator's ready delay). */
    private readonly startDelayMs: () => number,
    onError: (err: unknown) => void,
  ) {
    this.queue = new DeferredKeyQueue((key) => this.reconcile(key), onError);
    this.unsubscribe = store.subscribe((event) => this.observe(event));
  }

  stop(): void {
    this.unsubscribe();
    this.queue.stop();
    for (const uid of [...this.timers.keys()]) this.clearTimers(uid);
  }

  private type(): ResourceType {
    const type = this.registry.storageType(JOBS);
    if (!type) throw new Error(`no type for ${JOBS}`);
    return type;
  }

  private observe(event: StoreEvent): void {
    if (event.storageKey !== JOBS) return;
    const { metadata } = event.object;
    if (event.type === 'DELETED') {
      this.clearTimers(metadata.uid ?? '');
      return;
    }
    this.queue.add(objectKey(metadata.namespace, metadata.name ?? ''));
  }

  private current(key: string, uid: string): KubeObject | undefined {
    const [namespace, name] = key.split('/');
    const job = this.store.get(JOBS, namespace, name ?? '');
    return job && job.metadata.uid === uid && !job.metadata.deletionTimestamp ? job : undefined;
  }

  private reconcile(key: string): void {
    const [namespace, name] = key.split('/');
    const job = this.store.get(JOBS, namespace, name ?? '');
    const uid = job?.metadata.uid;
    if (!job || !uid || job.metadata.deletionTimestamp) return;
    const status = statusOf(job);
    if (finished(status)) {
      this.scheduleTtl(key, uid, job);
      return;
    }
    if (specOf(job)['suspend'] === true) return;
    if (status['startTime'] === undefined) {
      this.writeStatus(job, { ...status, startTime: timestampNow(), active: 1, terminating: 0, uncountedTerminatedPods: {}, ready: 0 });
      return; // the write comes back as an event, and the next pass starts the pod
    }
    this.scheduleAttempt(key, uid, job);
    this.scheduleDeadline(key, uid, job, status);
  }

  /** One pod at a time: it ends after its command's run time, unless its command never ends. */
  private scheduleAttempt(key: string, uid: string, job: KubeObject): void {
    const timers = this.timersOf(uid);
    if (timers.attempt !== undefined) return;
    const { runMs, exitCode } = podOutcome(containers(job));
    if (runMs === undefined) return;
    timers.attempt = setTimeout(() => {
      delete timers.attempt;
      this.attemptEnded(key, uid, exitCode);
    }, this.startDelayMs() + runMs);
  }

  private scheduleDeadline(key: string, uid: string, job: KubeObject, status: Json): void {
    const timers = this.timersOf(uid);
    const deadline = numberField(specOf(job), 'activeDeadlineSeconds');
    if (timers.deadline !== undefined || deadline === undefined) return;
    const started = Date.parse(String(status['startTime']));
    const wait = Math.max(0, started + deadline * 1000 - Date.now());
    timers.deadline = setTimeout(() => {
      delete timers.deadline;
      const current = this.current(key, uid);
      if (current && !finished(statusOf(current))) this.end(current, 'DeadlineExceeded', { failed: count(statusOf(current), 'failed') + 1 });
    }, wait);
  }

  private attemptEnded(key: string, uid: string, exitCode: number): void {
    const job = this.current(key, uid);
    if (!job) return;
    const status = statusOf(job);
    if (finished(status)) return;
    const spec = specOf(job);
    if (exitCode === 0) {
      const succeeded = count(status, 'succeeded') + 1;
      if (succeeded >= (numberField(spec, 'completions') ?? 1)) this.end(job, 'Complete', { succeeded });
      else this.writeStatus(job, { ...status, succeeded });
      return;
    }
    const failed = count(status, 'failed') + 1;
    if (failed > (numberField(spec, 'backoffLimit') ?? 6)) this.end(job, 'BackoffLimitExceeded', { failed });
    else this.writeStatus(job, { ...status, failed }); // its event brings the next attempt
  }

  /** The Job's final status: the interim condition, then Complete or Failed (as the Job controller writes them). */
  private end(job: KubeObject, how: keyof typeof ENDINGS, counters: Json): void {
    const now = timestampNow();
    const { before, reason, message } = ENDINGS[how];
    const type = how === 'Complete' ? 'Complete' : 'Failed';
    const condition = (t: string): Json => ({ type: t, status: 'True', lastProbeTime: now, lastTransitionTime: now, reason, message });
    const { active: _active, ...rest } = statusOf(job);
    const status: Json = { ...rest, ...counters, conditions: [condition(before), condition(type)], terminating: 0, uncountedTerminatedPods: {}, ready: 0 };
    if (how === 'Complete') status['completionTime'] = now;
    this.clearTimers(job.metadata.uid ?? '');
    this.writeStatus(job, status);
  }

  /** The TTL-after-finished controller: the Job (and, by garbage collection, its pods) goes ttl seconds after it ended. */
  private scheduleTtl(key: string, uid: string, job: KubeObject): void {
    const ttl = numberField(specOf(job), 'ttlSecondsAfterFinished');
    const timers = this.timersOf(uid);
    if (ttl === undefined || timers.ttl !== undefined) return;
    timers.ttl = setTimeout(() => {
      delete timers.ttl;
      const current = this.current(key, uid);
      if (current) this.operations.delete(this.type(), current.metadata.namespace, current.metadata.name ?? '', { propagationPolicy: 'Background' });
    }, ttl * 1000);
  }

  private writeStatus(job: KubeObject, status: Json): void {
    this.operations.replace(this.type(), job, { ...job, status }, 'status');
  }

  private timersOf(uid: string): JobTimers {
    let timers = this.timers.get(uid);
    if (!timers) {
      timers = {};
      this.timers.set(uid, timers);
    }
    return timers;
  }

  private clearTimers(uid: string): void {
    const timers = this.timers.get(uid);
    if (!timers) return;
    for (const timer of [timers.attempt, timers.deadline, timers.ttl]) if (timer) clearTimeout(timer);
    this.timers.delete(uid);
  }
}
