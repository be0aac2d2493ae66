// GitExecutor on simple-git 4: cached clones per repository URL, hard sync before each use, push with rebase-retry.
import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { simpleGit, type SimpleGit } from 'simple-git';
import { VaneError } from '../errors.js';
import { silentLogger, type Logger } from '../logger.js';
import { classifyGitFailure, GitCommandError } from './git-failure.js';
import type { GitCredentials } from './git-credentials.js';
import {
  DEFAULT_IDENTITY,
  type CommitMessageMatch,
  type GitExecutor,
  type GitIdentity,
  type GitWorkspace,
  type PushResult,
  type RepositoryAccess,
} from './git-executor.js';
import { backoffDelay, DEFAULT_BACKOFF, type BackoffPolicy } from './jittered-backoff.js';
import type { CommitSummary, DiffHunk } from './repo-history.js';
import { assertSafeRepoUrl, redactUrl, repoCacheKey } from './repo-url.js';
import { MAX_YAML_BYTES } from './yaml-documents.js';

export interface SimpleGitExecutorOptions {
  /** Directory holding one cached clone per repository URL. */
  workDir: string;
  /** Author and committer of Vane's commits; defaults to `Vane <vane@localhost>`. */
  identity?: GitIdentity;
  logger?: Logger;
  /** A git command that prints nothing for this long is killed; defaults to 60 s. */
  commandTimeoutMs?: number;
  /** Pushes tried before giving up on a branch that keeps moving; defaults to 5. */
  pushAttempts?: number;
  backoff?: BackoffPolicy;
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
  /** The git program; defaults to `git` on PATH. */
  gitBinary?: string;
  /** Operator opt-in for `file://` URLs and local paths (--allow-local-git-urls); refused by default. */
  allowLocalUrls?: boolean;
}

/** Variables git may receive from us; simple-git strips every other GIT_* variable from the environment. */
const ALLOWED_ENV = [
  'GIT_TERMINAL_PROMPT',
  'GIT_SSH_COMMAND',
  'GIT_ASKPASS',
  'GIT_CONFIG_NOSYSTEM',
  'GIT_CONFIG_GLOBAL',
  'GIT_CONFIG_COUNT',
  'GIT_CONFIG_KEY_0',
  'GIT_CONFIG_VALUE_0',
  'GIT_CONFIG_KEY_1',
  'GIT_CONFIG_VALUE_1',
  'GIT_SSL_NO_VERIFY',
  'GIT_SSL_CAINFO',
  'GIT_CEILING_DIRECTORIES',
];

/** Non-GIT_ variables simple-git guards; inherited ones are dropped rather than passed. */
const GUARDED_PLAIN_ENV = new Set(['editor', 'pager', 'visual', 'prefix', 'ssh_askpass']);

const WORK_BRANCH = 'vane-work';
const INTERRUPTED_STATE = ['rebase-merge', 'rebase-apply', 'sequencer', 'MERGE_HEAD', 'REVERT_HEAD', 'CHERRY_PICK_HEAD', 'index.lock'];

const sleepFor = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

export class SimpleGitExecutor implements GitExecutor {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly logger: Logger;

