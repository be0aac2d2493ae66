// Read-only view of a checked-out repository and its history: what the revert planner needs from git.

export interface CommitSummary {
  sha: string;
  /** Real parents (no history simplification); empty for a root commit. */
  parents: string[];
  subject: string;
}

export interface LineRange {
  /** 1-based first line; for an empty range, the line after which the change sits. */
  start: number;
  count: number;
}

export interface DiffHunk {
  before: LineRange;
  after: LineRange;
}

export interface RepoHistory {
  /** Files tracked at HEAD under `dir` ('' for the whole tree), repository-relative. */
  listFiles(dir: string): Promise<string[]>;
  /** A file's content at a revision; undefined when the file does not exist there. */
  fileAt(revision: string, path: string): Promise<string | undefined>;
  /** Commits reachable from HEAD that touched any of `paths`, newest first, at most `limit`. */
  log(paths: readonly string[], limit: number): Promise<CommitSummary[]>;
  /** Files a (non-merge) commit changed relative to its parent. */
  changedFiles(sha: string): Promise<string[]>;
  /** Line ranges of `path` that differ between two revisions (zero lines of context). */
  diffHunks(from: string, to: string, path: string): Promise<DiffHunk[]>;
}
