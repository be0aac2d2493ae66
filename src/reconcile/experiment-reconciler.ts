// One reconcile pass over an Experiment: observe → decide (experiment machine) → act → write status once.
//
// Like the Rollout's pass (docs/adr/0002): status.machine is the Experiment's whole memory, observations are sent
// every pass and ignored where they do not apply, effects are idempotent (ReplicaSets scaled to a count, runs with
// deterministic names), and the pass says when to come back (the duration, the deadline, the scale-down delay).
import { isTerminalPhase } from '../analysis/run-verdict.js';
import { TerminalError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Reconcile, ReconcileResult } from '../kube/controller-runner.js';
import type { EventRecorder } from '../kube/event-recorder.js';
import { isAlreadyExists, isNotFound } from '../kube/kube-api-error.js';
import type { KubeClient } from '../kube/kube-client.js';
import { splitKey, type KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import type { WriteTracker } from '../kube/write-tracker.js';
import {
  decideExperiment,
  experimentViewOf,
  initialExperimentState,
  parsePersistedExperimentState,
  type ExperimentDecision,
  type ExperimentEffect,
  type ExperimentEvent,
} from '../machine/experiment-machine.js';
import { experimentPlan } from '../machine/experiment-plan.js';
import type { AnalysisRun } from '../resources/analysis.js';
import { sameJson } from '../resources/canonical-json.js';
import type { Experiment, ExperimentStatus, TemplateStatus } from '../resources/experiment.js';
import { validateExperiment } from '../resources/experiment-validation.js';
import { formatFieldErrors } from '../resources/field-error.js';
import type { ReplicaSetObject } from '../resources/replica-set.js';
import { buildExperimentAnalysisRun, experimentRunName } from './experiment-analysis-run.js';
import { ensureTemplateReplicaSet, experimentTemplateHash, templateReplicaSet } from './experiment-replica-sets.js';
import { syncTemplateService, type TemplateServiceOutcome } from './experiment-services.js';
import { isAvailable } from './replica-sets.js';
import type { ExperimentCache } from './rollout-cache.js';

export type ExperimentObject = Experiment & KubeObject;

export interface ExperimentReconcilerDeps {
  cache: ExperimentCache;
  client: KubeClient;
  events: EventRecorder;
  clock: () => number;
  logger: Logger;
  writes?: WriteTracker;
}

/** What one pass saw: the Experiment and what it owns, from the cache. */
interface Observed {
  experiment: Experiment;
  replicaSets: ReplicaSetObject[];
  runs: AnalysisRun[];
  now: number;
}

export function createExperimentReconciler(deps: ExperimentReconcilerDeps): Reconcile {
  return (key) => reconcileExperiment(key, deps);
}

async function reconcileExperiment(key: string, deps: ExperimentReconcilerDeps): Promise<ReconcileResult> {
  const { namespace, name } = splitKey(key);
  const experiment = deps.cache.experiment(namespace ?? 'default', name);
  if (!experiment || experiment.metadata.deletionTimestamp) return {};
  if (deps.writes?.isStale(key, experiment.metadata.resourceVersion)) return { requeueAfterMs: deps.writes.recheckAfterMs(key) };
  const now = deps.clock();
  const invalid = validateExperiment(experiment);
  if (invalid.length > 0) {
    // A spec that cannot run ends as Error, as Argo's does; a finished experiment keeps its verdict.
    if (experiment.status?.machine !== undefined) return {};
    await writeStatus(experiment, { phase: 'Error', message: formatFieldErrors(invalid) }, deps, key);
    return {};
  }
  const seen: Observed = { experiment, replicaSets: deps.cache.replicaSetsOfExperiment(experiment), runs: deps.cache.analysisRunsOfExperiment(experiment), now };
  let decision = startingDecision(experiment, now);
  const effects: ExperimentEffect[] = [...decision.effects];
  const apply = (event: ExperimentEvent): void => {
    decision = decideExperiment(decision.state, event);
    effects.push(...decision.effects);
  };
  for (const event of observations(seen, decision)) apply(event);

  let blocked = await executeEffects(effects, seen, deps);
  // A run that cannot be built is a verdict on the experiment (Error), decided in this same pass.
  while (blocked !== undefined) {
    const before = effects.length;
    apply({ type: 'analysisBlocked', name: blocked.analysis, message: blocked.message, now });
    blocked = await executeEffects(effects.slice(before), seen, deps);
  }
  const services = await syncServices(seen, decision, deps);
  // A template whose Service cannot exist ends the experiment as Error (Argo: template status Error), at once.
  const refused = services.find((s) => s.problem !== undefined);
  if (refused !== undefined && ['pending', 'running'].includes(decision.view.state)) {
    const before = effects.length;
    apply({ type: 'templateBlocked', name: refused.template, message: refused.problem ?? '', now });
    await executeEffects(effects.slice(before), seen, deps);
  }
  await writeStatus(experiment, nextStatus(seen, decision, services), deps, key);
  const wake = decision.view.nextWakeAt;
  return wake === undefined ? {} : { requeueAfterMs: Math.max(0, wake - now), urgent: true };
}

function startingDecision(experiment: Experiment, now: number): ExperimentDecision {
  const stored = experiment.status?.machine;
  if (stored === undefined) return initialExperimentState(experimentPlan(experiment.spec), now);
  const state = parsePersistedExperimentState(stored);
  return { state, effects: [], handled: true, view: experimentViewOf(state) };
}

/** The events of this pass, read against what the machine waits for. */
function observations(seen: Observed, decision: ExperimentDecision): ExperimentEvent[] {
  const { experiment, now } = seen;
  const events: ExperimentEvent[] = [];
  const statuses = templateStatuses(seen);
  if (!sameCounts(statuses, experiment.status?.templateStatuses ?? [])) events.push({ type: 'progress', now });
  const allAvailable = experiment.spec.templates.every((t) => {
    const replicas = decision.view.desired.find((d) => d.template === t.name)?.replicas ?? 0;
    return replicas > 0 && isAvailable(templateReplicaSet(experiment, t, seen.replicaSets), replicas);
  });
  if (allAvailable) events.push({ type: 'templatesAvailable', now });
  for (const analysis of decision.view.awaitedRuns) {
    const run = seen.runs.find((r) => r.metadata.name === experimentRunName(experiment, analysis));
    const phase = run?.status?.phase;
    if (run && phase && isTerminalPhase(phase)) events.push({ type: 'analysis', name: analysis, phase, message: run.status?.message ?? '', now });
  }
  if (experiment.spec.terminate === true) events.push({ type: 'terminate', now });
  events.push({ type: 'tick', now });
  return events;
}

/** Executes effects in order; stops at a run that cannot be built and returns why. */
async function executeEffects(effects: readonly ExperimentEffect[], seen: Observed, deps: ExperimentReconcilerDeps): Promise<{ analysis: string; message: string } | undefined> {
  const { experiment } = seen;
  const namespace = experiment.metadata.namespace ?? 'default';
  for (const effect of effects) {
    switch (effect.type) {
      case 'scaleTemplate': {
        const template = experiment.spec.templates.find((t) => t.name === effect.template);
        if (template) await ignoreExists(ensureTemplateReplicaSet(deps.client, experiment, template, templateReplicaSet(experiment, template, seen.replicaSets), effect.replicas));
        break;
      }
      case 'createRun': {
        const analysis = experiment.spec.analyses?.find((a) => a.name === effect.analysis);
        if (!analysis || seen.runs.some((r) => r.metadata.name === experimentRunName(experiment, analysis.name))) break;
        let run: AnalysisRun;
        try {
          run = buildExperimentAnalysisRun(deps.cache, experiment, analysis);
        } catch (err) {
          if (err instanceof TerminalError) return { analysis: analysis.name, message: err.message };
          throw err;
        }
        await ignoreExists(deps.client.create(Kinds.AnalysisRun, run as unknown as KubeObject));
        break;
      }
      case 'terminateRun':
        await deps.client.patch(Kinds.AnalysisRun, namespace, experimentRunName(experiment, effect.analysis), { spec: { terminate: true } }, 'merge').catch((err: unknown) => {
          if (!isNotFound(err)) throw err;
        });
        break;
      case 'emitEvent':
        await deps.events.record(experiment as unknown as KubeObject, { key: effect.key, type: effect.eventType, reason: effect.reason, message: effect.message });
        break;
    }
  }
  return undefined;
}

async function ignoreExists(write: Promise<unknown>): Promise<void> {
  try {
    await write;
  } catch (err) {
    // Created by a pass the cache has not caught up with: the next pass sees it.
    if (!isAlreadyExists(err)) throw err;
  }
}

/** Each template's Service (for those with `service`) exists while its pods are wanted and goes when they are not. */
async function syncServices(seen: Observed, decision: ExperimentDecision, deps: ExperimentReconcilerDeps): Promise<TemplateServiceOutcome[]> {
  const { experiment } = seen;
  const running = decision.view.state !== 'ended.done';
  const serviceDeps = { writer: deps.client, service: (namespace: string, name: string) => deps.cache.service(namespace, name) };
  const outcomes: TemplateServiceOutcome[] = [];
  for (const template of experiment.spec.templates) {
    outcomes.push(await syncTemplateService(serviceDeps, experiment, template, templateReplicaSet(experiment, template, seen.replicaSets), running));
  }
  return outcomes;
}

function nextStatus(seen: Observed, decision: ExperimentDecision, services: readonly TemplateServiceOutcome[]): ExperimentStatus {
  const { experiment } = seen;
  const { view } = decision;
  const status: ExperimentStatus = {
    phase: view.phase,
    message: view.message,
    templateStatuses: templateStatuses(seen, view.phase).map((t) => {
      const service = services.find((s) => s.template === t.name);
      if (service?.problem !== undefined) return { ...t, status: 'Error' as const, message: service.problem };
      return service?.serviceName === undefined ? t : { ...t, serviceName: service.serviceName };
    }),
    analysisRuns: (experiment.spec.analyses ?? []).map((a) => {
      const runName = experimentRunName(experiment, a.name);
      const run = seen.runs.find((r) => r.metadata.name === runName);
      return { name: a.name, ...(run ? { analysisRun: runName } : {}), phase: run?.status?.phase ?? 'Pending', ...(run?.status?.message ? { message: run.status.message } : {}) };
    }),
    machine: decision.state as unknown as Record<string, unknown>,
  };
  if (view.availableAt !== undefined) status.availableAt = new Date(view.availableAt).toISOString();
  return status;
}

/** Each template's ReplicaSet counts, and Argo's template status: Progressing until available, then Running. */
function templateStatuses(seen: Observed, phase?: string): TemplateStatus[] {
  const { experiment } = seen;
  return experiment.spec.templates.map((t) => {
    const rs = templateReplicaSet(experiment, t, seen.replicaSets);
    const counts = { replicas: rs?.status?.replicas ?? 0, readyReplicas: rs?.status?.readyReplicas ?? 0, availableReplicas: rs?.status?.availableReplicas ?? 0 };
    const ended = phase !== undefined && !['Pending', 'Running'].includes(phase);
    const available = isAvailable(rs, t.replicas ?? 1);
    const status: TemplateStatus['status'] = ended ? (phase === 'Successful' ? 'Successful' : 'Failed') : available ? 'Running' : 'Progressing';
    return { name: t.name, podTemplateHash: experimentTemplateHash(experiment.metadata.name ?? '', t), ...counts, updatedReplicas: counts.replicas, status };
  });
}

function sameCounts(a: readonly TemplateStatus[], b: readonly TemplateStatus[]): boolean {
  const key = (s: TemplateStatus): string => `${s.name}:${s.replicas}/${s.readyReplicas}/${s.availableReplicas}`;
  return a.map(key).join(',') === b.map(key).join(',');
}

async function writeStatus(experiment: Experiment, status: ExperimentStatus, deps: ExperimentReconcilerDeps, key: string): Promise<void> {
  if (sameJson(status, experiment.status ?? {})) return;
  const written = await deps.client.replaceStatus(Kinds.Experiment, { ...(experiment as unknown as KubeObject), status });
  deps.writes?.wrote(key, experiment.metadata.resourceVersion, written.metadata.resourceVersion);
  if (status.phase !== experiment.status?.phase) {
    deps.logger.info({ namespace: experiment.metadata.namespace, experiment: experiment.metadata.name, phase: status.phase, message: status.message }, 'experiment phase changed');
  }
}
