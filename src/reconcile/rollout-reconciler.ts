// One reconcile pass over a Rollout: observe → decide (machine) → act (effects) → write status once.
import { TerminalError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Reconcile, ReconcileResult } from '../kube/controller-runner.js';
import type { EventRecorder, EventSpec } from '../kube/event-recorder.js';
import type { KubeClient } from '../kube/kube-client.js';
import type { WriteTracker } from '../kube/write-tracker.js';
import { objectKey, splitKey, type KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import { initialState, parsePersistedMachineState, viewOf, type Decision } from '../machine/rollout-machine.js';
import type { Effect } from '../machine/effects.js';
import { planFromSpec } from '../machine/rollout-plan.js';
import { sameJson } from '../resources/canonical-json.js';
import { formatFieldErrors } from '../resources/field-error.js';
import type { AnalysisRun } from '../resources/analysis.js';
import type { PodTemplateSpec } from '../resources/meta.js';
import { podTemplateHash, templateImages } from '../resources/pod-template-hash.js';
import { withRolloutDefaults } from '../resources/rollout-defaults.js';
import { validateRollout } from '../resources/rollout-validation.js';
import type { RevisionRecord, Rollout, RolloutStatus } from '../resources/rollout.js';
import { stablePingPongOf } from '../traffic/service-roles.js';
import { stableShare, type TrafficRouter, type WeightDestination } from '../traffic/traffic-router.js';
import { experimentDestinations, syncExperimentTraffic } from './experiment-traffic.js';
import { buildRolloutAnalysisRun } from './analysis-run-factory.js';
import { analysisRunsToDelete, runHistoryLimits } from './analysis-run-history.js';
import { argoConditions, type ConditionFacts } from './argo-conditions.js';
import { argoStatusFields, blueGreenRunStatuses, canaryRunStatuses, previewSelector, type ArgoStatusInput } from './argo-status.js';
import { healthConditions, setCondition, removeCondition } from './conditions.js';
import { analysisRunName, executeEffects, type EffectOutcome } from './effect-executor.js';
import { elapsed, failingMetric, mergeHistory, stampRestored } from './release-history.js';
import { decideChecked, gateProblemOf, gateReadyEvents, type GateProblem } from './gate-check.js';
import { withGitCondition } from './git-rollback-reconciler.js';
import { answerRollbackRetry } from './rollback-retry.js';
import { hashOf, type ReplicaSetObject } from '../resources/replica-set.js';
import { replicaSetsToPrune } from './replica-sets.js';
import { boundedScaleEffects } from './basic-canary-scaling.js';
import { scaledStepAnnotations, targetsAsScaled } from './scaled-step.js';
import { onlyEnteredPodWait, type HeldStatusWrites } from './held-status-writes.js';
import { finalEffects } from './final-effects.js';
import { withReleaseTrail } from './pass-events.js';
import { deadlineAnnotation, oldReplicaSetPass, oldReplicaSetPolicy, writeScaleDownDeadlines } from './old-replica-sets.js';
import type { RolloutCache } from './rollout-cache.js';
import { isAutoCommandId, isBasicCanary, promoteFullId, replicaTotals, settleEvents, specEvents, worldEvents, type ObservedWorld } from './rollout-observations.js';
import { resolveTemplate, withResolvedSelector } from './template-source.js';
import { scaleDownWorkload } from './workload-scale-down.js';
import { restartPods } from './pod-restart.js';
import { roleMetadata, syncRoleMetadata } from './ephemeral-metadata.js';
import { applyFinalizer, finalizerAction } from './traffic-finalizer.js';

/** How soon a Rollout blocked on a missing or unusable referenced object is looked at again. */
const REFERENCE_RETRY_MS = 5_000;

export interface RolloutReconcilerDeps {
  cache: RolloutCache;
  client: KubeClient;
  events: EventRecorder;
  clock: () => number;
  logger: Logger;
  /** Skips passes over a cache that has not yet seen this controller's last status write. */
  writes?: WriteTracker;
  routerFor?: (rollout: Rollout) => TrafficRouter | undefined;
  /** A git rollback queue runs beside this reconciler: an abort queues its revert (else records NotConfigured). */
  gitRollback?: boolean;
  /** Holds back status writes the next write carries a moment later (absent: every change is written at once). */
  held?: HeldStatusWrites;
}

export function createRolloutReconciler(deps: RolloutReconcilerDeps): Reconcile {
  return (key) => reconcileRollout(key, deps);
}

export async function reconcileRollout(key: string, deps: RolloutReconcilerDeps): Promise<ReconcileResult> {
  const { namespace, name } = splitKey(key);
  const rollout = deps.cache.rollout(namespace ?? 'default', name);
  if (!rollout) {
    deps.held?.forget(key);
    return {};
  }
  if (deps.writes?.isStale(key, rollout.metadata.resourceVersion)) return { requeueAfterMs: deps.writes.recheckAfterMs(key) };
  const finalizer = finalizerAction(rollout);
  if (finalizer !== 'none') {
    // The finalizer write changes the resourceVersion: this pass ends here and the watch event starts the next.
    const written = await applyFinalizer(finalizer, rollout, deps.client, () => deps.routerFor?.(rollout));
    deps.writes?.wrote(key, rollout.metadata.resourceVersion, written.metadata.resourceVersion);
    return {};
  }
  if (rollout.metadata.deletionTimestamp) return {};
  const now = deps.clock();
  const log = deps.logger.child({ namespace, rollout: name, step: rollout.status?.currentStepIndex });

  const invalid = validateRollout(rollout);
  if (invalid.length > 0) return writeInvalid(rollout, 'InvalidSpec', formatFieldErrors(invalid), deps, now);
  let template: PodTemplateSpec;
  // The Rollout with the selector it works with (the Deployment's, for a workloadRef without one); status is
  // written over the object as read.
  let subject: Rollout;
  try {
    template = resolveTemplate(rollout, deps.cache);
    subject = withResolvedSelector(rollout, deps.cache);
  } catch (err) {
    if (err instanceof TerminalError) return writeInvalid(rollout, err.code === 'InvalidSpec' ? 'InvalidSpec' : 'WorkloadNotFound', err.message, deps, now);
    throw err;
  }

  const spec = withRolloutDefaults(rollout.spec);
  const replicaSets = deps.cache.replicaSetsOf(rollout);
  const world: ObservedWorld = {
    rollout: subject,
    hash: podTemplateHash(template),
    plan: planFromSpec(spec),
    replicaSets,
    analysisRuns: deps.cache.analysisRunsOf(rollout),
    experiments: deps.cache.experimentsOf?.(rollout) ?? [],
    now,
  };
  const gateProblem = gateProblemOf((effect) => buildRolloutAnalysisRun(deps.cache, rollout, effect, analysisRunName(rollout, effect.name)));
  const ran = runMachine(world, (runName) => analysisRunName(rollout, runName), gateProblem);
  const { decision } = ran;
  const policy = oldReplicaSetPolicy(world.plan, spec);
  const old = policy === undefined ? undefined : oldReplicaSetPass(ran.effects, policy, decision.view, replicaSets, now);
  // A replayed pass scales nothing back that a later step of the release already scaled (see scaled-step.ts).
  const targets = targetsAsScaled(decision.view, replicaSets);
  const scaled = isBasicCanary(world.plan) ? boundedScaleEffects(ran.effects, world.plan, targets, replicaSets) : (old?.effects ?? ran.effects);
  const effects = finalEffects(withReleaseTrail(scaled, rollout.status?.history, world.plan.strategy === 'canary' ? world.plan.steps.length : 0));
  let router: TrafficRouter | undefined;
  try {
    router = deps.routerFor?.(rollout);
  } catch (err) {
    if (err instanceof TerminalError) return blocked(rollout, err, deps, now);
    throw err;
  }
  const roles = roleMetadata(subject, world.hash, decision.view.stableHash);
  const deadlines = new Map(old?.deadlines.map(({ hash, deadline }) => [hash, deadlineAnnotation(deadline)]));
  const steps = scaledStepAnnotations(decision.view, effects, replicaSets);
  const outcome = await executeEffects(effects, {
    rollout: subject,
    template,
    templateHash: world.hash,
    replicaSets,
    service: (svc) => deps.cache.service(namespace ?? 'default', svc),
    router,
    ...(deps.routerFor ? { routerFor: deps.routerFor } : {}),
    writer: deps.client,
    events: deps.events,
    createAnalysisRun: (ro, effect, runName) => buildRolloutAnalysisRun(deps.cache, ro, effect, runName),
    gitRollback: deps.gitRollback === true,
    now,
    log,
    ...(roles ? { roleMetadata: roles } : {}),
    replicaSetAnnotations: (hash) => (steps.has(hash) ? { ...deadlines.get(hash), ...steps.get(hash) } : deadlines.get(hash)),
  })
    .then(async (done) => {
      const wanted = experimentDestinations(subject, decision.view, world.experiments ?? [], (runName) => analysisRunName(rollout, runName));
      done.experimentWeights = await syncExperimentTraffic(router, decision.view, wanted, rollout.status?.canary?.weights?.additional ?? []);
      return done;
    })
    .catch((err: unknown) => {
      // A reference the spec makes but the cluster lacks (an AnalysisTemplate, a route object), or one that cannot
      // be used as it is: say so in status; the pass is replayed from the same machine state once it is fixed.
      if (err instanceof TerminalError) return err;
      throw err;
    });
  if (outcome instanceof TerminalError) return blocked(rollout, outcome, deps, now);
  if (old !== undefined) await writeScaleDownDeadlines(deps.client, replicaSets, old.deadlines, scaledHashes(effects));
  await syncRoleMetadata(deps.client, replicaSets, roles);
  await pruneHistory(replicaSets, decision, spec.revisionHistoryLimit ?? 10, deps);

  const ref = rollout.spec.template ? undefined : rollout.spec.workloadRef;
  const deployment = ref ? deps.cache.deployment(namespace ?? 'default', ref.name) : undefined;
  const status = nextStatus(subject, world, template, decision, outcome, now, deployment?.metadata.generation);
  const migration = { phase: status.phase ?? 'Progressing', replicas: world.plan.replicas, readyReplicas: status.readyReplicas ?? 0, revisions: replicaSets.length };
  await scaleDownWorkload(subject, deployment, migration, deps.client);
  const restart = await restartPods({ rollout, replicaSets, stableHash: decision.view.stableHash, currentHash: world.hash, client: deps.client, now });
  if (restart.restartedAt !== undefined) status.restartedAt = restart.restartedAt;
  const restored = restoredRelease(rollout, status, now);
  const previous = rollout.status ?? {};
  const entered = deps.held !== undefined && onlyEnteredPodWait(previous, status, { state: decision.view.state, effects, routed: router !== undefined });
  const held = deps.held?.holdBack(key, previous, status, now, entered);
  if (held === undefined && (await writeStatus(rollout, status, deps))) {
    log.debug({ phase: status.phase, step: status.currentStepIndex, effects: effects.length }, 'status written');
  }
  if (restored) await deps.events.record(rollout as unknown as KubeObject, restored);
  // After the status write: the machine state that no longer refers to a finished run is persisted before it goes
  // (a held write has not persisted it yet).
  if (held === undefined) await pruneAnalysisRuns(rollout, world.analysisRuns, decision, deps, log);
  const wake = decision.view.nextWakeAt;
  // Nothing watched tells a blocked gate that its template or arguments were fixed: look again soon.
  const recheck = decision.view.blockedGates === undefined ? undefined : now + REFERENCE_RETRY_MS;
  const restartWake = restart.requeueAfterMs === undefined ? undefined : now + restart.requeueAfterMs;
  // A wake-up the release waits for (a pause ending, a deadline, a scale-down deadline, a pod restart) goes ahead of
  // bulk work when due; a look again (a blocked gate, a held-back status write) does not.
  const due = earliestOf([wake, restartWake, old?.wakeAt]);
  const next = earliestOf([due, recheck, held === undefined ? undefined : now + held]);
  return next === undefined ? {} : { requeueAfterMs: Math.max(0, next - now), urgent: due !== undefined };
}

/** Argo's status.canary.weights: stable is what the canary and an experiment step's Services leave. */
function experimentWeightsStatus(canary: number, additional: readonly WeightDestination[]): NonNullable<NonNullable<RolloutStatus['canary']>['weights']> {
  return { canary, stable: stableShare(canary, additional), ...(additional.length > 0 ? { additional: additional.map((d) => ({ ...d })) } : {}) };
}

function earliestOf(times: Array<number | undefined>): number | undefined {
  const set = times.filter((t): t is number => t !== undefined);
  return set.length === 0 ? undefined : Math.min(...set);
}

/** Feeds the pass's observations through the machine, collecting the effects in order (see gate-check.ts). */
function runMachine(world: ObservedWorld, runName: (name: string) => string, gateProblem: GateProblem): { decision: Decision; effects: Effect[] } {
  const stored = world.rollout.status?.machine;
  const persisted = stored ? parsePersistedMachineState(stored) : undefined;
  let decision: Decision = persisted ? { state: persisted, effects: [], handled: true, view: viewOf(persisted) } : initialState(world.plan, world.hash, world.now);
  const effects: Effect[] = [...decision.effects];
  const apply = (events: ReturnType<typeof specEvents>): void => {
    for (const event of events) {
      const checked = decideChecked(decision.state, event, gateProblem);
      decision = checked.decision;
      effects.push(...checked.effects);
    }
  };
  apply(specEvents(world));
  const position = (): string => `${decision.view.state}|${decision.view.currentStepIndex ?? ''}`;
  let before = position();
  apply(worldEvents(world, decision.view, runName));
  // Where those moved the machine on, the step it entered may already be satisfied: go on in this same pass.
  const bound = world.plan.strategy === 'canary' ? world.plan.steps.length + 1 : 2;
  for (let steps = 0; position() !== before && steps < bound; steps++) {
    before = position();
    apply(settleEvents(world, decision.view));
  }
  apply(gateReadyEvents(decision.view, gateProblem, world.now));
  return { decision, effects };
}

function nextStatus(rollout: Rollout, world: ObservedWorld, template: PodTemplateSpec, decision: Decision, outcome: EffectOutcome, now: number, workloadGeneration?: number): RolloutStatus {
  const previous = rollout.status ?? {};
  const { view } = decision;
  const nowIso = new Date(now).toISOString();
  const totals = replicaTotals(world.replicaSets);
  const current = world.replicaSets.find((rs) => hashOf(rs) === world.hash);
  const images = (hash: string): string[] => {
    const rs = world.replicaSets.find((r) => hashOf(r) === hash);
    const tpl = rs?.spec?.template ?? (hash === world.hash ? template : undefined);
    return tpl ? Object.values(templateImages(tpl)) : [];
  };
  // A gate that cannot start is a reference the spec makes but cannot use, as writeInvalid reports one.
  const gates = view.blockedGates;
  const conditions = gates
    ? setCondition(previous.conditions, { type: 'InvalidSpec', status: 'True', reason: gates.reason, message: gates.message }, rollout.metadata.generation, nowIso)
    : removeCondition(previous.conditions, 'InvalidSpec');
  const status: RolloutStatus = {
    ...previous,
    phase: view.phase,
    message: view.message,
    observedGeneration: rollout.metadata.generation,
    ...totals,
    updatedReplicas: current?.status?.replicas ?? 0,
    currentPodHash: world.hash,
    stableRS: view.stableHash,
    currentStepIndex: view.currentStepIndex,
    pauseConditions: view.pauseConditions,
    machine: decision.state as unknown as Record<string, unknown>,
    analysisRuns: view.analysisRuns.filter((run) => run.kind !== 'experiment').map((run) => ({
      gate: run.gate,
      name: analysisRunName(rollout, run.name),
      phase: world.analysisRuns.find((r) => r.metadata.name === analysisRunName(rollout, run.name))?.status?.phase ?? 'Pending',
    })),
    conditions: healthConditions(conditions, view.phase, conditionReason(view), view.message, rollout.metadata.generation, nowIso),
  };
  const argo: ArgoStatusInput = {
    rollout,
    view,
    replicaSets: world.replicaSets,
    analysisRuns: world.analysisRuns,
    runName: (runName) => analysisRunName(rollout, runName),
    ...(workloadGeneration === undefined ? {} : { workloadGeneration }),
  };
  assignDefined(status, argoStatusFields(argo, previous));
  if (rollout.spec.strategy.canary) {
    const headerRoutes = view.headerRoutes ?? [];
    const experiment = view.analysisRuns.find((run) => run.kind === 'experiment');
    status.canary = {
      weights: experimentWeightsStatus(view.canaryWeight, outcome.experimentWeights ?? []),
      ...(experiment ? { currentExperiment: analysisRunName(rollout, experiment.name) } : {}),
      ...(headerRoutes.length > 0 ? { headerRoutes } : {}),
      ...canaryRunStatuses(argo, previous),
    };
    if (world.plan.strategy === 'canary' && world.plan.pingPong) status.canary.stablePingPong = outcome.stablePingPong ?? stablePingPongOf(rollout);
  }
  if (view.activeHash !== undefined) {
    const preview = previewSelector(rollout, view);
    status.blueGreen = {
      activeSelector: view.activeHash,
      ...(preview === undefined ? {} : { previewSelector: preview }),
      ...(view.previous ? { scaleDownAt: view.previous.scaleDownAt } : {}),
      ...blueGreenRunStatuses(argo, previous),
    };
  } else delete status.blueGreen;
  status.conditions = argoConditions(status.conditions, conditionFacts(rollout, world, view, status), rollout.metadata.generation, nowIso);
  // A person's command is answered in lastCommand (its id there marks it done); the controller's own, in lastAutoCommand.
  const lastAck = outcome.acks.filter((ack) => !isAutoCommandId(ack.id)).at(-1);
  if (lastAck) status.lastCommand = lastAck;
  const lastAutoAck = outcome.acks.filter((ack) => isAutoCommandId(ack.id)).at(-1);
  if (lastAutoAck) status.lastAutoCommand = lastAutoAck;
  const retried = answerRollbackRetry(rollout, now);
  if (retried) {
    status.lastCommand = retried.ack;
    if (retried.rollback) status.rollback = retried.rollback;
  }
  if (outcome.rollback) status.rollback = outcome.rollback;
  if (status.rollback?.git && !sameJson(status.rollback, previous.rollback)) {
    status.conditions = withGitCondition({ ...rollout, status: { ...status } }, status.rollback.git, now);
  }
  if (status.promoteFull && promoteFullDone(status, view, world.hash)) delete status.promoteFull;
  if (outcome.revisions.length > 0) status.history = mergeHistory(previous.history, outcome.revisions, { images, metricOf: (runName) => metricOf(rollout, world, runName) });
  return status;
}

/**
 * The first pass that writes Healthy after an abort stamps restoredAt on the aborted release (in `status.history`)
 * and returns its RolloutRestored Event, recorded after the status write (Events never hold status back).
 */
function restoredRelease(rollout: Rollout, status: RolloutStatus, now: number): EventSpec | undefined {
  const turnedHealthy = status.phase === 'Healthy' && rollout.status?.phase !== 'Healthy';
  if (!turnedHealthy || status.history === undefined) return undefined;
  status.history = [...status.history];
  const at = new Date(now).toISOString();
  const record = stampRestored(status.history, turnedHealthy, at);
  if (record?.verdict === undefined) return undefined;
  const key = ['RolloutRestored', record.podTemplateHash, String(record.attempt ?? 0)].join('/');
  const message = `Healthy again on stable ${status.stableRS ?? '?'} at ${at}, ${elapsed(record.verdict.at, at)} after ${record.podTemplateHash} was aborted (${record.verdict.reason})`;
  return { key, type: 'Normal', reason: 'RolloutRestored', message };
}

/** The failing metric of the run the machine names `runName`, read from the AnalysisRuns observed in this pass. */
function metricOf(rollout: Rollout, world: ObservedWorld, runName: string): NonNullable<RevisionRecord['verdict']>['metric'] {
  const name = analysisRunName(rollout, runName);
  const run = world.analysisRuns.find((r) => r.metadata.name === name);
  return run === undefined ? undefined : failingMetric(run, name);
}

/** What Argo's conditions are computed from, read off the status this pass built. */
function conditionFacts(rollout: Rollout, world: ObservedWorld, view: Decision['view'], status: RolloutStatus): ConditionFacts {
  const replicas = world.plan.replicas;
  const current = world.replicaSets.find((rs) => hashOf(rs) === world.hash);
  const active = view.activeHash === undefined ? undefined : world.replicaSets.find((rs) => hashOf(rs) === view.activeHash);
  const blueGreen = rollout.spec.strategy.blueGreen !== undefined;
  const activeAvailable = active?.status?.availableReplicas ?? 0;
  return {
    replicas,
    strategyComplete: view.phase === 'Healthy',
    // Argo: spec.paused holds a rollout even when healthy (and keeps it from reading Healthy).
    paused: view.pauseConditions.length > 0 || rollout.spec.paused === true,
    aborted: view.aborted,
    ...(view.abort ? { abortMessage: view.abort.message } : {}),
    deadlineExceeded: !view.aborted && view.abort?.reason === 'ProgressDeadlineExceeded',
    updatedReplicas: status.updatedReplicas ?? 0,
    totalReplicas: status.replicas ?? 0,
    availableReplicas: blueGreen ? activeAvailable : (status.availableReplicas ?? 0),
    ...(blueGreen ? { activeSaturated: active !== undefined && (active.spec?.replicas ?? 0) === replicas && activeAvailable >= replicas } : {}),
    currentPodHash: world.hash,
    stableRS: view.stableHash,
    currentReplicaSetName: current?.metadata.name ?? `${rollout.metadata.name}-${world.hash}`,
  };
}

/** Argo clears status.promoteFull once the rollout is done with it: Healthy, aborted, or the request refused. */
function promoteFullDone(status: RolloutStatus, view: Decision['view'], hash: string): boolean {
  const refused = status.lastAutoCommand?.id === promoteFullId(hash) && status.lastAutoCommand.result === 'Rejected';
  return view.phase === 'Healthy' || view.aborted || refused;
}

/** Copies `fields` over `target`; an undefined field removes the key (the status is compared by meaning). */
function assignDefined<T extends object>(target: T, fields: Partial<T>): void {
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) delete (target as Record<string, unknown>)[key];
    else (target as Record<string, unknown>)[key] = value;
  }
}

