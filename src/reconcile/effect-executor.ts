// Executes the machine's effects against the cluster, idempotently: replaying the same effects changes nothing.
//
// A pass that crashed after executing effects but before writing status is replayed from the same persisted
// state; every effect here is therefore "make it so" (scale to N, weight W, selector → hash) or de-duplicated by a
// deterministic name (Events, AnalysisRuns, git reverts recorded per release), never "do it again". Nothing here
// waits on git: an abort's revert is only queued (see git-rollback-reconciler.ts).
import { TerminalError } from '../errors.js';
import type { Logger } from '../logger.js';
import { boundedName } from '../kube/bounded-name.js';
import type { EventRecorder } from '../kube/event-recorder.js';
import { isAlreadyExists, isNotFound } from '../kube/kube-api-error.js';
import type { ObjectWriter } from '../kube/kube-client.js';
import type { KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import type { Effect, EffectOf } from '../machine/effects.js';
import type { AnalysisRun } from '../resources/analysis.js';
import type { PodTemplateSpec } from '../resources/meta.js';
import type { CommandAck, EphemeralMetadata, GitRollbackRecord, PingPongRole, RollbackRecord, Rollout } from '../resources/rollout.js';
import { serviceRoles, stablePingPongOf, withSwappedPingPong } from '../traffic/service-roles.js';
import { pinServiceToHash, type ServiceObject } from '../traffic/service-selector.js';
import type { TrafficRouter, WeightDestination } from '../traffic/traffic-router.js';
import { hashOf, type ReplicaSetObject } from '../resources/replica-set.js';
import { revisionTemplate } from './ephemeral-metadata.js';
import type { ReleaseRecordEffect } from './release-history.js';
import { ensureReplicaSet } from './replica-sets.js';
import { buildStepExperiment } from './step-experiment.js';

/** Builds the AnalysisRun object for a createAnalysisRun effect (templates and args resolved from the cache). */
export type AnalysisRunFactory = (rollout: Rollout, effect: EffectOf<'createAnalysisRun'>, runName: string) => AnalysisRun;

export interface EffectContext {
  rollout: Rollout;
  template: PodTemplateSpec;
  templateHash: string;
  replicaSets: ReplicaSetObject[];
  service: (name: string) => ServiceObject | undefined;
  router: TrafficRouter | undefined;
  /** Builds the router again once a ping-pong swap changed which Service is stable. */
  routerFor?: (rollout: Rollout) => TrafficRouter | undefined;
  writer: ObjectWriter;
  events: EventRecorder;
  createAnalysisRun: AnalysisRunFactory;
  /** False when this controller has no git rollback configured: an abort's revert is then NotConfigured at once. */
  gitRollback: boolean;
  now: number;
  log: Logger;
  /** The role metadata a new ReplicaSet's pods start with (see ephemeral-metadata.ts). */
  roleMetadata?: (hash: string) => EphemeralMetadata | undefined;
  /** Annotations a scaled ReplicaSet is written with in the same request (a scale-down deadline, or its removal). */
  replicaSetAnnotations?: (hash: string) => Record<string, string | null> | undefined;
}

/** What executing the effects changed that belongs in status. */
export interface EffectOutcome {
  canaryWeight?: number;
  /** The ping-pong Service that is stable after a promotion swapped the roles. */
  stablePingPong?: PingPongRole;
  acks: CommandAck[];
  rollback?: RollbackRecord;
  revisions: ReleaseRecordEffect[];
  /** Traffic to an experiment step's Services now in place (set after the effects, see experiment-traffic.ts). */
  experimentWeights?: WeightDestination[];
}

export async function executeEffects(effects: readonly Effect[], ctx: EffectContext): Promise<EffectOutcome> {
  const outcome: EffectOutcome = { acks: [], revisions: [] };
  const byHash = new Map(ctx.replicaSets.map((rs) => [hashOf(rs) ?? '', rs]));
  // A ping-pong swap changes the Rollout this pass acts for (its Services' roles): later effects see the new roles.
  const live: EffectContext = { ...ctx };
  for (const effect of effects) await executeOne(effect, live, byHash, outcome);
  return outcome;
}

export function analysisRunName(rollout: Rollout, effectName: string): string {
  return boundedName(`${rollout.metadata.name}-${effectName}`);
}

async function executeOne(effect: Effect, ctx: EffectContext, byHash: Map<string, ReplicaSetObject>, outcome: EffectOutcome): Promise<void> {
  const strategy = ctx.rollout.spec.strategy;
  const roles = serviceRoles(ctx.rollout);
  switch (effect.type) {
    case 'scaleReplicaSet':
      return scale(effect, ctx, byHash);
    case 'setCanaryWeight':
      if (ctx.router) await ctx.router.setWeight(effect.weight, effect);
      outcome.canaryWeight = effect.weight;
      return;
    case 'resetTraffic':
      if (ctx.router) await ctx.router.reset(effect);
      outcome.canaryWeight = 0;
      return;
    case 'setHeaderRoute':
      await ctx.router?.setHeaderRoute?.({ name: effect.name, match: effect.match }, effect);
      return;
    case 'setMirrorRoute':
      if (!ctx.router?.setMirrorRoute) throw new TerminalError(`the ${ctx.router?.provider ?? 'replica-ratio'} traffic router cannot mirror requests (setMirrorRoute "${effect.name}")`);
      await ctx.router.setMirrorRoute({ name: effect.name, match: effect.match, percentage: effect.percentage }, effect);
      return;
    case 'removeHeaderRoute':
      await ctx.router?.removeHeaderRoute?.(effect.name);
      return;
    case 'setStableService':
      return pin(ctx, roles.stable, effect.hash);
    case 'setCanaryService':
      return pin(ctx, roles.canary, effect.hash);
    case 'swapPingPong':
      ctx.rollout = withSwappedPingPong(ctx.rollout);
      ctx.router = ctx.routerFor ? ctx.routerFor(ctx.rollout) : ctx.router;
      outcome.stablePingPong = stablePingPongOf(ctx.rollout);
      return;
    case 'switchActiveService':
      return pin(ctx, strategy.blueGreen?.activeService, effect.hash);
    case 'setPreviewService':
      return pin(ctx, strategy.blueGreen?.previewService, effect.hash);
    case 'createAnalysisRun':
      return createRun(effect, ctx);
    case 'terminateAnalysisRun':
      return terminateRun(analysisRunName(ctx.rollout, effect.name), ctx);
    case 'createExperiment':
      return createExperiment(effect, ctx, byHash);
    case 'terminateExperiment':
      return terminate(Kinds.Experiment, analysisRunName(ctx.rollout, effect.name), ctx);
    case 'requestGitRevert':
      outcome.rollback = rollback(effect, ctx);
      return;
    case 'emitEvent':
      return ctx.events.record(ctx.rollout as unknown as KubeObject, { key: effect.key, type: effect.eventType, reason: effect.reason, message: effect.message });
    case 'ackCommand':
      outcome.acks.push({ id: effect.id, action: effect.action, result: effect.result, message: effect.message, time: new Date(ctx.now).toISOString() });
      return;
    case 'recordRevision':
    case 'recordMoment':
      outcome.revisions.push(effect);
      return;
  }
}

async function pin(ctx: EffectContext, serviceName: string | undefined, hash: string): Promise<void> {
  if (!serviceName || !hash) return;
  const namespace = ctx.rollout.metadata.namespace ?? 'default';
  await pinServiceToHash(ctx.writer, ctx.service(serviceName), { namespace, name: serviceName }, hash);
}

async function scale(effect: EffectOf<'scaleReplicaSet'>, ctx: EffectContext, byHash: Map<string, ReplicaSetObject>): Promise<void> {
  if (!effect.hash) return;
  const template = effect.hash === ctx.templateHash ? ctx.template : byHash.get(effect.hash)?.spec?.template;
  try {
    const extras = { role: ctx.roleMetadata?.(effect.hash), annotations: ctx.replicaSetAnnotations?.(effect.hash) };
    const written = await ensureReplicaSet(ctx.writer, ctx.rollout, byHash.get(effect.hash), template, effect.hash, effect.replicas, extras);
    if (written) byHash.set(effect.hash, written);
  } catch (err) {
    // Created by a pass the cache has not caught up with: the next pass sees it and scales it.
    if (!isAlreadyExists(err)) throw err;
  }
}

async function createRun(effect: EffectOf<'createAnalysisRun'>, ctx: EffectContext): Promise<void> {
  const run = ctx.createAnalysisRun(ctx.rollout, effect, analysisRunName(ctx.rollout, effect.name));
  try {
    await ctx.writer.create(Kinds.AnalysisRun, run as unknown as KubeObject);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

async function createExperiment(effect: EffectOf<'createExperiment'>, ctx: EffectContext, byHash: Map<string, ReplicaSetObject>): Promise<void> {
  const templateOf = (hash: string): PodTemplateSpec | undefined => {
    const rs = byHash.get(hash);
    return hash === ctx.templateHash ? ctx.template : rs && revisionTemplate(rs);
  };
  const experiment = buildStepExperiment(ctx.rollout, effect, analysisRunName(ctx.rollout, effect.name), templateOf);
  try {
    await ctx.writer.create(Kinds.Experiment, experiment as unknown as KubeObject);
  } catch (err) {
    if (!isAlreadyExists(err)) throw err;
  }
}

async function terminateRun(name: string, ctx: EffectContext): Promise<void> {
  return terminate(Kinds.AnalysisRun, name, ctx);
}

/** `spec.terminate: true` on an AnalysisRun or Experiment; one already gone needs nothing. */
async function terminate(kind: typeof Kinds.AnalysisRun | typeof Kinds.Experiment, name: string, ctx: EffectContext): Promise<void> {
  try {
    await ctx.writer.patch(kind, ctx.rollout.metadata.namespace, name, { spec: { terminate: true } }, 'merge');
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}

/**
 * Queues the git revert: status records it as Pending with everything the git rollback queue needs, and that queue
 * does the slow work after this pass has written status. A replayed pass keeps the record of the same release.
 */
function rollback(effect: EffectOf<'requestGitRevert'>, ctx: EffectContext): RollbackRecord {
  const previous = ctx.rollout.status?.rollback;
  if (previous?.git?.failingPodHash === effect.failingHash && previous.git.attempt === effect.attempt) return previous;
  const release = {
    failingPodHash: effect.failingHash,
    attempt: effect.attempt,
    stablePodHash: effect.stableHash,
    ...(effect.actor !== undefined ? { actor: effect.actor } : {}),
  };
  const git: GitRollbackRecord = ctx.gitRollback
    ? { state: 'Pending', ...release, tries: 0, message: 'queued: traffic is back on stable; the git revert runs next' }
    : { state: 'NotConfigured', ...release, message: 'no git rollback configured in this controller: traffic-only rollback' };
  return { reason: `${effect.reason}: ${effect.message}`, at: new Date(ctx.now).toISOString(), trafficReset: true, git };
}
