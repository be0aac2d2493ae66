// Specification of the simple-git executor's cache: always synced to the remote, self-healing, one caller at a time.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noCredentials } from '../../src/gitops/git-credentials.js';
import type { GitWorkspace } from '../../src/gitops/git-executor.js';
import { repoCacheKey } from '../../src/gitops/repo-url.js';
import { SimpleGitExecutor } from '../../src/gitops/simple-git-executor.js';
import { git, GitSandbox, RemoteInspector } from './support/git-sandbox.js';

let sandbox: GitSandbox;
let executor: SimpleGitExecutor;

beforeEach(async () => {
  sandbox = await GitSandbox.create();
  executor = new SimpleGitExecutor({ workDir: sandbox.path('cache'), allowLocalUrls: true });
});

afterEach(async () => {
  await sandbox.dispose();
});

function open<T>(url: string, work: (workspace: GitWorkspace) => Promise<T>, branch?: string): Promise<T> {
  return executor.withWorkspace({ url, credentials: noCredentials, ...(branch !== undefined ? { branch } : {}) }, work);
}

describe('SimpleGitExecutor.withWorkspace', () => {
  it('given a cached clone a crash left mid-rebase with a local commit, when opened again, then it is exactly the remote branch', async () => {
    const bare = await sandbox.remote('repo', { 'a.txt': 'one\n' });
    await open(bare, async (workspace) => {
      await workspace.writeFile('a.txt', 'local change\n');
      await workspace.commitAll('Local commit that was never pushed');
    });
    const cache = join(sandbox.path('cache'), repoCacheKey(bare));
    await mkdir(join(cache, '.git', 'rebase-merge'), { recursive: true });
    await writeFile(join(cache, 'untracked.txt'), 'junk');

    const state = await open(bare, async (workspace) => ({
      head: await workspace.head(),
      content: await workspace.fileAt('HEAD', 'a.txt'),
      files: await workspace.listFiles(''),
    }));

    expect(state).toEqual({ head: await new RemoteInspector(bare).head(), content: 'one\n', files: ['a.txt'] });
  });

  it('given a corrupted cached clone, when opened, then it is cloned again', async () => {
    const bare = await sandbox.remote('repo', { 'a.txt': 'one\n' });
    await open(bare, (workspace) => workspace.head());
    await writeFile(join(sandbox.path('cache'), repoCacheKey(bare), '.git', 'HEAD'), 'garbage');

    expect(await open(bare, (workspace) => workspace.head())).toBe(await new RemoteInspector(bare).head());
  });

  it('given two callers on one repository at once, when both commit and push, then they run one after the other without a rebase', async () => {
    const bare = await sandbox.remote('repo', { 'a.txt': 'a\n', 'b.txt': 'b\n' });
    const change = (file: string) =>
      open(bare, async (workspace) => {
        await workspace.writeFile(file, `${file} changed\n`);
        await workspace.commitAll(`Change ${file}`);
        return workspace.push(workspace.branch);
      });

    const [first, second] = await Promise.all([change('a.txt'), change('b.txt')]);

    expect([first.rebased, second.rebased]).toEqual([false, false]);
    const remote = new RemoteInspector(bare);
    expect(await remote.count()).toBe(3);
    expect(await remote.file('a.txt')).toBe('a.txt changed\n');
    expect(await remote.file('b.txt')).toBe('b.txt changed\n');
  });

  it('given a remote whose default branch is trunk, when no branch is asked for, then trunk is tracked', async () => {
    const bare = await sandbox.remote('repo', { 'a.txt': 'a\n' });
    await git(bare, 'branch', '-m', 'main', 'trunk');
    expect(await open(bare, async (workspace) => workspace.branch)).toBe('trunk');
  });

  it('given a tag where a branch is expected, when opened, then it fails saying a revert needs a branch', async () => {
    const bare = await sandbox.remote('repo', { 'a.txt': 'a\n' });
    await git(bare, 'tag', 'v1.2.3', 'main');
    await expect(open(bare, (workspace) => workspace.head(), 'v1.2.3')).rejects.toThrow('v1.2.3 is a tag, not a branch');
  });

  it('given a path that leaves the work tree, when writing, then it is refused', async () => {
    const bare = await sandbox.remote('repo', { 'a.txt': 'a\n' });
    await expect(open(bare, (workspace) => workspace.writeFile('../outside.txt', 'x'))).rejects.toThrow('refusing a repository path with ".." segments');
    await expect(open(bare, (workspace) => workspace.writeFile('.git/config', 'x'))).rejects.toThrow('refusing a path inside .git');
  });

  it('given a revert without commit, when some paths are restored, then they are as HEAD has them (a file HEAD lacks is gone) and the index keeps the rest of the revert', async () => {
    const bare = await sandbox.remote('repo', { 'ours.txt': 'stable\n', 'theirs.txt': 'old\n', 'dropped.txt': 'kept until the release\n' });
    const dev = await sandbox.clone(bare, 'dev');
    await dev.write({ 'ours.txt': 'failing\n', 'theirs.txt': 'new\n', 'added[1].txt': 'added by the release\n' });
    await git(dev.dir, 'rm', '--quiet', 'dropped.txt');
    const release = await dev.commitAndPush('Release');

    const state = await open(bare, async (workspace) => {
      await workspace.revertWithoutCommit(release);
      await workspace.restorePaths(['theirs.txt', 'added[1].txt', 'dropped.txt']);
      return {
        ours: await workspace.indexedFile('ours.txt'),
        theirs: await workspace.indexedFile('theirs.txt'),
        added: await workspace.indexedFile('added[1].txt'),
        dropped: await workspace.indexedFile('dropped.txt'),
      };
    });

    expect(state).toEqual({ ours: 'stable\n', theirs: 'new\n', added: 'added by the release\n', dropped: undefined });
  });
});
