// A RepoHistory that reads each file at each revision once: planning a rollback reads the same bases and values again and again.
import type { CommitSummary, DiffHunk, RepoHistory } from './repo-history.js';

export class CachedHistory implements RepoHistory {
  private readonly files = new Map<string, Promise<string | undefined>>();

  constructor(private readonly repo: RepoHistory) {}

  listFiles(dir: string): Promise<string[]> {
    return this.repo.listFiles(dir);
  }

  fileAt(revision: string, path: string): Promise<string | undefined> {
    const key = `${revision}\0${path}`;
    let content = this.files.get(key);
    if (!content) {
      content = this.repo.fileAt(revision, path);
      this.files.set(key, content);
    }
    return content;
  }

  log(paths: readonly string[], limit: number): Promise<CommitSummary[]> {
    return this.repo.log(paths, limit);
  }

  changedFiles(sha: string): Promise<string[]> {
    return this.repo.changedFiles(sha);
  }

  diffHunks(from: string, to: string, path: string): Promise<DiffHunk[]> {
    return this.repo.diffHunks(from, to, path);
  }
}
