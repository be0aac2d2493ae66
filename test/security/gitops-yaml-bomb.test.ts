// Issue #20, finding 3: YAML alias bombs in a GitOps repository. A billion-laughs file of under a kilobyte froze the
// controller (the revert planner walked every alias as a copy); a repository file must be refused, quickly and with a
// reason, when its aliases would expand it or when it is larger than Vane reads (1 MiB).
import { describe, expect, it } from 'vitest';
import { noCredentials } from '../../src/gitops/git-credentials.js';
import { planRevert, type RevertPlan } from '../../src/gitops/revert-planner.js';
import { SimpleGitExecutor } from '../../src/gitops/simple-git-executor.js';
import { type GitSandbox, RemoteInspector } from '../gitops/support/git-sandbox.js';
import { checkoutRequest, reverterFor } from '../gitops/support/reverter-harness.js';
import { CHECKOUT, gitSandboxPerTest, helmRelease, plainRelease } from '../gitops/support/rollout-repos.js';

let sandbox: GitSandbox;
gitSandboxPerTest((created) => (sandbox = created));

/** The classic billion laughs, 9 levels of 9 aliases (9^9 ≈ 387 million nodes once expanded), as mappings. */
function billionLaughs(): string {
  const lines = ['l0: &l0 {lol: lol}'];
  for (let level = 1; level <= 9; level += 1) {
    const aliases = [...'abcdefghi'].map((key) => `${key}: *l${level - 1}`).join(', ');
    lines.push(`l${level}: &l${level} {${aliases}}`);
  }
  return `${lines.join('\n')}\n`;
}

async function planWith(bare: string, path: string): Promise<{ result: RevertPlan | Error; ms: number }> {
  const executor = new SimpleGitExecutor({ workDir: sandbox.path('cache'), allowLocalUrls: true });
  return executor.withWorkspace({ url: bare, credentials: noCredentials }, async (workspace) => {
    const query = { path, valueFiles: [], rollout: CHECKOUT.rollout, stable: CHECKOUT.stable, failing: CHECKOUT.failing };
    const started = performance.now();
    const result = await planRevert(workspace, query).catch((err: unknown) => err as Error);
    return { result, ms: performance.now() - started };
  });
}

describe('YAML alias bombs in the repository', () => {
  it('given a billion-laughs document beside the Rollout in its manifest file, when planning the revert, then it is refused within a second, naming the file', async () => {
    const { bare, dev } = await plainRelease(sandbox);
    const clone = await dev();
    const manifest = await clone.read('apps/checkout/rollout.yaml');
    expect(billionLaughs().length).toBeLessThan(1024);
    await clone.write({ 'apps/checkout/rollout.yaml': `${manifest}---\n${billionLaughs()}` });
    await clone.commitAndPush('Add a harmless-looking document');

    const { result, ms } = await planWith(bare, 'apps/checkout');

    expect(ms).toBeLessThan(1000);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/apps\/checkout\/rollout\.yaml.*alias/);
  }, 120_000);

  it('given a billion-laughs Helm values file, when planning the revert, then it is refused within a second instead of walking the aliases', async () => {
    const { bare, dev } = await helmRelease(sandbox);
    const clone = await dev();
    const values = await clone.read('charts/checkout/values.yaml');
    await clone.write({ 'charts/checkout/values.yaml': `${values}${billionLaughs()}` });
    await clone.commitAndPush('More defaults');

    const { result, ms } = await planWith(bare, 'charts/checkout');

    expect(ms).toBeLessThan(1000);
    expect(result).toBeInstanceOf(Error);
    expect((result as Error).message).toMatch(/charts\/checkout\/values\.yaml.*alias/);
  }, 120_000);

  it('given a manifest file larger than 1 MiB, when reverting, then it is refused as too large and nothing is pushed', async () => {
    const { bare, dev } = await plainRelease(sandbox);
    const clone = await dev();
    const manifest = await clone.read('apps/checkout/rollout.yaml');
    const padding = `# ${'x'.repeat(1000)}\n`.repeat(1100);
    await clone.write({ 'apps/checkout/rollout.yaml': `${padding}${manifest}` });
    await clone.commitAndPush('Document the manifest at length');
    const remote = new RemoteInspector(bare);
    const before = await remote.head();

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, path: 'apps/checkout' }));

    expect(outcome.git).toMatchObject({ state: 'Failed', message: expect.stringMatching(/apps\/checkout\/rollout\.yaml.*larger than 1 MiB/) });
    expect(await remote.head()).toBe(before);
  }, 60_000);
});
