// One reconcile pass over an AnalysisRun: take the measurements that are due, write status once, say when to come back.
//
// The analysis layer decides (which measurements are due, what they mean); this pass only reads the run from the
// cache, hands it Secrets and providers, and writes the result with the resourceVersion it read.
import { measureAnalysisRun } from '../analysis/analysis-run-lifecycle.js';
import { MetricError, type AnyMetricProvider, type SecretReader } from '../analysis/metric-provider.js';
import { isTerminalPhase } from '../analysis/run-verdict.js';
import { checkTemplateConditions } from '../analysis/template-conditions.js';
import type { Logger } from '../logger.js';
import type { Reconcile, ReconcileResult } from '../kube/controller-runner.js';
import type { EventRecorder } from '../kube/event-recorder.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import type { WriteTracker } from '../kube/write-tracker.js';
import { validateAnalysisRun } from '../resources/analysis-template-validation.js';
import type { AnalysisRun, AnalysisRunStatus, Metric } from '../resources/analysis.js';
import { sameJson } from '../resources/canonical-json.js';
import { formatFieldErrors } from '../resources/field-error.js';

export type AnalysisRunObject = AnalysisRun & KubeObject;

export interface AnalysisRunReconcilerDeps {
  runs: { get(key: string): AnalysisRunObject | undefined };
  client: KubeClient;
  events: EventRecorder;
  providerFor: (metric: Metric) => AnyMetricProvider;
  clock: () => number;
  logger: Logger;
  writes?: WriteTracker;
}

export function createAnalysisRunReconciler(deps: AnalysisRunReconcilerDeps): Reconcile {
  const secrets = secretReader(deps.client);
  return (key) => reconcileAnalysisRun(key, deps, secrets);
}

async function reconcileAnalysisRun(key: string, deps: AnalysisRunReconcilerDeps, secrets: SecretReader): Promise<ReconcileResult> {
  const run = deps.runs.get(key);
  if (!run || run.metadata.deletionTimestamp) return {};
  if (deps.writes?.isStale(key, run.metadata.resourceVersion)) return { requeueAfterMs: deps.writes.recheckAfterMs(key) };
  if (run.status && isTerminalPhase(run.status.phase)) return {};
  const now = deps.clock();

  const problems = specProblems(run);
  if (problems) return write(run, { phase: 'Error', message: problems, startedAt: run.status?.startedAt ?? new Date(now).toISOString() }, deps, key);

  const { status, requeueAfterMs } = await measureAnalysisRun(run, { now, providerFor: deps.providerFor, secrets });
  await write(run, status, deps, key);
  // The next measurement is due then: it goes ahead of informer events when it is.
  return requeueAfterMs === undefined ? {} : { requeueAfterMs: Math.max(0, requeueAfterMs), urgent: true };
}

/** Why the run cannot be measured at all (schema-level problems, conditions that do not compile), or undefined. */
function specProblems(run: AnalysisRunObject): string | undefined {
  const invalid = validateAnalysisRun(run);
  if (invalid.length > 0) return formatFieldErrors(invalid);
  const broken = checkTemplateConditions(`AnalysisRun ${run.metadata.namespace}/${run.metadata.name}`, run.spec);
  return broken.length > 0 ? broken.join('; ') : undefined;
}

async function write(run: AnalysisRunObject, status: AnalysisRunStatus, deps: AnalysisRunReconcilerDeps, key: string): Promise<ReconcileResult> {
  if (sameJson(status, run.status ?? {})) return {};
  const written = await deps.client.replaceStatus(Kinds.AnalysisRun, { ...run, status });
  deps.writes?.wrote(key, run.metadata.resourceVersion, written.metadata.resourceVersion);
  if (isTerminalPhase(status.phase)) {
    const warning = status.phase !== 'Successful';
    deps.logger.info({ namespace: run.metadata.namespace, analysisRun: run.metadata.name, phase: status.phase, message: status.message }, 'analysis run finished');
    await deps.events.record(run, {
      key: `analysis-${status.phase}`,
      type: warning ? 'Warning' : 'Normal',
      reason: `AnalysisRun${status.phase}`,
      message: status.message ?? `analysis run ${status.phase}`,
    });
  }
  return {};
}

/** Reads one key of a Secret, uncached: Secrets are not watched, and a measurement should see a rotated token. */
export function secretReader(client: KubeClient): SecretReader {
  return async (namespace, name, key) => {
    const secret = await client.get<KubeObject & { data?: Record<string, string> }>(Kinds.Secret, namespace, name);
    if (!secret) throw new MetricError('NotFound', `Secret ${namespace}/${name} not found`);
    const value = secret.data?.[key];
    if (value === undefined) throw new MetricError('NotFound', `Secret ${namespace}/${name} has no key "${key}"`);
    return Buffer.from(value, 'base64').toString('utf8');
  };
}
