// Port for running git against a GitOps repository: a synced workspace per repository, commits, and safe pushes.
import type { GitCredentials } from './git-credentials.js';
import type { RepoHistory } from './repo-history.js';

export interface GitIdentity {
  name: string;
  email: string;
}

export const DEFAULT_IDENTITY: GitIdentity = { name: 'Vane', email: 'vane@localhost' };

export interface RepositoryAccess {
  url: string;
  /** Branch to track; undefined means the remote's default branch. */
  branch?: string;
  credentials: GitCredentials;
}

export interface PushResult {
  /** The commit now at the head of the remote branch, or undefined when our change turned out to be there already. */
  commit: string | undefined;
  attempts: number;
  /** True when our commit had to be rebased onto commits someone else pushed meanwhile. */
  rebased: boolean;
}

export interface CommitMessageMatch {
  sha: string;
  subject: string;
  trailers: Record<string, string>;
}

/** A clone whose HEAD is the remote branch as of the last sync; nothing in it survives the next sync. */
export interface GitWorkspace extends RepoHistory {
  readonly url: string;
  /** The tracked branch, resolved (the remote's default branch when none was asked for). */
  readonly branch: string;
  head(): Promise<string>;
  /** A commit's author time (RFC 3339, UTC); undefined when the clone does not have the commit. */
  authoredAt(sha: string): Promise<string | undefined>;
  /** Whether `ancestor` is `descendant` or one of its ancestors; undefined when the clone lacks either commit. */
  isAncestor(ancestor: string, descendant: string): Promise<boolean | undefined>;
  /** The newest commit on `revision` whose trailers include all of `trailers`. */
  findCommitWithTrailers(revision: string, trailers: Readonly<Record<string, string>>): Promise<CommitMessageMatch | undefined>;
  /** Head of a remote branch after fetching it, or undefined when the remote has no such branch. */
  fetchRemoteBranch(branch: string): Promise<string | undefined>;
  /** `git revert --no-commit`; on conflict the revert is abandoned and the tree left clean. */
  revertWithoutCommit(sha: string): Promise<'applied' | 'conflict'>;
  /** Puts `paths` back as HEAD has them, in the index and the tree (removing those HEAD lacks): limits a revert to the rest. */
  restorePaths(paths: readonly string[]): Promise<void>;
  /** A file as the index holds it (after revertWithoutCommit: the reverted content); undefined when the index has none. */
  indexedFile(path: string): Promise<string | undefined>;
  writeFile(path: string, content: string): Promise<void>;
  /** Commits every change in the tree with Vane's identity; returns the new commit. */
  commitAll(message: string): Promise<string>;
  /** Drops local commits and changes: back to the remote branch as last fetched. */
  discardLocalChanges(): Promise<void>;
  /**
   * Pushes HEAD to `branch` without ever forcing: on a non-fast-forward it fetches, rebases and retries with jittered
   * backoff, a bounded number of times; a rebase conflict fails with code Conflict and leaves the remote untouched.
   */
  push(branch: string): Promise<PushResult>;
}

export interface GitExecutor {
  /** Runs `work` on the repository's cached clone, synced to the remote branch; one caller per repository at a time. */
  withWorkspace<T>(access: RepositoryAccess, work: (workspace: GitWorkspace) => Promise<T>): Promise<T>;
}
