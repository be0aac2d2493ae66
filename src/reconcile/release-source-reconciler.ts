// The release source queue: fills `source` (commit, author time) and `gitopsHealthyAt` of the release records in
// status.history, beside the Rollout passes and never inside one. Leader only; writes over a live read, touching only
// those fields. While an aborted release waits for its GitOps tool to sync the revert, the queue polls (requeueAfterMs).
import { toVaneError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Reconcile, ReconcileResult } from '../kube/controller-runner.js';
import type { EventRecorder } from '../kube/event-recorder.js';
import type { LiveReader, StatusWriter } from '../kube/kube-client.js';
import { splitKey, type KubeObject } from '../kube/kube-object.js';
import { Kinds } from '../kube/resource-kind.js';
import { updateStatusOverLiveRead } from '../kube/status-update.js';
import type { WriteTracker } from '../kube/write-tracker.js';
import type { GitSourceRef } from '../gitops/discovered-source.js';
import type { ReleaseChange, TrackedSource } from '../gitops/release-tracker.js';
import {
  deploysRevert,
  releasesAwaitingAuthorTime,
  releasesAwaitingGitOpsHealth,
  releasesAwaitingSource,
  sameRelease,
  SOURCE_WINDOW_MS,
} from '../gitops/release-source.js';
import { redactUrl } from '../gitops/repo-url.js';
import { templateImages } from '../resources/pod-template-hash.js';
import type { PodTemplateSpec } from '../resources/meta.js';
import { hashOf, type ReplicaSetObject } from '../resources/replica-set.js';
import { releaseIdentity, type ReleaseRevert, type ReleaseSource, type RevisionRecord, type Rollout } from '../resources/rollout.js';
import { revisionTemplate } from './ephemeral-metadata.js';
import type { RolloutCache } from './rollout-cache.js';
import { resolveTemplate } from './template-source.js';

export const GITOPS_HEALTHY = 'GitOpsHealthy';

/** The gitops side, as the queue needs it (implemented by ReleaseTracker). */
export interface ReleaseTracking {
  locate(rollout: Rollout): Promise<TrackedSource>;
  releaseCommit(source: GitSourceRef, change: ReleaseChange, rollout: { namespace: string; name: string }): Promise<string | undefined>;
  authoredAt(source: GitSourceRef, sha: string): Promise<string | undefined>;
  isAncestor(source: GitSourceRef, ancestor: string, descendant: string): Promise<boolean | undefined>;
}

export interface ReleaseSourceTiming {
  /** How often a release waiting for its GitOps tool to deploy the revert looks again. */
  pollMs: number;
  /** Tries of a failing lookup (git unreachable, API error) before the queue stops asking for that release. */
  maxTries: number;
  firstDelayMs: number;
  maxDelayMs: number;
  /** How long after the revert the queue keeps waiting for the GitOps tool. */
  healthWindowMs: number;
}

export const DEFAULT_RELEASE_SOURCE_TIMING: ReleaseSourceTiming = { pollMs: 15_000, maxTries: 6, firstDelayMs: 10_000, maxDelayMs: 600_000, healthWindowMs: SOURCE_WINDOW_MS };

export interface ReleaseSourceReconcilerDeps {
  cache: RolloutCache;
  client: LiveReader & StatusWriter;
  events: EventRecorder;
  clock: () => number;
  logger: Logger;
  tracking: ReleaseTracking;
  /** Shared with the Rollout reconciler and the git rollback queue, the other writers of the Rollout's status. */
  writes?: WriteTracker;
  timing?: ReleaseSourceTiming;
}

/** Whether a Rollout has records the queue may fill: a cheap test for the informer handler. */
export function awaitsReleaseSource(rollout: Rollout, now: number): boolean {
  const history = rollout.status?.history;
  return releasesAwaitingSource(history, now).length > 0 || releasesAwaitingAuthorTime(history, now).length > 0 || releasesAwaitingGitOpsHealth(rollout.status).length > 0;
}

/**
 * Per Rollout (by key), per release and task, what this process already tried: kept in memory, so a new leader tries
 * once more (within the window). A Rollout's entries go with it, and an entry goes with its release record.
 */
type TriesByRollout = Map<string, { uid: string; tries: Map<string, Tries> }>;

interface Tries {
  tries: number;
  nextAt: number;
}

type Task = 'source' | 'author' | 'health';

interface Update {
  record: RevisionRecord;
  source?: ReleaseSource;
  authoredAt?: string;
  gitopsHealthyAt?: string;
  event?: string;
}

