// The façade the reconciler calls after an abort: commit the rollback to git once, and say what happened.
import { toVaneError, VaneError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import type { PodTemplateSpec } from '../resources/meta.js';
import type { GitRollbackRecord } from '../resources/rollout.js';
import {
  partialRevertMessage,
  revertMessage,
  rollBackMessage,
  rolloutTrailers,
  type RollbackContext,
  TRAILER_RELEASE_COMMIT,
  TRAILER_REVERTS,
} from './commit-message.js';
import { keepDocuments } from './document-splice.js';
import type { DiscoveredSource, GitSourceRef } from './discovered-source.js';
import { noCredentials, prepareGitCredentials, readSecretData, type CredentialOptions, type GitCredentials } from './git-credentials.js';
import type { GitExecutor, GitIdentity, GitWorkspace } from './git-executor.js';
import type { BackoffPolicy } from './jittered-backoff.js';
import type { ObjectReader } from './object-reader.js';
import { templateDifferences } from './pod-template-diff.js';
import { isWholeRelease, type ReleaseScope } from './release-scope.js';
import type { CommitSummary } from './repo-history.js';
import { redactUrl } from './repo-url.js';
import { planRevert, type FileEdit, type RevertPlan, type RevertPlanQuery } from './revert-planner.js';
import { SimpleGitExecutor } from './simple-git-executor.js';

/** What status records about the git side of a rollback. */
export type RollbackGitRecord = GitRollbackRecord;

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
  /** The failed release of `failing`: `<rollout uid>/<attempt>`, written as a trailer so a crash never commits twice. */
  release: string;
  /** Why the release was aborted, in a sentence. */
  reason: string;
  analysis?: { run: string; metric?: string };
  /** Who aborted, when a person or pipeline did. */
  actor?: string;
  /**
   * The stable and failing pod templates themselves, when the caller has them. A targeted edit (which restores only
   * images) then names every other field the release changed and the edit did not restore; a release that changed no
   * image is matched to its commit by meaning as well as by hash.
   */
  stableTemplate?: PodTemplateSpec;
  failingTemplate?: PodTemplateSpec;
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

export class GitReverter {
  private readonly logger: Logger;

  constructor(private readonly options: GitReverterOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  async revert(request: RevertRequest): Promise<RevertOutcome> {
    if (request.source.kind === 'none') return outcome({ state: 'NotConfigured', message: request.source.reason }, request);
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
      return outcome({ state: 'Failed', reason: error.code, repoURL: redactUrl(source.repoURL), message: redactUrl(error.message) }, request);
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

function outcome(git: RollbackGitRecord, request: RevertRequest, pushed = false): RevertOutcome {
  return { git: { ...git, failingPodHash: request.failing.podTemplateHash }, pushed };
}

function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

/** The commit a rollback reverted (a revert), or the release commit it only edited after (a targeted edit). */
interface NamedCommits {
  revertedCommit?: string;
  releaseCommit?: string;
}

interface MadeChange {
  /** What the commit does, for the status message. */
  summary: string;
  names: NamedCommits;
}

function namedCommits(trailers: Record<string, string>): NamedCommits {
  const revertedCommit = trailers[TRAILER_REVERTS];
  const releaseCommit = trailers[TRAILER_RELEASE_COMMIT];
  return { ...(revertedCommit !== undefined ? { revertedCommit } : {}), ...(releaseCommit !== undefined ? { releaseCommit } : {}) };
}

function keptClause(scope: ReleaseScope): string {
  const kept = [...scope.kept.map((file) => `${file.file} (${file.why})`), ...scope.split.map((split) => `${split.others.join(', ')} in ${split.file}`)];
  return `KEPT the release's other changes: ${kept.join('; ')}`;
}

/** Fields named in the status message; the commit body lists them all. */
const MESSAGE_FIELDS = 10;

function notRestoredClause(fields: string[] | undefined): string {
  if (fields === undefined) return '; only the image was restored: any other change the release made to the pod template is kept';
  if (fields.length === 0) return '';
  const shown = fields.length > MESSAGE_FIELDS ? [...fields.slice(0, MESSAGE_FIELDS), `and ${fields.length - MESSAGE_FIELDS} more (see the commit)`] : fields;
  return `; NOT restored: the release also changed ${shown.join(', ')} in the pod template, which keep the failing release's values`;
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
      release: request.release,
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
    const plan = await planRevert(this.workspace, this.planQuery());
    if (plan.kind === 'already-reverted') return this.alreadyReverted(plan.detail, plan.revertedBy);
    const change = await this.commit(plan);
    const pushed = await this.workspace.push(this.targetBranch);
    if (pushed.commit === undefined) return this.identicalChangeFound();
    this.log.info({ commit: pushed.commit, branch: this.targetBranch, attempts: pushed.attempts }, 'pushed git rollback');
    const how = pushed.rebased ? ' after rebasing onto newer commits' : '';
    return this.committed(pushed.commit, change.names, `${change.summary}; pushed to ${this.targetBranch} as ${shortSha(pushed.commit)}${how}`, true);
  }

  private planQuery(): RevertPlanQuery {
    const { request } = this;
    return {
      path: this.source.path,
      valueFiles: this.source.valueFiles,
      ...(this.source.argoCDApplication !== undefined ? { argoCDApplication: this.source.argoCDApplication } : {}),
      rollout: request.rollout,
      stable: request.stable.images,
      failing: request.failing.images,
      stableTemplate: { podTemplateHash: request.stable.podTemplateHash, ...(request.stableTemplate ? { template: request.stableTemplate } : {}) },
      failingTemplate: { podTemplateHash: request.failing.podTemplateHash, ...(request.failingTemplate ? { template: request.failingTemplate } : {}) },
      ...(this.options.historyLimit !== undefined ? { historyLimit: this.options.historyLimit } : {}),
    };
  }

  /**
   * The push found our change already on the branch (rebasing left nothing of ours): someone made the same rollback
   * meanwhile. After the rebase HEAD is their branch, so planning again names the commit that took the failure out.
   */
  private async identicalChangeFound(): Promise<RevertOutcome> {
    const detail = `an identical change reached ${this.targetBranch} while Vane was pushing`;
    const again = await planRevert(this.workspace, this.planQuery()).catch(() => undefined);
    if (again?.kind === 'already-reverted' && again.revertedBy) return this.alreadyReverted(detail, again.revertedBy);
    const [head] = await this.workspace.log([], 1);
    return this.alreadyReverted(detail, head);
  }

  /** A commit with our trailers for this release means we pushed before and crashed before writing status. */
  private async findEarlierCommit(): Promise<RevertOutcome | undefined> {
    const trailers = rolloutTrailers(this.context);
    const onTracked = await this.workspace.findCommitWithTrailers(`refs/remotes/origin/${this.workspace.branch}`, trailers);
    if (onTracked) return this.committed(onTracked.sha, namedCommits(onTracked.trailers), `found earlier rollback commit on ${this.workspace.branch}`, false, this.workspace.branch);
    if (this.source.push !== 'branch') return undefined;
    const branch = this.targetBranch;
    if ((await this.workspace.fetchRemoteBranch(branch)) === undefined) return undefined;
    const onBranch = await this.workspace.findCommitWithTrailers(`refs/remotes/origin/${branch}`, trailers);
    if (onBranch) return this.committed(onBranch.sha, namedCommits(onBranch.trailers), `found earlier rollback commit on ${branch}`, false);
    throw new VaneError('Conflict', `branch ${branch} already exists on the remote without a Vane rollback commit for this release; not overwriting it`);
  }

  /**
   * Revert when the plan allows and git agrees; otherwise (or on conflict) the targeted edit. The edit is computed only
   * here: when it cannot be made, its reason and the reason there is no revert make the failure's message.
   */
  private async commit(plan: Extract<RevertPlan, { kind: 'revert' | 'edit' }>): Promise<MadeChange> {
    if (plan.kind === 'revert') {
      const reverted = await this.tryRevert(plan);
      if (reverted) return reverted;
    }
    const why = plan.kind === 'edit' ? `not a revert: ${plan.whyNotRevert}` : `the revert of ${shortSha(plan.offending.sha)} did not apply cleanly or did not restore the stable version`;
    let edits: FileEdit[];
    try {
      edits = await plan.edits();
    } catch (err) {
      const error = toVaneError(err);
      throw new VaneError(error.code, `${error.message} (${why})`, { cause: err });
    }
    for (const edit of edits) await this.workspace.writeFile(edit.path, edit.content);
    const notRestored = this.fieldsNotRestored();
    await this.workspace.commitAll(rollBackMessage(this.context, plan.bindings, plan.offending, notRestored));
    const summary = `restored the stable image in ${edits.map((edit) => edit.path).join(', ')} (${why})${notRestoredClause(notRestored)}`;
    return { summary, names: plan.offending ? { releaseCommit: plan.offending.sha } : {} };
  }

  /** The pod-template fields besides images that the release changed, when the caller passed both templates. */
  private fieldsNotRestored(): string[] | undefined {
    const { stableTemplate, failingTemplate } = this.request;
    if (!stableTemplate || !failingTemplate) return undefined;
    return templateDifferences(stableTemplate, failingTemplate);
  }

  private async tryRevert(plan: Extract<RevertPlan, { kind: 'revert' }>): Promise<MadeChange | undefined> {
    const { offending, scope } = plan;
    if ((await this.workspace.revertWithoutCommit(offending.sha)) === 'conflict') return undefined;
    const whole = isWholeRelease(scope);
    if (!whole) await this.limitRevert(scope);
    await this.workspace.commitAll(whole ? revertMessage(this.context, offending) : partialRevertMessage(this.context, offending, scope));
    if (await this.restoresStable(plan)) {
      const what = `${shortSha(offending.sha)} "${offending.subject}"`;
      const summary = whole ? `reverted ${what}` : `reverted ${this.rolloutName}'s part of ${what} (${scope.ours.join(', ')}); ${keptClause(scope)}`;
      return { summary, names: { revertedCommit: offending.sha } };
    }
    // Later commits changed the same values in a way the revert did not undo: fall back to the edit.
    await this.workspace.discardLocalChanges();
    return undefined;
  }

  /** Undoes the revert where it reaches beyond this application: whole files, then other workloads' documents. */
  private async limitRevert(scope: ReleaseScope): Promise<void> {
    await this.workspace.restorePaths(scope.kept.map((kept) => kept.file));
    for (const split of scope.split) {
      const reverted = await this.workspace.indexedFile(split.file);
      const current = await this.workspace.fileAt('HEAD', split.file);
      const spliced = reverted !== undefined && current !== undefined ? keepDocuments(reverted, current, split.isKept) : undefined;
      if (spliced === undefined) await this.workspace.restorePaths([split.file]);
      else await this.workspace.writeFile(split.file, spliced);
    }
  }

  private restoresStable(plan: Extract<RevertPlan, { kind: 'revert' }>): Promise<boolean> {
    return plan.restoresStable((path) => this.workspace.fileAt('HEAD', path));
  }

  private get rolloutName(): string {
    return `${this.request.rollout.namespace}/${this.request.rollout.name}`;
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

  private committed(commit: string, names: NamedCommits, message: string, pushed: boolean, branch = this.targetBranch): RevertOutcome {
    const git: RollbackGitRecord = {
      state: 'Committed',
      repoURL: this.repoURL,
      commit,
      branch,
      message,
      ...(names.revertedCommit !== undefined ? { revertedCommit: names.revertedCommit } : {}),
      ...(names.releaseCommit !== undefined ? { releaseCommit: names.releaseCommit } : {}),
    };
    return outcome(git, this.request, pushed);
  }
}