/** The machine-readable reason behind the phase, for kstatus conditions. */
function conditionReason(view: Decision['view']): string {
  if (view.abort) return view.abort.reason;
  if (view.blockedGates) return view.blockedGates.reason;
  return view.pauseConditions[0]?.reason ?? (view.phase === 'Healthy' ? 'RolloutHealthy' : 'RolloutProgressing');
}

/** Deletes scaled-down ReplicaSets beyond revisionHistoryLimit, never one the machine still refers to. */
async function pruneHistory(replicaSets: ReplicaSetObject[], decision: Decision, limit: number, deps: RolloutReconcilerDeps): Promise<void> {
  const keep = new Set(decision.view.desiredReplicas.map((target) => target.hash));
  for (const rs of replicaSetsToPrune(replicaSets, keep, limit)) {
    await deps.client.delete(Kinds.ReplicaSet, rs.metadata.namespace, rs.metadata.name ?? '');
  }
}

/** Deletes finished AnalysisRuns beyond spec.analysis' history limits; a failed delete is retried by a later pass. */
async function pruneAnalysisRuns(rollout: Rollout, runs: AnalysisRun[], decision: Decision, deps: RolloutReconcilerDeps, log: Logger): Promise<void> {
  const current = new Set(decision.view.analysisRuns.map((run) => analysisRunName(rollout, run.name)));
  for (const run of analysisRunsToDelete(runs, current, runHistoryLimits(rollout.spec))) {
    try {
      await deps.client.delete(Kinds.AnalysisRun, run.metadata.namespace, run.metadata.name ?? '');
    } catch (err) {
      log.warn({ err, analysisRun: run.metadata.name }, 'could not delete an AnalysisRun beyond the history limit');
    }
  }
}