export function createReleaseSourceReconciler(deps: ReleaseSourceReconcilerDeps): Reconcile {
  const tries: TriesByRollout = new Map();
  return (key) => reconcileReleaseSource(key, deps, tries);
}

async function reconcileReleaseSource(key: string, deps: ReleaseSourceReconcilerDeps, triesByRollout: TriesByRollout): Promise<ReconcileResult> {
  const { namespace = 'default', name } = splitKey(key);
  const rollout = deps.cache.rollout(namespace, name);
  if (!rollout) {
    triesByRollout.delete(key);
    return {};
  }
  if (deps.writes?.isStale(key, rollout.metadata.resourceVersion)) return { requeueAfterMs: deps.writes.recheckAfterMs(key) };
  const tries = triesOf(triesByRollout, key, rollout);
  const run = new ReleaseSourceRun(rollout, deps, tries);
  return run.reconcile();
}

class ReleaseSourceRun {
  private readonly now: number;
  private readonly timing: ReleaseSourceTiming;
  private readonly updates: Update[] = [];
  private readonly log: Logger;

  constructor(
    private readonly rollout: Rollout,
    private readonly deps: ReleaseSourceReconcilerDeps,
    private readonly tries: Map<string, Tries>,
  ) {
    this.now = deps.clock();
    this.timing = deps.timing ?? DEFAULT_RELEASE_SOURCE_TIMING;
    this.log = deps.logger.child({ namespace: rollout.metadata.namespace, rollout: rollout.metadata.name });
  }

  async reconcile(): Promise<ReconcileResult> {
    const status = this.rollout.status;
    const sources = releasesAwaitingSource(status?.history, this.now).filter((record) => this.due(record, 'source'));
    const authors = releasesAwaitingAuthorTime(status?.history, this.now).filter((record) => this.due(record, 'author'));
    const health = releasesAwaitingGitOpsHealth(status).filter((waiting) => this.due(waiting.record, 'health') && this.now - Date.parse(waiting.revert.at) <= this.timing.healthWindowMs);
    if (sources.length + authors.length + health.length === 0) return this.next();
    let located: TrackedSource;
    try {
      located = await this.deps.tracking.locate(this.rollout);
    } catch (err) {
      for (const record of [...sources, ...authors, ...health.map((waiting) => waiting.record)]) this.failed(record, sources.includes(record) ? 'source' : authors.includes(record) ? 'author' : 'health', err);
      return this.next();
    }
    if (located.kind === 'none') {
      // No proven source (none configured, or a claim discovery refuses): nothing to record, and nothing will change by asking again.
      for (const record of sources) this.giveUp(record, 'source');
      for (const waiting of health) this.giveUp(waiting.record, 'health');
      return this.next();
    }
    for (const record of sources) await this.resolveSource(record, located);
    for (const record of authors) await this.resolveAuthor(record, located, record.source as ReleaseSource);
    for (const waiting of health) await this.checkHealth(waiting, located);
    await this.write();
    return this.next();
  }

  private async resolveSource(record: RevisionRecord, located: Extract<TrackedSource, { kind: 'git' }>): Promise<void> {
    let commit: string | undefined;
    try {
      commit = located.via === 'rollback' ? await this.releaseCommit(record, located.source) : this.deployedCommit(record, located);
    } catch (err) {
      this.failed(record, 'source', err);
      return;
    }
    if (commit === undefined) {
      // The tool has not applied a revision yet: ask again; a release that is not the newest never gets one from it.
      if (located.via !== 'rollback' && this.isNewest(record)) this.failed(record, 'source', new Error(`${located.origin} reports no applied commit yet`));
      else this.giveUp(record, 'source');
      return;
    }
    const source: ReleaseSource = { commit, repoURL: redactUrl(located.source.repoURL), via: located.via };
    this.updates.push({ record, source });
    this.tries.delete(this.key(record, 'source'));
    await this.resolveAuthor(record, located, source);
  }

  /**
   * Argo CD and Flux say which commit is deployed now, which is the newest release's commit: an older record's
   * release was replaced since, and the tool's revision no longer says where it came from.
   */
  private deployedCommit(record: RevisionRecord, located: Extract<TrackedSource, { kind: 'git' }>): string | undefined {
    if (!this.isNewest(record) || record.podTemplateHash !== this.rollout.status?.currentPodHash) return undefined;
    return located.deployed?.revision;
  }

  private isNewest(record: RevisionRecord): boolean {
    const newest = this.rollout.status?.history?.at(-1);
    return newest !== undefined && sameRelease(newest, record);
  }

