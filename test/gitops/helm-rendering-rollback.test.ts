// Issue #22, item 3: a Helm rollback is decided by what Helm renders (plain `tag: 1.10` deploys :1.1), and the
// restored tag is written so that Helm renders exactly the stable one; real git, bare remotes.
import { describe, expect, it } from 'vitest';
import { HelmImageSite } from '../../src/gitops/helm-image-site.js';
import { type GitSandbox, RemoteInspector } from './support/git-sandbox.js';
import { repoFixture } from './support/repo-fixtures.js';
import { checkoutRequest, reverterFor } from './support/reverter-harness.js';
import { gitSandboxPerTest } from './support/rollout-repos.js';

let sandbox: GitSandbox;
gitSandboxPerTest((created) => (sandbox = created));

const VALUES = 'charts/checkout/values-prod.yaml';
const APP = 'ghcr.io/acme/checkout';
const SOURCE = { path: 'charts/checkout', valueFiles: [VALUES] };

/** The helm fixture with values-prod.yaml pinning `tag: <written>`, and a dev clone to push releases from. */
async function helmRepo(written: string): Promise<{ bare: string; initial: string; dev: Awaited<ReturnType<GitSandbox['clone']>> }> {
  const files = await repoFixture('helm');
  const initial = (files[VALUES] ?? '').replace('tag: "1.4.0"', `tag: ${written}`);
  const bare = await sandbox.remote('helm', { ...files, [VALUES]: initial, 'charts/payments/values.yaml': 'image:\n  tag: "3.0.0"\n' });
  return { bare, initial, dev: await sandbox.clone(bare, 'helm-dev') };
}

function images(stableTag: string, failingTag: string): Pick<ReturnType<typeof checkoutRequest>, 'stable' | 'failing'> {
  return {
    stable: { podTemplateHash: 'aaa', images: { app: `${APP}:${stableTag}` } },
    failing: { podTemplateHash: 'bbb', images: { app: `${APP}:${failingTag}` } },
  };
}

function helmRendered(content: string): string | undefined {
  return new HelmImageSite(VALUES, ['image'], APP).imageIn(content);
}

describe('Helm rollback by rendered value', () => {
  it('given a release that bumped a quoted "1.10" to "1.11", when reverting, then git revert restores the quoted "1.10" Helm renders as 1.10', async () => {
    const { bare, initial, dev } = await helmRepo('"1.10"');
    await dev.replace(VALUES, 'tag: "1.10"', 'tag: "1.11"');
    const release = await dev.commitAndPush('chore(prod): release checkout 1.11');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, ...SOURCE }, images('1.10', '1.11')));

    expect(outcome.git).toMatchObject({ state: 'Committed', revertedCommit: release });
    const restored = await new RemoteInspector(bare).file(VALUES);
    expect(restored).toBe(initial);
    expect(helmRendered(restored)).toBe(`${APP}:1.10`);
  });

  it('given a release train that set plain tag: 2.0 (Helm deploys :2) over "1.10", when rolling back, then the edit writes "1.10" quoted', async () => {
    const { bare, initial, dev } = await helmRepo('"1.10"');
    await dev.replace(VALUES, 'tag: "1.10"', 'tag: 2.0');
    await dev.replace('charts/payments/values.yaml', 'tag: "3.0.0"', 'tag: "3.1.0"');
    await dev.commitAndPush('Release train 2024-06-01');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, ...SOURCE }, images('1.10', '2')));

    expect(outcome.git.state).toBe('Committed');
    const restored = await new RemoteInspector(bare).file(VALUES);
    expect(restored).toBe(initial);
    expect(restored).toContain('tag: "1.10"');
    expect(helmRendered(restored)).toBe(`${APP}:1.10`);
  });

  it('given plain tag: 1.10 that made Helm deploy :1.1, when the :1.1 release fails, then it is rolled back, not reported already reverted', async () => {
    const { bare, dev } = await helmRepo('"1.9"');
    await dev.replace(VALUES, 'tag: "1.9"', 'tag: 1.10');
    await dev.commitAndPush('chore(prod): release checkout 1.10');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, ...SOURCE }, images('1.9', '1.1')));

    expect(outcome.git.state).toBe('Committed');
    const restored = await new RemoteInspector(bare).file(VALUES);
    expect(helmRendered(restored)).toBe(`${APP}:1.9`);
    expect(restored).toContain('tag: "1.9"');
  });

  it('given a person restored plain tag: 1.10 after a :1.1 rollout, when reverting the :1.1 release, then it is not already reverted: Helm still renders 1.1', async () => {
    const { bare, dev } = await helmRepo('"1.10"');
    await dev.replace(VALUES, 'tag: "1.10"', 'tag: 1.10');
    await dev.commitAndPush('Drop quotes');

    const outcome = await reverterFor(sandbox).revert(checkoutRequest({ repoURL: bare, ...SOURCE }, images('1.10', '1.1')));

    expect(outcome.git.state).toBe('Committed');
    expect(await new RemoteInspector(bare).file(VALUES)).toContain('tag: "1.10"');
  });
});
