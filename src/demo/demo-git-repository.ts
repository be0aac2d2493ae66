// The GitOps repository the demo creates: a bare remote in a temporary directory and a working clone the demo commits
// from, as a person or a CI job would. The controller reverts in its own clone and pushes to the same remote.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** A user's global or system git settings (signing, hooks, templates) must not change what the demo does. */
const GIT_ENV = { ...process.env, GIT_CONFIG_GLOBAL: '/dev/null', GIT_CONFIG_NOSYSTEM: '1', LC_ALL: 'C' };

export interface DemoCommit {
  sha: string;
  subject: string;
  /** `Key: value` lines of the message's last paragraph. */
  trailers: string[];
}

export class DemoGitRepository {
  private constructor(
    private readonly dir: string,
    /** The bare repository: what the Rollout's `spec.rollback.git.repoURL` names. */
    readonly url: string,
    private readonly work: string,
  ) {}

  /** Whether a `git` program can be run at all; the demo skips its git part without one. */
  static async available(): Promise<boolean> {
    return run('git', ['--version'], { env: GIT_ENV }).then(
      () => true,
      () => false,
    );
  }

  static async create(): Promise<DemoGitRepository> {
    const dir = mkdtempSync(join(tmpdir(), 'vane-demo-git-'));
    const repo = new DemoGitRepository(dir, join(dir, 'platform.git'), join(dir, 'work'));
    try {
      await repo.git(dir, 'init', '-q', '--bare', '-b', 'main', repo.url);
      await repo.git(dir, 'init', '-q', '-b', 'main', repo.work);
      await repo.git(repo.work, 'remote', 'add', 'origin', repo.url);
    } catch (err) {
      repo.remove();
      throw err;
    }
    return repo;
  }

  /** Writes the files, commits them with `subject` and pushes to main; returns the new commit. */
  async commit(files: Record<string, string>, subject: string): Promise<DemoCommit> {
    if (await this.hasRemoteMain()) await this.git(this.work, 'pull', '-q', '--rebase', 'origin', 'main');
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(this.work, path)), { recursive: true });
      writeFileSync(join(this.work, path), content);
      await this.git(this.work, 'add', path);
    }
    await this.git(this.work, 'commit', '-q', '-m', subject);
    await this.git(this.work, 'push', '-q', 'origin', 'HEAD:main');
    return this.describe('HEAD');
  }

  /** A file as the remote's main has it now: what the GitOps tool would apply. */
  async show(path: string): Promise<string> {
    await this.git(this.work, 'fetch', '-q', 'origin');
    return this.git(this.work, 'show', `origin/main:${path}`);
  }

  /** The remote's newest commit on main. */
  async head(): Promise<DemoCommit> {
    await this.git(this.work, 'fetch', '-q', 'origin');
    return this.describe('origin/main');
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }

  private async describe(rev: string): Promise<DemoCommit> {
    const sha = (await this.git(this.work, 'rev-parse', rev)).trim();
    const subject = (await this.git(this.work, 'log', '-1', '--format=%s', sha)).trim();
    const body = (await this.git(this.work, 'log', '-1', '--format=%b', sha)).trim();
    const lastParagraph = body.split(/\n\s*\n/).pop() ?? '';
    const trailers = lastParagraph.split('\n').filter((line) => /^[A-Za-z][A-Za-z0-9-]*: /.test(line));
    return { sha, subject, trailers };
  }

  private async hasRemoteMain(): Promise<boolean> {
    const heads = await this.git(this.work, 'ls-remote', '--heads', 'origin', 'main');
    return heads.trim() !== '';
  }

  private async git(cwd: string, ...args: string[]): Promise<string> {
    const { stdout } = await run('git', ['-c', 'user.name=Demo', '-c', 'user.email=demo@example.com', ...args], { cwd, env: GIT_ENV, encoding: 'utf8' });
    return stdout;
  }
}