  /** spec.rollback.git: the commit that brought the release's images over those of the release before it. */
  private async releaseCommit(record: RevisionRecord, source: GitSourceRef): Promise<string | undefined> {
    const previousHash = this.previousHash(record);
    const release = this.templateOf(record.podTemplateHash);
    const previous = previousHash !== undefined && previousHash !== record.podTemplateHash ? this.templateOf(previousHash) : undefined;
    if (!release || !previous) return undefined;
    const { namespace = 'default', name = '' } = this.rollout.metadata;
    return this.deps.tracking.releaseCommit(source, { previous: templateImages(previous), release: templateImages(release) }, { namespace, name });
  }

  /**
   * The revision the release replaced: the newest earlier record's, else the stable one — and once the release is
   * stable itself (its first record can reach status with its promotion), the newest ReplicaSet created before its own.
   */
  private previousHash(record: RevisionRecord): string | undefined {
    const status = this.rollout.status;
    const history = status?.history ?? [];
    const index = history.findIndex((each) => sameRelease(each, record));
    const earlier = history
      .slice(0, Math.max(0, index))
      .reverse()
      .map((each) => each.podTemplateHash)
      .find((hash) => hash !== record.podTemplateHash);
    if (earlier !== undefined) return earlier;
    if (status?.stableRS !== undefined && status.stableRS !== record.podTemplateHash) return status.stableRS;
    const sets = this.deps.cache.replicaSetsOf(this.rollout);
    const created = (rs: ReplicaSetObject): number => Date.parse(rs.metadata.creationTimestamp ?? '') || 0;
    const own = sets.find((rs) => hashOf(rs) === record.podTemplateHash);
    if (!own) return undefined;
    const before = sets.filter((rs) => hashOf(rs) !== record.podTemplateHash && created(rs) <= created(own)).sort((a, b) => created(b) - created(a));
    return before[0] && hashOf(before[0]);
  }

  private templateOf(hash: string): PodTemplateSpec | undefined {
    const rs = this.deps.cache.replicaSetsOf(this.rollout).find((each) => hashOf(each) === hash);
    if (rs) return revisionTemplate(rs);
    if (hash !== this.rollout.status?.currentPodHash) return undefined;
    try {
      return resolveTemplate(this.rollout, this.deps.cache);
    } catch {
      return undefined;
    }
  }

  private async resolveAuthor(record: RevisionRecord, located: Extract<TrackedSource, { kind: 'git' }>, source: ReleaseSource): Promise<void> {
    try {
      const authoredAt = await this.deps.tracking.authoredAt(located.source, source.commit);
      if (authoredAt === undefined) {
        this.giveUp(record, 'author');
        return;
      }
      this.updates.push({ record, source: { ...source, authoredAt }, authoredAt });
      this.tries.delete(this.key(record, 'author'));
    } catch (err) {
      // The source is recorded without its author time; a later try adds it.
      this.failed(record, 'author', err);
    }
  }

  private async checkHealth(waiting: { record: RevisionRecord; revert: ReleaseRevert }, located: Extract<TrackedSource, { kind: 'git' }>): Promise<void> {
    const { record, revert } = waiting;
    if (located.via === 'rollback') {
      this.giveUp(record, 'health');
      return;
    }
    const deployed = located.deployed;
    if (!deployed?.healthy || deployed.revision === undefined) return;
    let ancestor: boolean | undefined;
    if (deployed.revision !== revert.commit) {
      ancestor = await this.deps.tracking.isAncestor(located.source, revert.commit, deployed.revision).catch((err: unknown) => {
        this.log.info({ err: toVaneError(err).message }, 'git unreachable: only the revert commit itself counts as deployed');
        return undefined;
      });
    }
    if (!deploysRevert(deployed.revision, revert.commit, ancestor)) return;
    const what = located.via === 'argocd' ? 'synced' : 'applied';
    const event = `${located.origin} ${what} ${deployed.revision.slice(0, 12)}, which contains the revert ${revert.commit.slice(0, 12)}, and is ${located.via === 'argocd' ? 'Healthy' : 'Ready'}`;
    this.updates.push({ record, gitopsHealthyAt: new Date(this.now).toISOString(), event });
  }

