// A bare git repository on disk playing the GitOps repository, with a working clone the test commits from.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface GitRemote {
  /** The bare repository: what an Application's repoURL or a GitRepository's url names. */
  url: string;
  /** Writes a file, commits it with `subject` and pushes to main. */
  commit(path: string, content: string, subject: string): void;
  /** The file at the remote's main, after a fetch. */
  show(path: string): string;
  /** Subject and trailers of the remote's newest commit. */
  head(): { sha: string; message: string };
  remove(): void;
}

export function createGitRemote(): GitRemote {
  const dir = mkdtempSync(join(tmpdir(), 'vane-gitops-remote-'));
  const url = join(dir, 'platform.git');
  const work = join(dir, 'work');
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=Dev', '-c', 'user.email=dev@example.com', ...args], { cwd, encoding: 'utf8', env: { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null' } }).trim();
  git(dir, 'init', '-q', '--bare', '-b', 'main', url);
  git(dir, 'clone', '-q', url, work);
  git(work, 'commit', '-q', '--allow-empty', '-m', 'Start');
  git(work, 'push', '-q', 'origin', 'HEAD:main');
  return {
    url,
    commit(path, content, subject) {
      git(work, 'pull', '-q', '--rebase', 'origin', 'main');
      mkdirSync(dirname(join(work, path)), { recursive: true });
      writeFileSync(join(work, path), content);
      git(work, 'add', path);
      git(work, 'commit', '-qm', subject);
      git(work, 'push', '-q', 'origin', 'HEAD:main');
    },
    show(path) {
      git(work, 'fetch', '-q', 'origin');
      return git(work, 'show', `origin/main:${path}`);
    },
    head() {
      git(work, 'fetch', '-q', 'origin');
      return { sha: git(work, 'rev-parse', 'origin/main'), message: git(work, 'log', '-1', '--format=%B', 'origin/main') };
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

