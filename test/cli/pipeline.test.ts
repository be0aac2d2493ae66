// A deployment pipeline's use of the CLI, with the real controller: wait at the pause, promote fully, wait for
// Healthy — exit codes are what a pipeline step branches on; or abort, saying why.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningController } from '../../src/cli/start-controller.js';
import { rolloutPausedByController, startControllerFor } from '../server/support/controller-under-test.js';
import { ALICE, createNamespace, startApiHarness, type ApiHarness } from '../server/support/api-harness.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import type { EventObject } from '../../src/server/rollout-read-model.js';
import { cliEnv, runCli } from './support/run-cli.js';

let h: ApiHarness;
let controller: RunningController;

beforeAll(async () => {
  h = await startApiHarness({ simulatePods: true });
  controller = await startControllerFor(h);
  await createNamespace(h.kube, 'shop');
  await rolloutPausedByController(h, 'shop', 'web');
});

afterAll(async () => {
  await controller?.stop();
  await h?.stop();
});

describe('a pipeline promoting a paused canary', () => {
  it('sees it paused (exit 2), promotes it fully and waits for the acknowledgement, then waits for Healthy (exit 0)', async () => {
    const kube = cliEnv({ KUBECONFIG: h.sandbox.kubeconfigPath });
    const before = await runCli(['status', 'web', '-n', 'shop'], kube);
    expect(before.code).toBe(2);

    const promote = await runCli(['promote', 'web', '--full', '--wait', '-n', 'shop', '--server', h.api.url, '--token', ALICE.token]);
    expect(promote.code).toBe(0);
    expect(promote.stdout).toContain('promote-full accepted');

    const healthy = await runCli(['status', 'web', '-n', 'shop', '--watch', '--timeout', '60s'], kube);
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/rollout shop\/web: Healthy/);

    const shown = await runCli(['get', 'rollout', 'web', '-n', 'shop'], kube);
    expect(shown.stdout).toMatch(/web-\w+\s+stable\s+ready 4\/4\s+shop:2/);
  });

  it('aborts with --reason: the controller puts the reason in the status message and the RolloutAborted Event', async () => {
    await rolloutPausedByController(h, 'shop', 'api');
    const kube = cliEnv({ KUBECONFIG: h.sandbox.kubeconfigPath });
    const abort = await runCli(['abort', 'api', '-n', 'shop', '--wait', '--reason', 'p99 latency doubled'], kube);
    expect(abort.code).toBe(0);
    expect(abort.stdout).toContain('abort accepted');
    const degraded = await runCli(['status', 'api', '-n', 'shop'], kube);
    expect(degraded.code).toBe(1);
    expect(degraded.stdout).toContain('aborted by sandbox-admin: p99 latency doubled');
    await expect
      .poll(async () => (await h.kube.list<EventObject>(Kinds.Event, 'shop')).items.filter((e) => e.reason === 'RolloutAborted' && e.regarding?.name === 'api').map((e) => e.note))
      .toEqual([expect.stringContaining('aborted by sandbox-admin: p99 latency doubled')]);
  });
});