/** A referenced object is missing or unusable: said in status, and looked at again soon (route objects are not watched). */
async function blocked(rollout: Rollout, err: TerminalError, deps: RolloutReconcilerDeps, now: number): Promise<ReconcileResult> {
  await writeInvalid(rollout, err.code === 'NotFound' ? 'ReferenceNotFound' : 'InvalidReference', err.message, deps, now);
  return { requeueAfterMs: REFERENCE_RETRY_MS };
}

async function writeInvalid(rollout: Rollout, reason: string, message: string, deps: RolloutReconcilerDeps, now: number): Promise<ReconcileResult> {
  const nowIso = new Date(now).toISOString();
  const previous = rollout.status ?? {};
  let conditions = setCondition(previous.conditions, { type: 'InvalidSpec', status: 'True', reason, message }, rollout.metadata.generation, nowIso);
  conditions = healthConditions(conditions, 'Degraded', reason, message, rollout.metadata.generation, nowIso);
  const status: RolloutStatus = { ...previous, phase: 'Degraded', message, observedGeneration: rollout.metadata.generation, conditions };
  if (await writeStatus(rollout, status, deps)) {
    await deps.events.record(rollout as unknown as KubeObject, { key: `invalid/${rollout.metadata.generation}`, type: 'Warning', reason, message });
  }
  return {};
}

/**
 * Writes `status` unless it equals the cached one by meaning (a real API server serves it with keys sorted, so the
 * order it was built in says nothing). Returns whether a write was sent.
 */
async function writeStatus(rollout: Rollout, status: RolloutStatus, deps: RolloutReconcilerDeps): Promise<boolean> {
  if (sameJson(status, rollout.status ?? {})) return false;
  const written = await deps.client.replaceStatus(Kinds.Rollout, { ...(rollout as unknown as KubeObject), status });
  deps.writes?.wrote(objectKey(rollout), rollout.metadata.resourceVersion, written.metadata.resourceVersion);
  return true;
}

/** The ReplicaSets a pass's scale effects wrote (with their annotations), by pod-template hash. */
function scaledHashes(effects: readonly Effect[]): Set<string> {
  return new Set(effects.flatMap((effect) => (effect.type === 'scaleReplicaSet' && effect.hash ? [effect.hash] : [])));
}
