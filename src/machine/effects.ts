// What the rollout machines ask the world to do, as data; the reconciler executes these idempotently.
//
// A pass that crashes after executing effects but before writing status is replayed from the same persisted
// state with the same event, so it re-executes the same effects: each one is "make it so" (scale to N, weight W,
// point a Service at a hash) or carries a deterministic name or key that lets the executor skip a duplicate.
import type { AnalysisRunArgument, AnalysisRunOptions, AnalysisTemplateRef, CommandAction, HeaderRoutingMatch, PauseReason, RevisionRecord, RolloutExperimentStep, RouteMatch } from '../resources/rollout.js';
import type { AbortRecord, ActiveRun } from './machine-context.js';

export type Effect =
  /** Make the ReplicaSet of `hash` have `replicas` (created from the current template when missing). */
  | { type: 'scaleReplicaSet'; hash: string; replicas: number }
  /** Send `weight`% of traffic to the canary: a router's split, or only recorded for a replica-ratio canary. */
  | { type: 'setCanaryWeight'; weight: number; canaryHash: string; stableHash: string }
  /** All traffic to stable, at once (router weight 0). */
  | { type: 'resetTraffic'; canaryHash: string; stableHash: string }
  /** Requests matching every header of `match` go to the canary whatever the weight; replaces a route of that name. */
  | { type: 'setHeaderRoute'; name: string; match: HeaderRoutingMatch[]; canaryHash: string; stableHash: string }
  /** Copies `percentage`% of requests matching `match` to the canary (Istio mirror); replaces a route of that name. */
  | { type: 'setMirrorRoute'; name: string; match: RouteMatch[]; percentage: number; canaryHash: string; stableHash: string }
  /** The header (or mirror) route `name` is gone (nothing to do when it already is). */
  | { type: 'removeHeaderRoute'; name: string }
  /** Canary strategy: the stable Service's selector follows `hash`. */
  | { type: 'setStableService'; hash: string }
  /** Canary strategy: the canary Service's selector follows `hash` (the stable hash when nothing is in flight). */
  | { type: 'setCanaryService'; hash: string }
  /** Ping-pong: the Service that carried the canary becomes the stable one (status.canary.stablePingPong flips). */
  | { type: 'swapPingPong' }
  /** Blue-green: the active Service's selector follows `hash`; this is how blue-green moves (and resets) traffic. */
  | { type: 'switchActiveService'; hash: string }
  /** Blue-green: the preview Service's selector follows `hash`. */
  | { type: 'setPreviewService'; hash: string }
  /**
   * `name` is unique within the Rollout (gate, revision, attempt, round); the executor prefixes the Rollout's name.
   * `canaryHash`/`stableHash` resolve `valueFrom.podTemplateHashValue` (Latest/Stable) arguments.
   */
  | {
      type: 'createAnalysisRun';
      gate: string;
      name: string;
      templates: AnalysisTemplateRef[];
      args: AnalysisRunArgument[];
      canaryHash: string;
      stableHash: string;
      /** The reference's dryRun, measurementRetention and analysisRunMetadata; absent when it sets none. */
      options?: AnalysisRunOptions;
    }
  | { type: 'terminateAnalysisRun'; gate: string; name: string }
  /**
   * An experiment step's Experiment, named like a run (the executor prefixes the Rollout's name); its templates'
   * specRef resolve to the pod templates of `stableHash` and `canaryHash`.
   */
  | { type: 'createExperiment'; gate: string; name: string; step: RolloutExperimentStep; canaryHash: string; stableHash: string }
  /** The Experiment is no longer needed: it ends and scales its pods down after its delay. */
  | { type: 'terminateExperiment'; gate: string; name: string }
  /**
   * Queue the revert of the commit that introduced `failingHash`: recorded in status as Pending by the pass, carried
   * out by the git rollback queue afterwards. (failingHash, attempt) is the release; it is reverted at most once.
   */
  | { type: 'requestGitRevert'; reason: AbortReason; message: string; failingHash: string; stableHash: string; attempt: number; actor?: string }
  /** A Kubernetes Event; `key` is deterministic so a replayed pass can detect the duplicate. */
  | { type: 'emitEvent'; key: string; eventType: 'Normal' | 'Warning'; reason: string; message: string }
  | { type: 'ackCommand'; id: string; action: CommandAction; result: 'Accepted' | 'Rejected'; message: string }
  /**
   * Upsert `status.history` for (hash, attempt); `at` is the time of the change (ISO 8601). A promotion or an abort
   * carries its verdict as far as the machine knows it.
   */
  | { type: 'recordRevision'; hash: string; attempt: number; outcome: RevisionRecord['outcome']; at: string; verdict?: VerdictFacts }
  /** A moment of release (hash, attempt) for its record in `status.history`; recording the same moment again adds nothing. */
  | { type: 'recordMoment'; hash: string; attempt: number; at: string; moment: ReleaseMoment };