  constructor(private readonly options: SimpleGitExecutorOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  async withWorkspace<T>(access: RepositoryAccess, work: (workspace: GitWorkspace) => Promise<T>): Promise<T> {
    assertSafeRepoUrl(access.url, { allowLocal: this.options.allowLocalUrls === true });
    const key = repoCacheKey(access.url);
    const previous = this.locks.get(key) ?? Promise.resolve();
    const run = previous.catch(() => undefined).then(async () => work(await this.open(key, access)));
    this.locks.set(key, run);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === run) this.locks.delete(key);
    }
  }

  /** A damaged cache (interrupted clone, corrupt objects) is thrown away and cloned again, once. */
  private async open(key: string, access: RepositoryAccess): Promise<SimpleGitWorkspace> {
    const dir = join(this.options.workDir, key);
    try {
      return await this.openAt(dir, access);
    } catch (err) {
      if (!(err instanceof GitCommandError) || err.code !== 'Internal') throw err;
      this.logger.warn({ repo: redactUrl(access.url), err: err.message }, 'discarding damaged git cache and cloning again');
      await rm(dir, { recursive: true, force: true });
      return this.openAt(dir, access);
    }
  }

  private async openAt(dir: string, access: RepositoryAccess): Promise<SimpleGitWorkspace> {
    const fresh = !(await isDirectory(join(dir, '.git')));
    if (fresh) await this.clone(dir, access);
    else await clearInterruptedOperations(dir);
    // The cache directory is keyed by the exact URL, so origin never needs re-pointing.
    const runner = this.runner(dir, access);
    if (!fresh) await assertOwnRepository(runner, dir);
    const branch = access.branch ?? (await defaultBranch(runner, fresh));
    const workspace = new SimpleGitWorkspace(runner, dir, access.url, branch, this.pushPolicy());
    // A fresh clone has just fetched everything; a cached one must catch up with the remote first.
    await workspace.sync({ fetch: !fresh });
    return workspace;
  }

  private async clone(dir: string, access: RepositoryAccess): Promise<void> {
    await rm(dir, { recursive: true, force: true });
    await mkdir(this.options.workDir, { recursive: true });
    this.logger.info({ repo: redactUrl(access.url) }, 'cloning GitOps repository');
    await this.runner(this.options.workDir, access).run(['clone', '--no-checkout', '--origin', 'origin', '--', access.url, dir], 'clone');
  }

  private runner(dir: string, access: RepositoryAccess): GitRunner {
    const identity = this.options.identity ?? DEFAULT_IDENTITY;
    const git = simpleGit({
      baseDir: dir,
      binary: this.options.gitBinary ?? 'git',
      maxConcurrentProcesses: 1,
      trimmed: false,
      config: [
        `user.name=${identity.name}`,
        `user.email=${identity.email}`,
        'commit.gpgSign=false',
        'core.autocrlf=false',
        'advice.detachedHead=false',
      ],
      timeout: { block: this.options.commandTimeoutMs ?? 60_000 },
      allowEnvironment: ALLOWED_ENV,
      unsafe: { allowUnsafeSshCommand: true, allowUnsafeAskPass: true, allowUnsafeConfigPaths: true, allowUnsafeConfigEnvCount: true },
    }).env(gitEnvironment(access.credentials, resolve(this.options.workDir)));
    return new GitRunner(git, this.logger.child({ repo: redactUrl(access.url) }));
  }

  private pushPolicy(): PushPolicy {
    return {
      attempts: Math.max(1, this.options.pushAttempts ?? 5),
      backoff: this.options.backoff ?? DEFAULT_BACKOFF,
      sleep: this.options.sleep ?? sleepFor,
      random: this.options.random ?? Math.random,
    };
  }
}

/**
 * The process environment minus git's guarded variables, plus isolation from machine config and the credentials.
 * `ceiling` stops git from wandering into a repository above the cache when a cached clone is damaged.
 */
function gitEnvironment(credentials: GitCredentials, ceiling: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    if (value === undefined || lower.startsWith('git_') || GUARDED_PLAIN_ENV.has(lower)) continue;
    env[key] = value;
  }
  // English messages are what git-failure.ts classifies; machine-wide config must not change what Vane does.
  return { ...env, LC_ALL: 'C', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', GIT_CEILING_DIRECTORIES: ceiling, ...credentials.env };
}

