// `vane serve` as a child process: the standalone API with a static token file, in front of the sandbox.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/server/static-token-authenticator.js';
import { canaryRollout, pausedAtStep1 } from '../server/fixtures/rollouts.js';
import { call, create, createNamespace, startApiHarness, writeStatus, type ApiHarness } from '../server/support/api-harness.js';
import { cliEnv, startCli, type RunningCli } from './support/run-cli.js';

let h: ApiHarness;
let dir: string;
let serving: RunningCli;
let url: string;

beforeAll(async () => {
  h = await startApiHarness();
  await createNamespace(h.kube, 'shop');
  await create(h.kube, 'Rollout', canaryRollout('shop', 'web'));
  await writeStatus(h.kube, 'Rollout', 'shop', 'web', pausedAtStep1());
  dir = await mkdtemp(join(tmpdir(), 'vane-serve-'));
  const tokenFile = join(dir, 'tokens.json');
  await writeFile(tokenFile, JSON.stringify({ tokens: [{ sha256: sha256Hex('deploy-bot-token'), subject: 'deploy-bot', groups: ['deployers'] }] }));
  // --token-file is the name serve had before it agreed with the controller's --api-token-file: it still works.
  serving = startCli(['serve', '--api-port', '0', '--token-file', tokenFile, '--log-level', 'silent'], cliEnv({ KUBECONFIG: h.sandbox.kubeconfigPath }));
  await serving.waitForOutput(/listening on (http:\/\/\S+)/);
  url = /listening on (http:\/\/\S+)/.exec(serving.output())?.[1] ?? '';
});

afterAll(async () => {
  serving?.child.kill('SIGTERM');
  await serving?.done;
  await h?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('vane serve', () => {
  it('serves rollouts to a token from the file, refuses others, and stops cleanly on SIGTERM', async () => {
    const api = { url, port: 0, close: () => Promise.resolve() };
    const ok = await call(api, 'GET', '/api/v1/namespaces/shop/rollouts/web', { token: 'deploy-bot-token' });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ name: 'web', phase: 'Paused' });
    expect((await call(api, 'GET', '/api/v1/rollouts', { token: 'unknown' })).status).toBe(401);
    const promoted = await call(api, 'POST', '/api/v1/namespaces/shop/rollouts/web/promote', { token: 'deploy-bot-token', body: {} });
    expect(promoted.status).toBe(202);
    expect((await call(api, 'GET', '/readyz')).status).toBe(200);
    serving.child.kill('SIGTERM');
    const done = await serving.done;
    expect(done.code).toBe(0);
    expect(done.stderr).toBe('vane: --token-file is deprecated; use --api-token-file\n');
  });

  it('listens on loopback unless --api-bind-address says otherwise', () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });
});