  /** Writes what was found over a live read; a 409 reads again. Only fields still unset are filled. */
  private async write(): Promise<void> {
    if (this.updates.length === 0) return;
    const { namespace = 'default', name = '' } = this.rollout.metadata;
    let applied: Update[] = [];
    const written = await updateStatusOverLiveRead<KubeObject & Rollout>(this.deps.client, Kinds.Rollout, { namespace, name }, (live) => {
      if (live.metadata.uid !== this.rollout.metadata.uid) return undefined;
      applied = [];
      const history = (live.status?.history ?? []).map((record) => {
        const mine = this.updates.filter((update) => sameRelease(update.record, record));
        return mine.reduce((current, update) => this.apply(current, update, applied), record);
      });
      return applied.length === 0 ? undefined : { ...live.status, history };
    }, this.deps.writes ? { writes: this.deps.writes } : {});
    if (written) await this.report(written, applied);
  }

  private apply(record: RevisionRecord, update: Update, applied: Update[]): RevisionRecord {
    if (update.gitopsHealthyAt !== undefined && record.gitopsHealthyAt === undefined) {
      applied.push(update);
      return { ...record, gitopsHealthyAt: update.gitopsHealthyAt };
    }
    if (update.source !== undefined && record.source === undefined) {
      applied.push(update);
      return { ...record, source: update.source };
    }
    if (update.authoredAt !== undefined && record.source?.commit === update.source?.commit && record.source?.authoredAt === undefined) {
      applied.push(update);
      return { ...record, source: { ...(record.source as ReleaseSource), authoredAt: update.authoredAt } };
    }
    return record;
  }

  private async report(written: KubeObject, applied: Update[]): Promise<void> {
    for (const update of applied) {
      const release = { podTemplateHash: update.record.podTemplateHash, attempt: update.record.attempt ?? 1 };
      if (update.source) this.log.info({ ...release, commit: update.source.commit, via: update.source.via, authoredAt: update.source.authoredAt }, 'release source');
      if (update.event === undefined) continue;
      this.log.info({ ...release, message: update.event }, 'GitOps healthy after the revert');
      await this.deps.events.record(written, { key: ['gitops-healthy', release.podTemplateHash, String(release.attempt)].join('/'), type: 'Normal', reason: GITOPS_HEALTHY, message: update.event });
    }
  }

  /** Polls while a revert waits for the GitOps tool; else wakes for the earliest retry, if any. */
  private next(): ReconcileResult {
    const status = this.rollout.status;
    const waiting = releasesAwaitingGitOpsHealth(status).some((w) => this.due(w.record, 'health', Number.POSITIVE_INFINITY) && !this.updates.some((u) => u.gitopsHealthyAt && sameRelease(u.record, w.record)) && this.now - Date.parse(w.revert.at) <= this.timing.healthWindowMs);
    const retries = [...this.tries.values()].filter((entry) => entry.tries < this.timing.maxTries).map((entry) => entry.nextAt - this.now);
    const delays = [...(waiting ? [this.timing.pollMs] : []), ...retries.map((ms) => Math.max(ms, 0))];
    return delays.length > 0 ? { requeueAfterMs: Math.min(...delays) } : {};
  }

  private due(record: RevisionRecord, task: Task, horizon = this.now): boolean {
    const entry = this.tries.get(this.key(record, task));
    return entry === undefined || (entry.tries < this.timing.maxTries && entry.nextAt <= horizon);
  }

  private failed(record: RevisionRecord, task: Task, err: unknown): void {
    const key = this.key(record, task);
    const tries = (this.tries.get(key)?.tries ?? 0) + 1;
    const delay = Math.min(this.timing.maxDelayMs, this.timing.firstDelayMs * 2 ** (tries - 1));
    this.tries.set(key, { tries, nextAt: this.now + delay });
    this.log.info({ task, podTemplateHash: record.podTemplateHash, tries, err: redactUrl(toVaneError(err).message) }, tries < this.timing.maxTries ? 'release source lookup failed; will retry' : 'release source lookup failed; giving up');
  }

  private giveUp(record: RevisionRecord, task: Task): void {
    this.tries.set(this.key(record, task), { tries: this.timing.maxTries, nextAt: Number.POSITIVE_INFINITY });
  }

  private key(record: RevisionRecord, task: Task): string {
    return `${releaseIdentity(record)}/${task}`;
  }
}


/** The Rollout's entries, less those of releases its history no longer holds (or of an earlier Rollout of that name). */
function triesOf(all: TriesByRollout, key: string, rollout: Rollout): Map<string, Tries> {
  const uid = rollout.metadata.uid ?? '';
  const known = all.get(key);
  const tries = known?.uid === uid ? known.tries : new Map<string, Tries>();
  const releases = new Set((rollout.status?.history ?? []).map(releaseIdentity));
  for (const entry of tries.keys()) if (!releases.has(entry.slice(0, entry.lastIndexOf('/')))) tries.delete(entry);
  all.set(key, { uid, tries });
  return tries;
}
