// Specification: git never delays a rollback's traffic reset. The abort is recorded with the canary at weight 0
// before any git I/O; the revert runs afterwards in its own queue, with its own status, Events and condition, retries
// what may pass, stops on what will not, and a person can ask for another try.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import type { Condition } from '../../src/resources/meta.js';
import type { Rollout } from '../../src/resources/rollout.js';
import { startGitHttpServer, type GitHttpServer } from '../gitops/support/git-http-server.js';
import { applyManifest, createGitRemote, type GitRemote } from '../support/git-remote.js';
import { webRolloutManifest } from '../support/web-rollout-manifest.js';
import { openHarness, type Harness } from './controller-harness.js';

const FILE = 'apps/web/rollout.yaml';
const STABLE_IMAGE = 'ghcr.io/acme/web:1.0.0';
const FAILING_IMAGE = 'ghcr.io/acme/web:2.0.0';

function manifest(namespace: string, image: string, repoURL: string): string {
  return webRolloutManifest({ namespace, image, repoURL, steps: '        - pause: {}\n' });
}

/** A pre-receive hook in the bare repository: every push waits for it, or is refused by it. */
function preReceiveHook(remote: GitRemote, script: string | undefined): void {
  const hook = join(remote.url, 'hooks', 'pre-receive');
  if (script === undefined) {
    rmSync(hook, { force: true });
    return;
  }
  mkdirSync(dirname(hook), { recursive: true });
  writeFileSync(hook, `#!/bin/sh\n${script}\n`);
  chmodSync(hook, 0o755);
}

let h: Harness | undefined;
let remote: GitRemote | undefined;
let server: GitHttpServer | undefined;

afterEach(async () => {
  await h?.close();
  await server?.close();
  remote?.remove();
  h = remote = server = undefined;
});

type RolloutObject = Rollout & KubeObject;

/** Adopts 1.0.0 from git, bumps it to 2.0.0 and waits for the canary paused at 50%; returns the bump's sha. */
async function canaryAtHalf(harness: Harness, gitops: GitRemote, repoURL = gitops.url): Promise<string> {
  const sync = (): Promise<RolloutObject> => applyManifest(harness.controller.client, Kinds.Rollout, gitops.show(FILE));
  gitops.commit(FILE, manifest(harness.namespace, STABLE_IMAGE, repoURL), 'Add web');
  await sync();
  await harness.waitFor('web', (ro) => ro.status?.phase === 'Healthy', 'adoption');
  gitops.commit(FILE, manifest(harness.namespace, FAILING_IMAGE, repoURL), 'Bump web to 2.0.0');
  await sync();
  await harness.waitFor('web', (ro) => ro.status?.phase === 'Paused' && ro.status.canary?.weights?.canary === 50, 'canary paused at 50%');
  return gitops.head().sha;
}

function gitCondition(ro: RolloutObject): Condition | undefined {
  return ro.status?.conditions?.find((c) => c.type === 'GitRolledBack');
}

