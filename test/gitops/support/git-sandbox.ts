// Real git repositories for tests: bare remotes on disk and working clones that play the humans and CI pushing to them.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Tests never read the machine's git config; every commit has a fixed, recognisable author. */
export const TEST_GIT_ENV: NodeJS.ProcessEnv = {
  ...process.env,
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_AUTHOR_NAME: 'Dana Developer',
  GIT_AUTHOR_EMAIL: 'dana@example.com',
  GIT_COMMITTER_NAME: 'Dana Developer',
  GIT_COMMITTER_EMAIL: 'dana@example.com',
  LC_ALL: 'C',
};

export async function git(cwd: string, ...args: string[]): Promise<string> {
  const { stdout } = await run('git', args, { cwd, env: TEST_GIT_ENV, maxBuffer: 16 * 1024 * 1024 });
  return stdout;
}

export class GitSandbox {
  private constructor(readonly root: string) {}

  static async create(): Promise<GitSandbox> {
    return new GitSandbox(await mkdtemp(join(tmpdir(), 'vane-gitops-test-')));
  }

  /** A bare repository on branch `main` whose first commit holds `files`. Returns its path (usable as a URL). */
  async remote(name: string, files: Record<string, string>, message = 'Initial manifests'): Promise<string> {
    const bare = join(this.root, 'remotes', `${name}.git`);
    await mkdir(bare, { recursive: true });
    await git(bare, 'init', '--quiet', '--bare', '--initial-branch=main');
    const seed = await this.clone(bare, `${name}-seed`);
    await seed.write(files);
    await seed.commitAndPush(message);
    return bare;
  }

  async clone(remote: string, name: string): Promise<WorkingClone> {
    const dir = join(this.root, 'clones', `${name}-${Math.random().toString(36).slice(2, 8)}`);
    await mkdir(dirname(dir), { recursive: true });
    await git(this.root, 'clone', '--quiet', remote, dir);
    await git(dir, 'checkout', '--quiet', '-B', 'main');
    return new WorkingClone(dir);
  }

  path(...segments: string[]): string {
    return join(this.root, ...segments);
  }

  async dispose(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

export class WorkingClone {
  constructor(readonly dir: string) {}

  async write(files: Record<string, string>): Promise<void> {
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(this.dir, path)), { recursive: true });
      await writeFile(join(this.dir, path), content);
    }
  }

  async read(path: string): Promise<string> {
    return readFile(join(this.dir, path), 'utf8');
  }

  /** Replaces `from` with `to` in a file, failing loudly when `from` is not there. */
  async replace(path: string, from: string, to: string): Promise<void> {
    const content = await this.read(path);
    if (!content.includes(from)) throw new Error(`${path} does not contain ${from}`);
    await writeFile(join(this.dir, path), content.replace(from, to));
  }

  async commit(message: string): Promise<string> {
    await git(this.dir, 'add', '--all');
    await git(this.dir, 'commit', '--quiet', '-m', message);
    return (await git(this.dir, 'rev-parse', 'HEAD')).trim();
  }

  async commitAndPush(message: string): Promise<string> {
    const sha = await this.commit(message);
    await git(this.dir, 'push', '--quiet', 'origin', 'HEAD:refs/heads/main');
    return sha;
  }

  async pull(): Promise<void> {
    await git(this.dir, 'fetch', '--quiet', 'origin');
    await git(this.dir, 'reset', '--quiet', '--hard', 'origin/main');
  }
}

/** Inspecting a bare remote the way a reviewer would: heads, files at a ref, commit messages. */
export class RemoteInspector {
  constructor(readonly bare: string) {}

  async head(branch = 'main'): Promise<string> {
    return (await git(this.bare, 'rev-parse', `refs/heads/${branch}`)).trim();
  }

  async refs(): Promise<string> {
    return git(this.bare, 'for-each-ref', '--format=%(refname) %(objectname)');
  }

  async file(path: string, ref = 'main'): Promise<string> {
    return git(this.bare, 'show', `${ref}:${path}`);
  }

  async message(ref = 'main'): Promise<string> {
    return git(this.bare, 'log', '-1', '--format=%B', ref);
  }

  async parents(ref = 'main'): Promise<string[]> {
    return (await git(this.bare, 'log', '-1', '--format=%P', ref)).trim().split(' ');
  }

  async author(ref = 'main'): Promise<string> {
    return (await git(this.bare, 'log', '-1', '--format=%an <%ae> / %cn <%ce>', ref)).trim();
  }

  async count(ref = 'main'): Promise<number> {
    return Number((await git(this.bare, 'rev-list', '--count', ref)).trim());
  }

  async changedFiles(ref = 'main'): Promise<string[]> {
    const output = await git(this.bare, 'diff-tree', '--no-commit-id', '--name-only', '-r', ref);
    return output.split('\n').filter((line) => line.length > 0);
  }
}
