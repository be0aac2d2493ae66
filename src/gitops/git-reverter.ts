// The façade the reconciler calls after an abort: commit the rollback to git once, and say what happened.
import { toVaneError, VaneError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import type { RollbackRecord } from '../resources/rollout.js';
import { revertMessage, rollBackMessage, rolloutTrailers, type RollbackContext, TRAILER_REVERTS } from './commit-message.js';
import type { DiscoveredSource, GitSourceRef } from './discovered-source.js';
import { noCredentials, prepareGitCredentials, readSecretData, type CredentialOptions, type GitCredentials } from './git-credentials.js';
import type { GitExecutor, GitIdentity, GitWorkspace } from './git-executor.js';
import type { SiteBinding } from './image-site.js';
import type { BackoffPolicy } from './jittered-backoff.js';
import type { ObjectReader } from './object-reader.js';
import type { CommitSummary } from './repo-history.js';
import { redactUrl } from './repo-url.js';
import { planRevert, type RevertPlan } from './revert-planner.js';
import { SimpleGitExecutor } from './simple-git-executor.js';

/** What status records about the git side of a rollback; `failingPodHash` ties it to one failed release. */
export type RollbackGitRecord = NonNullable<RollbackRecord['git']> & { failingPodHash?: string };

export interface PodTemplateImages {
  podTemplateHash: string;
  /** Container name → image. */
  images: Record<string, string>;
}

export interface RevertRequest {
  rollout: { namespace: string; name: string };
  source: DiscoveredSource;
  stable: PodTemplateImages;
  failing: PodTemplateImages;
  /** Why the release was aborted, in a sentence. */
  reason: string;
  analysis?: { run: string; metric?: string };
  /** Who aborted, when a person or pipeline did. */
  actor?: string;
  /** status.rollback as last written, so a recorded commit for the same failing hash is never made twice. */
  previous?: RollbackRecord;
}

export interface RevertOutcome {
  git: RollbackGitRecord;
  /** True only when this call pushed a new commit. */
  pushed: boolean;
}

export interface GitReverterOptions {
  reader: ObjectReader;
  executor: GitExecutor;
  logger?: Logger;
  credentials?: CredentialOptions;
  /** Commits touching the Rollout's files searched for the offending one; defaults to 200. */
  historyLimit?: number;
}

const DONE_STATES: ReadonlySet<string> = new Set(['Committed', 'AlreadyReverted']);

export class GitReverter {
  private readonly logger: Logger;

  constructor(private readonly options: GitReverterOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  async revert(request: RevertRequest): Promise<RevertOutcome> {
    if (request.source.kind === 'none') return outcome({ state: 'NotConfigured', message: request.source.reason }, request);
    const recorded = recordedEarlier(request);
    if (recorded) return { git: recorded, pushed: false };
    const source = request.source.source;
    const log = this.logger.child({ rollout: `${request.rollout.namespace}/${request.rollout.name}`, repo: redactUrl(source.repoURL) });
    try {
      const credentials = await this.credentialsFor(source);
      try {
        const access = { url: source.repoURL, ...(source.branch !== undefined ? { branch: source.branch } : {}), credentials };
        return await this.options.executor.withWorkspace(access, (workspace) => new RevertRun(request, source, workspace, log, this.options).run());
      } finally {
        await credentials.dispose();
      }
    } catch (err) {
      const error = toVaneError(err);
      log.warn({ code: error.code, err: redactUrl(error.message) }, 'git rollback failed');
      return outcome({ state: 'Failed', repoURL: redactUrl(source.repoURL), message: redactUrl(error.message) }, request);
    }
  }

  private async credentialsFor(source: GitSourceRef): Promise<GitCredentials> {
    if (!source.secretRef) return noCredentials;
    const secret = await readSecretData(this.options.reader, source.secretRef);
    return prepareGitCredentials(source.repoURL, secret, this.options.credentials);
  }
}

export interface GitReverterConfig {
  reader: ObjectReader;
  /** Directory for cached clones. */
  workDir: string;
  identity?: GitIdentity;
  logger?: Logger;
  credentials?: CredentialOptions;
  pushAttempts?: number;
  backoff?: BackoffPolicy;
  commandTimeoutMs?: number;
  historyLimit?: number;
  /** Operator opt-in for `file://` URLs and local paths as repositories; refused by default. */
  allowLocalUrls?: boolean;
}

/** The production wiring: a GitReverter over the simple-git executor. */
export function createGitReverter(config: GitReverterConfig): GitReverter {
  const executor = new SimpleGitExecutor({
    workDir: config.workDir,
    ...(config.identity ? { identity: config.identity } : {}),
    ...(config.logger ? { logger: config.logger } : {}),
    ...(config.pushAttempts !== undefined ? { pushAttempts: config.pushAttempts } : {}),
    ...(config.backoff ? { backoff: config.backoff } : {}),
    ...(config.commandTimeoutMs !== undefined ? { commandTimeoutMs: config.commandTimeoutMs } : {}),
    allowLocalUrls: config.allowLocalUrls === true,
  });
  return new GitReverter({ ...config, executor });
}

/** The branch `push: branch` mode pushes to: one per Rollout and failed release. */
export function rollbackBranchName(rollout: { namespace: string; name: string }, failingPodHash: string): string {
  const hash = failingPodHash.replace(/[^a-zA-Z0-9-]/g, '');
  return `vane/rollback/${rollout.namespace}-${rollout.name}-${hash}`;
}

function recordedEarlier(request: RevertRequest): RollbackGitRecord | undefined {
  const git = request.previous?.git as RollbackGitRecord | undefined;
  if (!git || !DONE_STATES.has(git.state)) return undefined;
  return git.failingPodHash === request.failing.podTemplateHash ? git : undefined;
}

function outcome(git: RollbackGitRecord, request: RevertRequest, pushed = false): RevertOutcome {
  return { git: { ...git, failingPodHash: request.failing.podTemplateHash }, pushed };
}

function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

/** One attempt inside a synced workspace: find our earlier commit, else plan, commit and push. */
class RevertRun {
  private readonly context: RollbackContext;
  private readonly repoURL: string;

  constructor(
    private readonly request: RevertRequest,
    private readonly source: GitSourceRef,
    private readonly workspace: GitWorkspace,
    private readonly log: Logger,
    private readonly options: GitReverterOptions,
  ) {
    this.context = {
      rollout: request.rollout,
      failingPodHash: request.failing.podTemplateHash,
      reason: request.reason,
      ...(request.analysis ? { analysis: request.analysis } : {}),
      ...(request.actor !== undefined ? { actor: request.actor } : {}),
    };
    this.repoURL = redactUrl(source.repoURL);
  }

  private get targetBranch(): string {
    return this.source.push === 'branch' ? rollbackBranchName(this.request.rollout, this.request.failing.podTemplateHash) : this.workspace.branch;
  }

  async run(): Promise<RevertOutcome> {
    const earlier = await this.findEarlierCommit();
    if (earlier) return earlier;
    const plan = await planRevert(this.workspace, {
      path: this.source.path,
      valueFiles: this.source.valueFiles,
      ...(this.source.argoCDApplication !== undefined ? { argoCDApplication: this.source.argoCDApplication } : {}),
      rollout: this.request.rollout,
      stable: this.request.stable.images,
      failing: this.request.failing.images,
      ...(this.options.historyLimit !== undefined ? { historyLimit: this.options.historyLimit } : {}),
    });
    if (plan.kind === 'already-reverted') return this.alreadyReverted(plan.detail, plan.revertedBy);
    const summary = await this.commit(plan);
    const pushed = await this.workspace.push(this.targetBranch);
    if (pushed.commit === undefined) return this.alreadyReverted(`an identical change reached ${this.targetBranch} while Vane was pushing`);
    this.log.info({ commit: pushed.commit, branch: this.targetBranch, attempts: pushed.attempts }, 'pushed git rollback');
    const how = pushed.rebased ? ' after rebasing onto newer commits' : '';
    return this.committed(pushed.commit, plan.offending?.sha, `${summary}; pushed to ${this.targetBranch} as ${shortSha(pushed.commit)}${how}`, true);
  }

  /** A commit with our trailers for this failing hash means we pushed before and crashed before writing status. */
  private async findEarlierCommit(): Promise<RevertOutcome | undefined> {
    const trailers = rolloutTrailers(this.context);
    const onTracked = await this.workspace.findCommitWithTrailers(`refs/remotes/origin/${this.workspace.branch}`, trailers);
    if (onTracked) return this.committed(onTracked.sha, onTracked.trailers[TRAILER_REVERTS], `found earlier rollback commit on ${this.workspace.branch}`, false, this.workspace.branch);
    if (this.source.push !== 'branch') return undefined;
    const branch = this.targetBranch;
    if ((await this.workspace.fetchRemoteBranch(branch)) === undefined) return undefined;
    const onBranch = await this.workspace.findCommitWithTrailers(`refs/remotes/origin/${branch}`, trailers);
    if (onBranch) return this.committed(onBranch.sha, onBranch.trailers[TRAILER_REVERTS], `found earlier rollback commit on ${branch}`, false);
    throw new VaneError('Conflict', `branch ${branch} already exists on the remote without a Vane rollback commit for this release; not overwriting it`);
  }

  /** Revert when the plan allows and git agrees; otherwise (or on conflict) the targeted edit. */
  private async commit(plan: Extract<RevertPlan, { kind: 'revert' | 'edit' }>): Promise<string> {
    if (plan.kind === 'revert') {
      const reverted = await this.tryRevert(plan.offending, plan.bindings);
      if (reverted) return reverted;
    }
    for (const edit of plan.edits) await this.workspace.writeFile(edit.path, edit.content);
    await this.workspace.commitAll(rollBackMessage(this.context, plan.bindings, plan.offending));
    const why = plan.kind === 'edit' ? ` (not a revert: ${plan.whyNotRevert})` : ' (the revert did not apply cleanly)';
    return `restored the stable image in ${plan.edits.map((edit) => edit.path).join(', ')}${why}`;
  }

  private async tryRevert(offending: CommitSummary, bindings: SiteBinding[]): Promise<string | undefined> {
    if ((await this.workspace.revertWithoutCommit(offending.sha)) === 'conflict') return undefined;
    await this.workspace.commitAll(revertMessage(this.context, offending));
    if (await this.restoresStable(bindings)) return `reverted ${shortSha(offending.sha)} "${offending.subject}"`;
    // Later commits changed the same values in a way the revert did not undo: fall back to the edit.
    await this.workspace.discardLocalChanges();
    return undefined;
  }

  private async restoresStable(bindings: SiteBinding[]): Promise<boolean> {
    for (const binding of bindings) {
      const content = await this.workspace.fileAt('HEAD', binding.site.file);
      if (content === undefined || binding.site.imageIn(content) !== binding.stable) return false;
    }
    return true;
  }

  private alreadyReverted(detail: string, revertedBy?: CommitSummary): RevertOutcome {
    const by = revertedBy ? ` (by ${shortSha(revertedBy.sha)} "${revertedBy.subject}")` : '';
    return outcome(
      {
        state: 'AlreadyReverted',
        repoURL: this.repoURL,
        branch: this.workspace.branch,
        ...(revertedBy ? { commit: revertedBy.sha } : {}),
        message: `${detail}${by}`,
      },
      this.request,
    );
  }

  private committed(commit: string, revertedCommit: string | undefined, message: string, pushed: boolean, branch = this.targetBranch): RevertOutcome {
    const git: RollbackGitRecord = {
      state: 'Committed',
      repoURL: this.repoURL,
      commit,
      branch,
      message,
      ...(revertedCommit !== undefined ? { revertedCommit } : {}),
    };
    return outcome(git, this.request, pushed);
  }
}
