// The git rollback queue: reverts a failed release in git after the abort pass has put traffic back on stable and
// recorded the abort. Works from status.rollback.git (Pending/Retrying), writes each outcome back to status with an
// Event and the GitRolledBack condition, and retries transient failures with backoff. Git never delays a traffic reset.
import { toVaneError, VaneError, type VaneErrorCode } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Reconcile, ReconcileResult } from '../kube/controller-runner.js';
import type { EventRecorder } from '../kube/event-recorder.js';
import type { LiveReader, StatusWriter } from '../kube/kube-client.js';
import { splitKey, type KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import { updateStatusOverLiveRead } from '../kube/status-update.js';
import type { WriteTracker } from '../kube/write-tracker.js';
import { templateImages } from '../resources/pod-template-hash.js';
import type { PodTemplateSpec } from '../resources/meta.js';
import type { GitRollbackRecord, RevisionRecord, Rollout, RolloutStatus } from '../resources/rollout.js';
import { releaseIndex } from './release-history.js';
import { setCondition } from './conditions.js';
import { hashOf } from '../resources/replica-set.js';
import { revisionTemplate } from './ephemeral-metadata.js';
import type { RolloutCache } from './rollout-cache.js';
import { resolveTemplate } from './template-source.js';

export const GIT_ROLLED_BACK = 'GitRolledBack';

/** What the git side needs to undo one failed release. */
export interface GitRevertRequest {
  failingHash: string;
  stableHash: string;
  /** The failed release's attempt: with failingHash, the release. */
  attempt: number;
  /** Why the release was aborted, in a sentence. */
  reason: string;
  actor?: string;
  images: { stable: Record<string, string>; failing: Record<string, string> };
  /** The two pod templates, for saying what else the release changed. */
  templates: { stable: PodTemplateSpec; failing: PodTemplateSpec };
}

/** Reverts in git and says what happened; a failure is a `Failed` record whose `reason` is the error code. */
export type GitRevert = (rollout: Rollout, request: GitRevertRequest) => Promise<GitRollbackRecord>;

export interface RetryPolicy {
  /** Tries in all before a transient failure becomes Failed; a person can retry after that. */
  maxTries: number;
  firstDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxTries: 8, firstDelayMs: 5_000, maxDelayMs: 300_000 };

/** Failures that may pass on their own: an unreachable or slow remote, a push race lost five times, an API hiccup. */
const TRANSIENT: ReadonlySet<string> = new Set<VaneErrorCode>(['Unavailable', 'Timeout', 'Conflict', 'Internal']);

export interface GitRollbackReconcilerDeps {
  cache: RolloutCache;
  client: LiveReader & StatusWriter;
  events: EventRecorder;
  clock: () => number;
  logger: Logger;
  revert: GitRevert;
  /** Shared with the Rollout reconciler: a pass over a cache that has not seen the last status write waits. */
  writes?: WriteTracker;
  retry?: RetryPolicy;
}

/** The Rollouts the queue has work for: a git rollback waiting for its first or next try. */
export function awaitsGitRollback(rollout: Rollout): boolean {
  const state = rollout.status?.rollback?.git?.state;
  return state === 'Pending' || state === 'Retrying';
}

export function createGitRollbackReconciler(deps: GitRollbackReconcilerDeps): Reconcile {
  return (key) => reconcileGitRollback(key, deps);
}

export async function reconcileGitRollback(key: string, deps: GitRollbackReconcilerDeps): Promise<ReconcileResult> {
  const { namespace = 'default', name } = splitKey(key);
  const rollout = deps.cache.rollout(namespace, name);
  if (!rollout || !awaitsGitRollback(rollout)) return {};
  if (deps.writes?.isStale(key, rollout.metadata.resourceVersion)) return { requeueAfterMs: deps.writes.recheckAfterMs(key) };
  const queued = rollout.status?.rollback?.git as GitRollbackRecord;
  const waitMs = queued.nextTryAt ? Date.parse(queued.nextTryAt) - deps.clock() : 0;
  if (waitMs > 0) return { requeueAfterMs: waitMs };

  const log = deps.logger.child({ namespace, rollout: name, failingPodHash: queued.failingPodHash, attempt: queued.attempt });
  const tried = await tryRevert(rollout, queued, deps);
  // Right after the push returned: when the revert commit was on the remote.
  const triedAt = deps.clock();
  const record = settle(queued, tried, triedAt, deps.retry ?? DEFAULT_RETRY_POLICY);
  const written = await writeRecord(rollout, queued, record, deps, triedAt);
  if (!written) return {};
  log.info({ state: record.state, reason: record.reason, commit: record.commit, tries: record.tries }, 'git rollback');
  await deps.events.record(written as unknown as KubeObject, gitEvent(record));
  return record.nextTryAt ? { requeueAfterMs: Math.max(0, Date.parse(record.nextTryAt) - deps.clock()) } : {};
}

async function tryRevert(rollout: Rollout, queued: GitRollbackRecord, deps: GitRollbackReconcilerDeps): Promise<GitRollbackRecord> {
  try {
    const request = revertRequest(rollout, queued, deps.cache);
    return await deps.revert(rollout, request);
  } catch (err) {
    const error = toVaneError(err);
    return { state: 'Failed', reason: error.code, message: error.message };
  }
}

/** The request for the queued release, from the ReplicaSets (and spec) that hold its templates. */
function revertRequest(rollout: Rollout, queued: GitRollbackRecord, cache: RolloutCache): GitRevertRequest {
  const failingHash = queued.failingPodHash ?? '';
  const stableHash = queued.stablePodHash ?? rollout.status?.stableRS ?? '';
  const byHash = new Map(cache.replicaSetsOf(rollout).map((rs) => [hashOf(rs), revisionTemplate(rs)]));
  const templateOf = (hash: string): PodTemplateSpec => {
    const template = byHash.get(hash) ?? (hash === rollout.status?.currentPodHash ? resolveTemplate(rollout, cache) : undefined);
    if (!template) throw new VaneError('NotFound', `the ReplicaSet of revision ${hash} is gone, so the images to restore are unknown`);
    return template;
  };
  const templates = { stable: templateOf(stableHash), failing: templateOf(failingHash) };
  return {
    failingHash,
    stableHash,
    attempt: queued.attempt ?? 1,
    reason: rollout.status?.rollback?.reason ?? 'the release was aborted',
    ...(queued.actor !== undefined ? { actor: queued.actor } : {}),
    images: { stable: templateImages(templates.stable), failing: templateImages(templates.failing) },
    templates,
  };
}

/** The record to write: the outcome, with a transient failure turned into Retrying while tries remain. */
export function settle(queued: GitRollbackRecord, outcome: GitRollbackRecord, now: number, policy: RetryPolicy): GitRollbackRecord {
  const tries = (queued.tries ?? 0) + 1;
  const release = releaseFields(queued);
  const transient = outcome.state === 'Failed' && TRANSIENT.has(outcome.reason ?? 'Internal');
  if (transient && tries < policy.maxTries) {
    const delay = Math.min(policy.maxDelayMs, policy.firstDelayMs * 2 ** (tries - 1));
    const nextTryAt = new Date(now + delay).toISOString();
    return { ...outcome, ...release, state: 'Retrying', tries, nextTryAt, message: `try ${tries} of ${policy.maxTries} failed, next at ${nextTryAt}: ${outcome.message ?? ''}` };
  }
  const { nextTryAt: _done, ...final } = { ...outcome, ...release, tries };
  if (transient) final.message = `gave up after ${tries} tries: ${outcome.message ?? ''}`;
  return final;
}

function releaseFields(queued: GitRollbackRecord): Partial<GitRollbackRecord> {
  const { failingPodHash, attempt, stablePodHash, actor } = queued;
  return {
    ...(failingPodHash !== undefined ? { failingPodHash } : {}),
    ...(attempt !== undefined ? { attempt } : {}),
    ...(stablePodHash !== undefined ? { stablePodHash } : {}),
    ...(actor !== undefined ? { actor } : {}),
  };
}

/**
 * Writes the record over a live read, so a conflict with the Rollout reconciler's own status writes re-reads instead
 * of reverting again. Returns the written Rollout, or undefined when the record was superseded (another abort, a
 * person's retry) or the Rollout is gone.
 */
async function writeRecord(rollout: Rollout, queued: GitRollbackRecord, record: GitRollbackRecord, deps: GitRollbackReconcilerDeps, triedAt: number): Promise<Rollout | undefined> {
  const { namespace = 'default', name = '' } = rollout.metadata;
  return updateStatusOverLiveRead<KubeObject & Rollout>(deps.client, Kinds.Rollout, { namespace, name }, (live) => {
    const current = live.status?.rollback;
    if (!current?.git || !sameQueuedRecord(current.git, queued)) return undefined;
    const status: RolloutStatus = { ...live.status, rollback: { ...current, git: record }, conditions: withGitCondition(live, record, deps.clock()) };
    const history = withRevert(live.status?.history, record, triedAt);
    if (history) status.history = history;
    return status;
  }, deps.writes ? { writes: deps.writes } : {});
}

/**
 * A Committed revert is stamped on the release it undid, (failingPodHash, attempt), with the time the push succeeded;
 * undefined when there is nothing to stamp (another state, no such record, or already stamped).
 */
export function withRevert(history: RevisionRecord[] | undefined, record: GitRollbackRecord, at: number): RevisionRecord[] | undefined {
  if (record.state !== 'Committed' || !record.commit || history === undefined) return undefined;
  const index = releaseIndex(history, record.failingPodHash ?? '', record.attempt ?? 1);
  const release = history[index];
  if (release === undefined || release.revert !== undefined) return undefined;
  const revert = { commit: record.commit, ...(record.repoURL ? { repoURL: record.repoURL } : {}), at: new Date(at).toISOString() };
  return history.map((h, i) => (i === index ? { ...h, revert } : h));
}

/** The live record is still the one this try worked from: same release, same try. */
function sameQueuedRecord(live: GitRollbackRecord, queued: GitRollbackRecord): boolean {
  return live.failingPodHash === queued.failingPodHash && live.attempt === queued.attempt && live.state === queued.state && (live.tries ?? 0) === (queued.tries ?? 0);
}

export function withGitCondition(rollout: Rollout, record: GitRollbackRecord, now: number): NonNullable<RolloutStatus['conditions']> {
  return setCondition(rollout.status?.conditions, gitCondition(record), rollout.metadata.generation, new Date(now).toISOString());
}

/** GitRolledBack: True once git deploys the stable revision again, Unknown while queued, False with why otherwise. */
export function gitCondition(record: GitRollbackRecord): { type: string; status: 'True' | 'False' | 'Unknown'; reason: string; message: string } {
  const message = record.message ?? '';
  switch (record.state) {
    case 'Committed':
    case 'AlreadyReverted':
      return { type: GIT_ROLLED_BACK, status: 'True', reason: record.state, message };
    case 'Pending':
      return { type: GIT_ROLLED_BACK, status: 'Unknown', reason: 'Pending', message: message || 'the git rollback is queued' };
    case 'Retrying':
      return { type: GIT_ROLLED_BACK, status: 'Unknown', reason: `Retrying${record.reason ? `After${record.reason}` : ''}`, message };
    case 'NotConfigured':
      return { type: GIT_ROLLED_BACK, status: 'False', reason: 'NotConfigured', message };
    case 'Failed':
      return { type: GIT_ROLLED_BACK, status: 'False', reason: record.reason ?? 'Failed', message };
  }
}

function gitEvent(record: GitRollbackRecord): { key: string; type: 'Normal' | 'Warning'; reason: string; message: string } {
  const key = ['git', record.failingPodHash ?? '', String(record.attempt ?? 0), record.state, String(record.tries ?? 0)].join('/');
  const warning = record.state === 'Failed' || record.state === 'Retrying';
  const what = record.state === 'Committed' && record.commit ? `${record.commit.slice(0, 12)} on ${record.branch ?? '?'}: ` : '';
  return { key, type: warning ? 'Warning' : 'Normal', reason: `GitRollback${record.state}`, message: `${what}${record.message ?? ''}` };
}