describe('the git rollback queue', () => {
  it('given a remote that takes 10 s to accept a push, when the canary is aborted, then weight 0 and the abort are in status within 1 s with git Pending, and the revert lands afterwards', async () => {
    h = await openHarness('git-slow');
    remote = createGitRemote();
    const bump = await canaryAtHalf(h, remote);
    preReceiveHook(remote, 'sleep 10');

    const verdict = Date.now();
    await h.command('web', 'abort');
    const aborted = await h.waitFor('web', (ro) => ro.status?.phase === 'Degraded' && ro.status.rollback !== undefined, 'the abort recorded');
    const recordedAfterMs = Date.now() - verdict;

    expect(aborted.status?.canary?.weights?.canary).toBe(0);
    expect(aborted.status?.rollback).toMatchObject({ trafficReset: true, git: { state: 'Pending', attempt: 1 } });
    expect(gitCondition(aborted)).toMatchObject({ status: 'Unknown', reason: 'Pending' });
    expect(recordedAfterMs).toBeLessThan(1_000);
    expect(remote.head().sha).toBe(bump);

    const committed = await h.waitFor('web', (ro) => ro.status?.rollback?.git?.state === 'Committed', 'the revert committed', 60_000);
    expect(Date.now() - verdict).toBeGreaterThanOrEqual(10_000);
    expect(committed.status?.rollback?.git?.commit).toBe(remote.head().sha);
    expect(remote.show(FILE)).toContain(STABLE_IMAGE);
    expect(gitCondition(committed)).toMatchObject({ status: 'True', reason: 'Committed' });
    expect((await h.eventsWith('web', ['RolloutAborted', 'GitRollbackCommitted'])).map((e) => e.reason)).toEqual(expect.arrayContaining(['RolloutAborted', 'GitRollbackCommitted']));
  }, 120_000);

  it('given a protected branch that refuses the push, then the rollback is Failed with the reason, an Event and a False condition; rollback-retry commits it once the branch accepts', async () => {
    h = await openHarness('git-protected');
    remote = createGitRemote();
    await canaryAtHalf(h, remote);
    preReceiveHook(remote, 'echo "protected branch: main needs a review" >&2; exit 1');

    await h.command('web', 'abort');
    const failed = await h.waitFor('web', (ro) => ro.status?.rollback?.git?.state === 'Failed', 'the rollback failed', 30_000);

    expect(failed.status?.canary?.weights?.canary).toBe(0);
    expect(failed.status?.rollback?.git).toMatchObject({ reason: 'Forbidden', tries: 1 });
    expect(failed.status?.rollback?.git?.message).toMatch(/protected branch: main needs a review/);
    expect(gitCondition(failed)).toMatchObject({ status: 'False', reason: 'Forbidden' });
    expect((await h.eventsWith('web', ['GitRollbackFailed'])).find((e) => e.reason === 'GitRollbackFailed')?.note).toMatch(/refused/);

    preReceiveHook(remote, undefined);
    const id = await h.command('web', 'rollback-retry');
    const retried = await h.waitFor('web', (ro) => ro.status?.rollback?.git?.state === 'Committed', 'the retried rollback committed', 30_000);
    expect(retried.status?.lastCommand).toMatchObject({ id, action: 'rollback-retry', result: 'Accepted' });
    expect(remote.show(FILE)).toContain(STABLE_IMAGE);
    expect(gitCondition(retried)).toMatchObject({ status: 'True', reason: 'Committed' });
  }, 120_000);

  it('given a git server that answers 503 for a while, then the rollback is Retrying with backoff and commits when the server is back', async () => {
    h = await openHarness('git-flaky', { gitRetry: { maxTries: 10, firstDelayMs: 300, maxDelayMs: 1_000 } });
    remote = createGitRemote();
    let outage = false;
    server = await startGitHttpServer({
      projectRoot: dirname(remote.url),
      auth: { username: 'vane', password: 'secret' },
      beforeRequest: async () => {
        if (outage) throw new Error('service unavailable');
      },
    });
    // An anonymous pull is refused, so the URL carries the user (the password comes from the Secret in real life).
    const url = server.url(basename(remote.url)).replace('http://', 'http://vane:secret@');
    await canaryAtHalf(h, remote, url);
    outage = true;

    await h.command('web', 'abort');
    const retrying = await h.waitFor('web', (ro) => ro.status?.rollback?.git?.state === 'Retrying', 'the rollback retrying', 30_000);
    expect(retrying.status?.rollback?.git).toMatchObject({ reason: 'Unavailable', tries: 1 });
    expect(retrying.status?.rollback?.git?.nextTryAt).toBeDefined();
    expect(gitCondition(retrying)?.status).toBe('Unknown');

    outage = false;
    const committed = await h.waitFor('web', (ro) => ro.status?.rollback?.git?.state === 'Committed', 'the rollback committed after the outage', 30_000);
    expect(committed.status?.rollback?.git?.tries).toBeGreaterThanOrEqual(2);
    expect(remote.show(FILE)).toContain(STABLE_IMAGE);
    expect((await h.eventsWith('web', ['GitRollbackRetrying', 'GitRollbackCommitted'])).map((e) => e.reason)).toEqual(expect.arrayContaining(['GitRollbackRetrying', 'GitRollbackCommitted']));
  }, 120_000);
});