export type EffectType = Effect['type'];

/**
 * What happened to a release: a canary step entered, a stop to wait for a person, traffic back on stable after an
 * abort (recorded after the effect that moved it), the progress deadline passed.
 */
export type ReleaseMoment =
  | { kind: 'step'; index: number }
  | { kind: 'pause'; reason: PauseReason; step?: number }
  | { kind: 'trafficReset' }
  | { kind: 'stuck' };

/** Who or what ended a release, as the machine knows it; the reconciler adds the failing metric from the run. */
export interface VerdictFacts {
  reason: string;
  /** The command's actor, or CONTROLLER. */
  by: string;
  message?: string;
  /** The run whose verdict aborted the release, as the machine names it (the executor prefixes the Rollout's name). */
  analysisRun?: string;
}

/** `verdict.by` when no person decided: the steps completed, or an analysis or the progress deadline ended it. */
export const CONTROLLER = 'controller';

export type AbortReason = 'AnalysisFailed' | 'AnalysisError' | 'ProgressDeadlineExceeded' | 'UserAbort';

/** Effects of one type, for executors and tests that switch on `type`. */
export type EffectOf<T extends EffectType> = Extract<Effect, { type: T }>;

/** The verdict of an abort, from its record (a missing record is an abort without a cause, as the event reads it). */
export function abortVerdict(abort: AbortRecord | null): VerdictFacts {
  if (abort === null) return { reason: 'UserAbort', by: CONTROLLER, message: 'aborted' };
  return { reason: abort.reason, by: abort.actor ?? CONTROLLER, message: abort.message, ...(abort.runName === undefined ? {} : { analysisRun: abort.runName }) };
}

/**
 * The verdict of a promotion: a person's promote that finished the release, or the release finishing on its own
 * (`ownReason`: StepsCompleted for a canary, AutoPromotion for a blue-green release that promoted itself).
 */
export function promotionVerdict(promotedBy: string | undefined, message: string, ownReason = 'StepsCompleted'): VerdictFacts {
  return promotedBy === undefined ? { reason: ownReason, by: CONTROLLER, message } : { reason: 'UserPromote', by: promotedBy, message };
}

/** The effect recording `moment` of the release (hash, attempt) at epoch ms `now`. */
export function recordMoment(release: { hash: string; attempt: number }, now: number, moment: ReleaseMoment): Effect {
  return { type: 'recordMoment', hash: release.hash, attempt: release.attempt, at: new Date(now).toISOString(), moment };
}

/** The moments an abort itself records: the progress deadline, when that was the cause. */
export function abortMoments(release: { hash: string; attempt: number }, abort: AbortRecord | null, now: number): Effect[] {
  return abort?.reason === 'ProgressDeadlineExceeded' ? [recordMoment(release, now, { kind: 'stuck' })] : [];
}

/** Traffic is back on stable after an abort: recorded on the release, and an Event with the time. */
export function trafficBackEffects(release: { hash: string; attempt: number }, stableHash: string, now: number): Effect[] {
  return [
    recordMoment(release, now, { kind: 'trafficReset' }),
    kubeEvent({ reason: 'TrafficBackOnStable', ...release }, 'Normal', `all traffic is back on stable ${stableHash} at ${new Date(now).toISOString()}`),
  ];
}

/** An Event keyed by what it is about, so the same moment of the same attempt always gets the same key. */
export function kubeEvent(
  about: { reason: string; hash: string; attempt: number; detail?: string },
  eventType: 'Normal' | 'Warning',
  message: string,
): Effect {
  const key = [about.reason, about.hash, String(about.attempt), about.detail ?? ''].join('/');
  return { type: 'emitEvent', key, eventType, reason: about.reason, message };
}

export function terminateRuns(runs: readonly ActiveRun[]): Effect[] {
  return runs.map((run) => ({ type: run.kind === 'experiment' ? 'terminateExperiment' : 'terminateAnalysisRun', gate: run.gate, name: run.name }));
}

/** The git revert an abort asks for, when the plan reverts git and the abort has a recorded cause. */
export function gitRevertEffects(
  gitRevert: boolean,
  abort: AbortRecord | null,
  release: { failingHash: string; stableHash: string; attempt: number },
): Effect[] {
  if (!gitRevert || abort === null) return [];
  const revert: Effect = { type: 'requestGitRevert', reason: abort.reason, message: abort.message, ...release };
  if (abort.actor !== undefined) revert.actor = abort.actor;
  return [revert];
}