/** A broken .git makes git search parent directories; the cache must be its own repository or be cloned again. */
async function assertOwnRepository(runner: GitRunner, dir: string): Promise<void> {
  const gitDir = await runner.run(['rev-parse', '--absolute-git-dir'], 'rev-parse').catch(() => '');
  if (gitDir.trim() !== (await realpath(join(dir, '.git')))) {
    throw new GitCommandError('Internal', 'rev-parse', `the cached clone in ${dir} is damaged`);
  }
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

/** Left-overs of an operation a crash interrupted would block the next rebase or revert. */
async function clearInterruptedOperations(dir: string): Promise<void> {
  await Promise.all(INTERRUPTED_STATE.map((entry) => rm(join(dir, '.git', entry), { recursive: true, force: true })));
}

/** The remote's HEAD: as recorded by a fresh clone, or asked of the remote for a cached clone (it may have changed). */
async function defaultBranch(runner: GitRunner, fresh: boolean): Promise<string> {
  if (fresh) {
    const recorded = await runner.run(['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'], 'symbolic-ref').catch(() => '');
    const name = recorded.trim().replace(/^refs\/remotes\/origin\//, '');
    if (name.length > 0) return name;
  }
  const output = await runner.run(['ls-remote', '--symref', 'origin', 'HEAD'], 'ls-remote');
  const match = /^ref: refs\/heads\/(\S+)\s+HEAD$/m.exec(output);
  if (!match?.[1]) throw new VaneError('NotFound', 'the remote has no default branch (is it empty?)');
  return match[1];
}

/** simple-git with logging of every command and failures classified into typed errors. */
class GitRunner {
  constructor(
    private readonly git: SimpleGit,
    readonly logger: Logger,
  ) {}

  async run(args: string[], operation: string): Promise<string> {
    this.logger.debug({ args: args.map(redactUrl) }, 'git');
    try {
      return await this.git.raw(args);
    } catch (err) {
      throw classifyGitFailure(err, operation);
    }
  }
}

interface PushPolicy {
  attempts: number;
  backoff: BackoffPolicy;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
}

const RECORD = '\x1e';
const FIELD = '\x1f';

class SimpleGitWorkspace implements GitWorkspace {
  constructor(
    private readonly runner: GitRunner,
    private readonly dir: string,
    readonly url: string,
    readonly branch: string,
    private readonly policy: PushPolicy,
  ) {}

  private get tracking(): string {
    return `refs/remotes/origin/${this.branch}`;
  }

  /** Fetch and hard-reset to the remote branch: whatever a previous attempt left behind is gone. */
  async sync(options: { fetch: boolean }): Promise<void> {
    if (options.fetch) await this.fetchBranch(this.branch);
    else await this.ensureTracking();
    await this.runner.run(['checkout', '--force', '-B', WORK_BRANCH, this.tracking], 'checkout');
    if (options.fetch) await this.discardLocalChanges();
  }

  /** After a clone, a branch that does not exist on the remote has no tracking ref: say so as fetch would. */
  private async ensureTracking(): Promise<void> {
    // `--quiet` fails silently, and simple-git only rejects on output to stderr: an empty answer means "no such ref".
    const sha = await this.runner.run(['rev-parse', '--verify', '--quiet', this.tracking], 'rev-parse').catch(() => '');
    if (sha.trim() === '') await this.fetchBranch(this.branch);
  }

  async discardLocalChanges(): Promise<void> {
    await this.runner.run(['reset', '--hard', this.tracking], 'reset');
    await this.runner.run(['clean', '--force', '--force', '-d', '-x'], 'clean');
  }

  /** Regular files only: links and submodules are never read as manifests. */
  async listFiles(dir: string): Promise<string[]> {
    const pathspec = dir === '' ? [] : ['--', repoPath(dir)];
    const output = await this.runner.run(['ls-tree', '-r', '-l', '-z', '--full-tree', 'HEAD', ...pathspec], 'ls-tree');
    return output
      .split('\0')
      .map(parseTreeEntry)
      .flatMap((entry) => (entry && REGULAR_FILE_MODES.has(entry.mode) ? [entry.path] : []));
  }

  /** The blob at `path`, after its size is known to be readable; undefined when there is no file there. */
  async fileAt(revision: string, path: string): Promise<string | undefined> {
    const entry = await this.treeEntry(revision, repoPath(path));
    if (entry?.type !== 'blob') return undefined;
    if (!REGULAR_FILE_MODES.has(entry.mode)) {
      throw new VaneError('InvalidSpec', `refusing to read ${path}: it is a symbolic link in the repository, and Vane reads and writes regular files only`);
    }
    if (entry.size > MAX_YAML_BYTES) {
      throw new VaneError('InvalidSpec', `${path}: the file is larger than 1 MiB (${entry.size} bytes); Vane does not read such files`);
    }
    return this.runner.run(['cat-file', 'blob', entry.oid], 'cat-file');
  }

  /** What the tree of `revision` holds at `path` (mode, type, object, size), read without reading the object. */
  private async treeEntry(revision: string, path: string): Promise<TreeEntry | undefined> {
    let output: string;
    try {
      output = await this.runner.run(['ls-tree', '-l', '-z', '--full-tree', revision, '--', path], 'ls-tree');
    } catch {
      return undefined;
    }
    return output
      .split('\0')
      .map(parseTreeEntry)
      .find((entry) => entry?.path === path);
  }

  async log(paths: readonly string[], limit: number): Promise<CommitSummary[]> {
    const format = `--format=%H${FIELD}%P${FIELD}%s${RECORD}`;
    const output = await this.runner.run(['log', `--max-count=${limit}`, format, 'HEAD', '--', ...paths.map(repoPath)], 'log');
    return records(output).map((record) => {
      const [sha = '', parents = '', subject = ''] = record.split(FIELD);
      return { sha, parents: parents.split(' ').filter((parent) => parent.length > 0), subject };
    });
  }

  async changedFiles(sha: string): Promise<string[]> {
    const output = await this.runner.run(['diff-tree', '--no-commit-id', '--name-only', '-r', '-z', '--root', sha], 'diff-tree');
    return output.split('\0').filter((name) => name.length > 0);
  }

  async diffHunks(from: string, to: string, path: string): Promise<DiffHunk[]> {
    const args = ['diff', '--unified=0', '--no-color', '--no-ext-diff', '--no-textconv', from, to, '--', repoPath(path)];
    const output = await this.runner.run(args, 'diff');
    return [...output.matchAll(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm)].map((match) => ({
      before: { start: Number(match[1]), count: match[2] === undefined ? 1 : Number(match[2]) },
      after: { start: Number(match[3]), count: match[4] === undefined ? 1 : Number(match[4]) },
    }));
  }

  async head(): Promise<string> {
    return (await this.runner.run(['rev-parse', 'HEAD'], 'rev-parse')).trim();
  }

  async authoredAt(sha: string): Promise<string | undefined> {
    const output = await this.runner.run(['log', '-1', '--format=%aI', sha, '--'], 'log').catch(() => undefined);
    const time = output === undefined ? Number.NaN : Date.parse(output.trim());
    return Number.isNaN(time) ? undefined : new Date(time).toISOString();
  }

  /** By the merge base, not `--is-ancestor`: simple-git resolves an exit code 1 that prints nothing as success. */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean | undefined> {
    const output = await this.runner.run(['merge-base', ancestor, descendant], 'merge-base').catch(() => undefined);
    if (output === undefined) return undefined;
    const base = output.trim();
    if (base === '') return false;
    const resolved = (await this.runner.run(['rev-parse', '--verify', `${ancestor}^{commit}`], 'rev-parse')).trim();
    return base === resolved;
  }

  async findCommitWithTrailers(revision: string, trailers: Readonly<Record<string, string>>): Promise<CommitMessageMatch | undefined> {
    const wanted = Object.entries(trailers);
    const greps = wanted.map(([key, value]) => `--grep=${key}: ${value}`);
    const format = `--format=%H${FIELD}%s${FIELD}%(trailers:only,unfold)${RECORD}`;
    const args = ['log', '--max-count=100', '--fixed-strings', '--all-match', ...greps, format, revision, '--'];
    const output = await this.runner.run(args, 'log');
    for (const record of records(output)) {
      const [sha = '', subject = '', block = ''] = record.split(FIELD);
      const found = parseTrailers(block);
      if (wanted.every(([key, value]) => found[key] === value)) return { sha, subject, trailers: found };
    }
    return undefined;
  }

  async fetchRemoteBranch(branch: string): Promise<string | undefined> {
    const output = await this.runner.run(['ls-remote', '--heads', 'origin', `refs/heads/${branch}`], 'ls-remote');
    if (output.trim().length === 0) return undefined;
    await this.fetchBranch(branch);
    return (await this.runner.run(['rev-parse', `refs/remotes/origin/${branch}`], 'rev-parse')).trim();
  }

  async revertWithoutCommit(sha: string): Promise<'applied' | 'conflict'> {
    try {
      await this.runner.run(['revert', '--no-commit', sha], 'revert');
      return 'applied';
    } catch (err) {
      await this.runner.run(['revert', '--abort'], 'revert --abort').catch(() => undefined);
      await this.discardLocalChanges();
      if (err instanceof GitCommandError && err.code === 'Internal' && /conflict|could not revert/i.test(err.message)) return 'conflict';
      throw err;
    }
  }

  async restorePaths(paths: readonly string[]): Promise<void> {
    if (paths.length === 0) return;
    await this.runner.run(['restore', '--source=HEAD', '--staged', '--worktree', '--', ...paths.map(literalPathspec)], 'restore');
  }

  /** The staged blob at `path`, read only when it is a regular file of readable size. */
  async indexedFile(path: string): Promise<string | undefined> {
    const output = await this.runner.run(['ls-files', '--stage', '-z', '--', literalPathspec(path)], 'ls-files');
    const match = /^(\d{6}) ([0-9a-f]+) 0\t(.*)$/s.exec(output.split('\0')[0] ?? '');
    if (!match || match[3] !== repoPath(path)) return undefined;
    const [, mode = '', oid = ''] = match;
    if (!REGULAR_FILE_MODES.has(mode)) throw new VaneError('InvalidSpec', `refusing to read ${path}: it is not a regular file in the repository`);
    const size = Number((await this.runner.run(['cat-file', '-s', oid], 'cat-file')).trim());
    if (size > MAX_YAML_BYTES) throw new VaneError('InvalidSpec', `${path}: the file is larger than 1 MiB (${size} bytes); Vane does not read such files`);
    return this.runner.run(['cat-file', 'blob', oid], 'cat-file');
  }

  /**
   * Replaces an existing regular file of the work tree. The path's real location must be inside the checkout and
   * outside .git, and the file itself must not be a link (opened with O_NOFOLLOW, so a link made meanwhile fails too).
   */
  async writeFile(path: string, content: string): Promise<void> {
    const relativePath = repoPath(path);
    if (relativePath === '') throw new VaneError('InvalidSpec', 'refusing to write the work tree itself');
    const root = await realpath(this.dir);
    const target = join(root, relativePath);
    const parent = await realpath(dirname(target)).catch(() => undefined);
    if (parent === undefined || !isInside(root, parent) || isInside(join(root, '.git'), parent)) {
      throw new VaneError('InvalidSpec', `refusing to write ${path}: its directory is outside the work tree (a symbolic link?)`);
    }
    const stats = await lstat(target).catch(() => undefined);
    if (stats?.isSymbolicLink()) throw new VaneError('InvalidSpec', `refusing to write ${path}: it is a symbolic link`);
    if (stats && !stats.isFile()) throw new VaneError('InvalidSpec', `refusing to write ${path}: it is not a regular file`);
    const handle = await open(join(parent, basename(target)), constants.O_WRONLY | constants.O_CREAT | constants.O_TRUNC | constants.O_NOFOLLOW, 0o644);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
  }

  /** Commits every change; a tree with nothing to commit is a failure, never the old head passed off as a commit. */
  async commitAll(message: string): Promise<string> {
    const before = await this.head();
    // The message goes through a file: `-m` would put the whole text into argv.
    const messageFile = join(this.dir, '.git', 'VANE_COMMIT_MSG');
    await writeFile(messageFile, message);
    // Commands that print nothing cost simple-git an extra 50 ms wait, hence --verbose and no --quiet.
    await this.runner.run(['add', '--all', '--verbose'], 'add');
    // simple-git resolves when git fails without writing to stderr, as `commit` does with nothing to commit.
    await this.runner.run(['commit', '--no-verify', '--cleanup=whitespace', `--file=${messageFile}`], 'commit');
    const after = await this.head();
    if (after === before) throw new VaneError('Internal', 'nothing to commit: the change left the work tree as it was; nothing was committed or pushed');
    return after;
  }

  async push(branch: string): Promise<PushResult> {
    let rebased = false;
    for (let attempt = 1; ; attempt += 1) {
      const failure = await this.tryPush(branch);
      if (!failure) return { commit: await this.head(), attempts: attempt, rebased };
      if (!failure.isStalePush) throw failure;
      if (attempt >= this.policy.attempts) {
        throw new VaneError('Conflict', `${branch} kept moving: ${attempt} pushes were rejected as non-fast-forward; nothing was forced`, {
          cause: failure,
        });
      }
      await this.policy.sleep(backoffDelay(this.policy.backoff, attempt, this.policy.random));
      await this.fetchBranch(branch);
      await this.rebaseOnto(`refs/remotes/origin/${branch}`, branch);
      rebased = true;
      const upstream = (await this.runner.run(['rev-parse', `refs/remotes/origin/${branch}`], 'rev-parse')).trim();
      if ((await this.head()) === upstream) return { commit: undefined, attempts: attempt, rebased };
    }
  }

  private async tryPush(branch: string): Promise<GitCommandError | undefined> {
    try {
      await this.runner.run(['push', 'origin', `HEAD:refs/heads/${branch}`], 'push');
      return undefined;
    } catch (err) {
      return classifyGitFailure(err, 'push');
    }
  }

  private async rebaseOnto(upstream: string, branch: string): Promise<void> {
    try {
      await this.runner.run(['rebase', upstream], 'rebase');
    } catch (err) {
      const conflicted = await this.runner.run(['diff', '--name-only', '--diff-filter=U'], 'diff').catch(() => '');
      await this.runner.run(['rebase', '--abort'], 'rebase --abort').catch(() => undefined);
      const files = conflicted.split('\n').filter((name) => name.length > 0);
      const where = files.length > 0 ? ` in ${files.join(', ')}` : '';
      throw new VaneError(
        'Conflict',
        `the push to ${branch} was rejected and rebasing onto the new remote head conflicts${where}; nothing was pushed and nothing was forced`,
        { cause: err },
      );
    }
  }

  private async fetchBranch(branch: string): Promise<void> {
    const refspec = `+refs/heads/${branch}:refs/remotes/origin/${branch}`;
    try {
      await this.runner.run(['fetch', '--prune', '--no-tags', 'origin', refspec], 'fetch');
    } catch (err) {
      if (err instanceof GitCommandError && err.code === 'NotFound' && (await this.isTag(branch))) {
        throw new VaneError('InvalidSpec', `${branch} is a tag, not a branch; a revert can only be pushed to a branch`);
      }
      throw err;
    }
  }

  private async isTag(name: string): Promise<boolean> {
    const output = await this.runner.run(['ls-remote', '--tags', 'origin', `refs/tags/${name}`], 'ls-remote').catch(() => '');
    return output.trim().length > 0;
  }
}

interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  /** Bytes; 0 for a tree or a submodule. */
  size: number;
  path: string;
}

/** One `ls-tree -l -z` record: `<mode> SP <type> SP <object> SP+ <size> TAB <path>`. */
function parseTreeEntry(record: string): TreeEntry | undefined {
  const match = /^(\d{6}) (\w+) ([0-9a-f]+) +(-|\d+)\t(.*)$/s.exec(record);
  if (!match) return undefined;
  const [, mode = '', type = '', oid = '', size = '-', path = ''] = match;
  return { mode, type, oid, size: size === '-' ? 0 : Number(size), path };
}

const REGULAR_FILE_MODES: ReadonlySet<string> = new Set(['100644', '100755']);

/** A repository-relative path as Vane may use it: no absolute path, no `..` segment, nothing inside .git. */
function repoPath(path: string): string {
  if (path.includes('\0') || path.startsWith('/') || isAbsolute(path)) throw new VaneError('InvalidSpec', `not a repository-relative path: ${path}`);
  const segments = path.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) throw new VaneError('InvalidSpec', `refusing a repository path with ".." segments: ${path}`);
  if (segments[0]?.toLowerCase() === '.git') throw new VaneError('InvalidSpec', `refusing a path inside .git: ${path}`);
  return segments.join('/');
}

/** A path as a pathspec that matches itself only: no glob characters or magic in a file's name are interpreted. */
function literalPathspec(path: string): string {
  return `:(literal)${repoPath(path)}`;
}

function isInside(root: string, path: string): boolean {
  const rest = relative(root, path);
  return rest === '' || (!rest.startsWith(`..${sep}`) && rest !== '..' && !isAbsolute(rest));
}

function records(output: string): string[] {
  return output
    .split(RECORD)
    .map((record) => record.replace(/^\n+/, ''))
    .filter((record) => record.length > 0);
}

function parseTrailers(block: string): Record<string, string> {
  const trailers: Record<string, string> = {};
  for (const line of block.split('\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) trailers[line.slice(0, colon).trim()] = line.slice(colon + 1).trim();
  }
  return trailers;
}
