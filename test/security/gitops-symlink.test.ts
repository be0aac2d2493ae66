// Issue #20, finding 2: writes outside the work tree through symbolic links. git stores a link as a blob holding its
// target, so a link whose target text is YAML reads as a manifest, and writing the edited manifest followed the link out
// of the checkout; the commit then found nothing to commit and status still said Committed. Vane must refuse any path
// that is a link, leaves the checkout or has `..` segments, and "nothing to commit" must be a failure.
import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { noCredentials } from '../../src/gitops/git-credentials.js';
import type { GitWorkspace } from '../../src/gitops/git-executor.js';
import { SimpleGitExecutor } from '../../src/gitops/simple-git-executor.js';
import { GitSandbox, RemoteInspector } from '../gitops/support/git-sandbox.js';
import { checkoutRequest, reverterFor } from '../gitops/support/reverter-harness.js';

let sandbox: GitSandbox;
/** A directory outside every checkout, standing for the controller's filesystem. */
let outside: string;

beforeEach(async () => {
  sandbox = await GitSandbox.create();
  outside = await mkdtemp(join(tmpdir(), 'vane-outside-'));
});

afterEach(async () => {
  await sandbox.dispose();
  await rm(outside, { recursive: true, force: true });
});

const STABLE = { app: 'checkout:1.4.0' };
const FAILING = { app: 'checkout:1.5.0' };

/**
 * A link whose target is both a path and a manifest: `#/../../…/<outside>/x` climbs from a real directory `#` to the
 * root and down into `outside`; after a newline the same text is a flow-style Rollout that runs the failing image.
 */
function linkTarget(): string {
  const climb = '../'.repeat(40);
  const rollout = '{kind: Rollout, metadata: {name: checkout}, spec: {template: {spec: {containers: [{name: app, image: "checkout:1.5.0"}]}}}}';
  return `#/${climb}${outside.slice(1)}/x\n${rollout}`;
}

async function repoWithLinkedManifest(): Promise<string> {
  const bare = await sandbox.remote('linked', { 'apps/checkout/#/keep': '' });
  const dev = await sandbox.clone(bare, 'linked-dev');
  await symlink(linkTarget(), join(dev.dir, 'apps/checkout/rollout.yaml'));
  await dev.commitAndPush('Add checkout');
  return bare;
}

async function openWorkspace<T>(bare: string, work: (workspace: GitWorkspace) => Promise<T>): Promise<T> {
  const executor = new SimpleGitExecutor({ workDir: sandbox.path('cache'), allowLocalUrls: true });
  return executor.withWorkspace({ url: bare, credentials: noCredentials }, work);
}

describe('symbolic links in the repository', () => {
  it('given a Rollout manifest that is a link whose target text is YAML, when reverting, then nothing is written outside the checkout, nothing is pushed, and status says Failed with why', async () => {
    const bare = await repoWithLinkedManifest();
    const remote = new RemoteInspector(bare);
    const before = await remote.head();

    const outcome = await reverterFor(sandbox).revert(
      checkoutRequest({ repoURL: bare, path: 'apps/checkout' }, { stable: { podTemplateHash: 'aaa', images: STABLE }, failing: { podTemplateHash: 'bbb', images: FAILING } }),
    );

    expect(await readdir(outside)).toEqual([]);
    expect(outcome.pushed).toBe(false);
    // Listings hold regular files only, so the link is not taken for the Rollout's manifest at all.
    expect(outcome.git).toMatchObject({ state: 'Failed', message: expect.stringMatching(/symbolic link|no Rollout manifest named checkout/) });
    expect(await remote.head()).toBe(before);
  });

  it('given a file that is a link to a file outside the checkout, when the workspace writes it, then it is refused and the outside file is untouched', async () => {
    const target = join(outside, 'values.yaml');
    await writeFile(target, 'secret: keep-me\n');
    const bare = await sandbox.remote('values-link', { 'README.md': 'values\n' });
    const dev = await sandbox.clone(bare, 'values-link-dev');
    await symlink(target, join(dev.dir, 'values.yaml'));
    await dev.commitAndPush('Share values');

    const written = await openWorkspace(bare, (workspace) => workspace.writeFile('values.yaml', 'image: {tag: "1.4.0"}\n').then(() => 'written', (err: Error) => err.message));

    expect(written).toMatch(/symbolic link/);
    expect(await readFile(target, 'utf8')).toBe('secret: keep-me\n');
  });

  it('given a directory that is a link to a directory outside the checkout, when the workspace writes a file under it, then it is refused', async () => {
    await mkdir(join(outside, 'charts'));
    const bare = await sandbox.remote('dir-link', { 'README.md': 'charts\n' });
    const dev = await sandbox.clone(bare, 'dir-link-dev');
    await symlink(join(outside, 'charts'), join(dev.dir, 'charts'));
    await dev.commitAndPush('Link the charts');

    const written = await openWorkspace(bare, (workspace) => workspace.writeFile('charts/values.yaml', 'tag: x\n').then(() => 'written', (err: Error) => err.message));

    expect(written).toMatch(/outside the work tree|symbolic link/);
    expect(await readdir(join(outside, 'charts'))).toEqual([]);
  });

  it('given a link in the tree, when the workspace reads it or lists files, then the read is refused and the listing leaves it out', async () => {
    const bare = await sandbox.remote('read-link', { 'apps/real.yaml': 'kind: ConfigMap\n' });
    const dev = await sandbox.clone(bare, 'read-link-dev');
    await symlink('/etc/passwd', join(dev.dir, 'apps/passwd.yaml'));
    await dev.commitAndPush('Link');

    const { listed, read } = await openWorkspace(bare, async (workspace) => ({
      listed: await workspace.listFiles('apps'),
      read: await workspace.fileAt('HEAD', 'apps/passwd.yaml').then(() => 'read', (err: Error) => err.message),
    }));

    expect(listed).toEqual(['apps/real.yaml']);
    expect(read).toMatch(/symbolic link/);
  });

  it('given paths with ".." segments, when the workspace reads or writes them, then they are refused even when they stay inside', async () => {
    const bare = await sandbox.remote('dotdot', { 'apps/a.yaml': 'a: 1\n' });

    const answers = await openWorkspace(bare, async (workspace) => [
      await workspace.fileAt('HEAD', 'apps/../apps/a.yaml').then(() => 'read', (err: Error) => err.message),
      await workspace.writeFile('apps/../apps/a.yaml', 'a: 2\n').then(() => 'written', (err: Error) => err.message),
    ]);

    expect(answers).toEqual([expect.stringContaining('".."'), expect.stringContaining('".."')]);
  });

  it('given nothing changed in the work tree, when committing, then it fails saying there was nothing to commit instead of returning the old head', async () => {
    const bare = await sandbox.remote('clean', { 'a.txt': 'a\n' });

    const answer = await openWorkspace(bare, (workspace) => workspace.commitAll('Nothing\n').then((sha) => `committed ${sha}`, (err: Error) => err.message));

    expect(answer).toMatch(/nothing to commit/);
  });
});
