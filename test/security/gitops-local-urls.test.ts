// Issue #20, finding 4: local repository URLs. A Rollout could name `file://` or a bare path as its repository and so
// read (and write) repositories on the controller's disk, other teams' cached clones included. They are refused unless
// the operator runs the controller with --allow-local-git-urls (VANE_ALLOW_LOCAL_GIT_URLS=true).
import { describe, expect, it } from 'vitest';
import { controllerConfig } from '../../src/cli/controller-config.js';
import { GitReverter } from '../../src/gitops/git-reverter.js';
import { SimpleGitExecutor } from '../../src/gitops/simple-git-executor.js';
import { type GitSandbox, RemoteInspector } from '../gitops/support/git-sandbox.js';
import { MemoryObjectReader } from '../gitops/support/memory-object-reader.js';
import { checkoutRequest } from '../gitops/support/reverter-harness.js';
import { gitSandboxPerTest, plainRelease } from '../gitops/support/rollout-repos.js';

let sandbox: GitSandbox;
gitSandboxPerTest((created) => (sandbox = created));

/** The reverter as production wires it: no operator opt-in for local URLs. */
function productionReverter(): GitReverter {
  return new GitReverter({ reader: new MemoryObjectReader([]), executor: new SimpleGitExecutor({ workDir: sandbox.path('cache') }) });
}

describe('local repository URLs', () => {
  it.each([
    ['a bare path', (bare: string) => bare],
    ['a file:// URL', (bare: string) => `file://${bare}`],
    ['a relative path', (bare: string) => `./${bare.slice(1)}`.replace(/^\.\//, '../'.repeat(20))],
  ])('given %s as spec.rollback.git.repoURL, when reverting without the operator flag, then it is refused and the repository is untouched', async (_what, urlOf) => {
    const { bare } = await plainRelease(sandbox);
    const before = await new RemoteInspector(bare).head();

    const outcome = await productionReverter().revert(checkoutRequest({ repoURL: urlOf(bare) }));

    expect(outcome.git).toMatchObject({ state: 'Failed', message: expect.stringMatching(/local repository URL.*--allow-local-git-urls/) });
    expect(await new RemoteInspector(bare).head()).toBe(before);
  });

  it('given another team cached in the same work directory, when a Rollout names that cached clone, then it is refused', async () => {
    const { bare } = await plainRelease(sandbox);
    const trusted = new GitReverter({ reader: new MemoryObjectReader([]), executor: new SimpleGitExecutor({ workDir: sandbox.path('cache'), allowLocalUrls: true }) });
    await trusted.revert(checkoutRequest({ repoURL: bare }));
    const cached = (await import('node:fs/promises')).readdir(sandbox.path('cache'));

    const outcome = await productionReverter().revert(checkoutRequest({ repoURL: sandbox.path('cache', (await cached)[0] ?? '') }, { failing: { podTemplateHash: 'other', images: { app: 'ghcr.io/acme/checkout:1.4.0' } }, stable: { podTemplateHash: 'x', images: { app: 'ghcr.io/acme/checkout:1.3.0' } } }));

    expect(outcome.git).toMatchObject({ state: 'Failed', message: expect.stringContaining('local repository URL') });
  });

  it('given the flag or the environment variable, when the configuration is read, then local URLs are allowed; by default they are not', () => {
    expect(controllerConfig({}, {}).allowLocalGitUrls).toBe(false);
    expect(controllerConfig({ allowLocalGitUrls: true }, {}).allowLocalGitUrls).toBe(true);
    expect(controllerConfig({}, { VANE_ALLOW_LOCAL_GIT_URLS: 'true' }).allowLocalGitUrls).toBe(true);
  });
});
