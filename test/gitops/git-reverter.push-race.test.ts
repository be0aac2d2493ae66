// Specification of pushing against a moving branch over smart HTTP: rebase and retry, never force, fail clearly.
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GitSandbox, RemoteInspector, type WorkingClone } from './support/git-sandbox.js';
import { recordGitArgv } from './support/argv-recorder.js';
import { startGitHttpServer, type GitHttpServer } from './support/git-http-server.js';
import { checkoutRequest, reverterFor } from './support/reverter-harness.js';
import { disposeTemplates, plainRelease, type ReleasedRepo } from './support/rollout-repos.js';

let sandbox: GitSandbox;
let server: GitHttpServer | undefined;

beforeEach(async () => {
  sandbox = await GitSandbox.create();
});

afterEach(async () => {
  await server?.close();
  server = undefined;
  await sandbox.dispose();
});

afterAll(async () => {
  await disposeTemplates();
});

/** Serves the released repository over HTTP; `onPushStart` runs when a client starts a push, before refs are advertised. */
async function serve(repo: ReleasedRepo, onPushStart: (count: number) => Promise<void>): Promise<string> {
  let pushes = 0;
  server = await startGitHttpServer({
    projectRoot: sandbox.path('remotes'),
    beforeRequest: async ({ path, query }) => {
      if (path.endsWith('/info/refs') && query === 'service=git-receive-pack') await onPushStart(++pushes);
    },
  });
  return server.url('plain.git');
}

async function pushConcurrently(dev: WorkingClone, file: string, from: string, to: string, message: string): Promise<string> {
  await dev.pull();
  await dev.replace(file, from, to);
  return dev.commitAndPush(message);
}

describe('GitReverter.revert: racing pushes', () => {
  it('given someone pushes an unrelated commit between our fetch and our push, when reverting, then it rebases and the push succeeds', async () => {
    const repo = await plainRelease(sandbox);
    const dev = await repo.dev();
    let concurrent = '';
    const url = await serve(repo, async (count) => {
      if (count === 1) concurrent = await pushConcurrently(dev, 'apps/payments/rollout.yaml', 'replicas: 2', 'replicas: 3', 'Scale payments');
    });

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: url }));

    const remote = new RemoteInspector(repo.bare);
    expect(outcome).toMatchObject({ pushed: true, git: { state: 'Committed', commit: await remote.head(), revertedCommit: repo.release } });
    expect(outcome.git.message).toContain('after rebasing');
    expect(await remote.parents()).toEqual([concurrent]);
    expect(await remote.file('apps/payments/rollout.yaml')).toContain('replicas: 3');
    expect(await remote.file('apps/checkout/rollout.yaml')).toBe(repo.initial['apps/checkout/rollout.yaml']);
  });

  it('given someone changes the same line meanwhile, when the rebase conflicts, then it fails clearly, the remote keeps their commit, and nothing is forced', async () => {
    const repo = await plainRelease(sandbox);
    const dev = await repo.dev();
    const argv = await recordGitArgv(sandbox.root);
    let human = '';
    const url = await serve(repo, async (count) => {
      if (count === 1) human = await pushConcurrently(dev, 'apps/checkout/rollout.yaml', 'checkout:1.5.0', 'checkout:1.5.1', 'Hotfix checkout to 1.5.1');
    });
    const remote = new RemoteInspector(repo.bare);

    const outcome = await reverterFor(sandbox, { gitBinary: argv.program }).revert(checkoutRequest({ repoURL: url }));

    expect(outcome.pushed).toBe(false);
    expect(outcome.git.state).toBe('Failed');
    expect(outcome.git.message).toMatch(/rebasing onto the new remote head conflicts in apps\/checkout\/rollout\.yaml; nothing was pushed and nothing was forced/);
    expect(await remote.head()).toBe(human);
    expect(await remote.parents()).toEqual([repo.release]);
    // simple-git puts its -c settings first; the git subcommand follows them.
    const commands = (await argv.read()).split('\n').map((line) => line.replace(/^(-c \S+ )+/, ''));
    // One push, plain: no --force, no --force-with-lease, no +refspec; the rejected attempt was not repeated by force.
    expect(commands.filter((command) => command.startsWith('push '))).toEqual(['push origin HEAD:refs/heads/main']);

    // The next attempt starts from the new head: the failing image is gone, so there is nothing left to revert.
    const next = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: url }));
    expect(next.git).toMatchObject({ state: 'AlreadyReverted', commit: human });
  });

  it('given a person pushes the identical rollback meanwhile, when our push finds it there, then AlreadyReverted names their commit', async () => {
    const repo = await plainRelease(sandbox);
    const dev = await repo.dev();
    let human = '';
    const url = await serve(repo, async (count) => {
      if (count === 1) human = await pushConcurrently(dev, 'apps/checkout/rollout.yaml', 'checkout:1.5.0', 'checkout:1.4.0', 'Roll checkout back to 1.4.0 by hand');
    });

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: url }));

    expect(outcome).toMatchObject({ pushed: false, git: { state: 'AlreadyReverted', commit: human } });
    expect(outcome.git.message).toContain('an identical change reached main while Vane was pushing');
    expect(outcome.git.message).toContain('"Roll checkout back to 1.4.0 by hand"');
    expect(await new RemoteInspector(repo.bare).head()).toBe(human);
  });

  it('given the branch moves before every push, when reverting, then it gives up after the bounded attempts without forcing', async () => {
    const repo = await plainRelease(sandbox);
    const dev = await repo.dev();
    const url = await serve(repo, async (count) => {
      await pushConcurrently(dev, 'apps/payments/rollout.yaml', `replicas: ${count + 1}`, `replicas: ${count + 2}`, `Scale payments to ${count + 2}`);
    });
    const remote = new RemoteInspector(repo.bare);

    const outcome = await reverterFor(sandbox, { pushAttempts: 3 }).revert(checkoutRequest({ repoURL: url }));

    expect(outcome.git).toMatchObject({ state: 'Failed', message: 'main kept moving: 3 pushes were rejected as non-fast-forward; nothing was forced' });
    expect(await remote.file('apps/checkout/rollout.yaml')).toContain('checkout:1.5.0');
    expect((await remote.message()).trim()).toBe('Scale payments to 5');
  });
});

describe('GitReverter.revert: unreachable remotes', () => {
  it('given nothing listens at the remote URL, when reverting, then the record says Failed because the remote is unreachable', async () => {
    const probe = await startGitHttpServer({ projectRoot: sandbox.root });
    const url = probe.url('gone.git');
    await probe.close();

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: url }));

    expect(outcome).toMatchObject({ pushed: false, git: { state: 'Failed', repoURL: url } });
    expect(outcome.git.message).toMatch(/git clone failed \(the remote is unreachable\)/);
  });

  it('given the repository does not exist, when reverting, then the record says Failed with not found', async () => {
    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: sandbox.path('remotes', 'missing.git') }));
    expect(outcome.git).toMatchObject({ state: 'Failed', message: expect.stringMatching(/git clone failed \(not found on the remote\)/) });
  });

  it('given a remote-helper URL, when reverting, then it is refused before git runs', async () => {
    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: 'ext::sh -c touch% /tmp/pwned' }));
    expect(outcome.git).toMatchObject({ state: 'Failed', message: expect.stringContaining('remote-helper URLs are not allowed') });
  });
});
