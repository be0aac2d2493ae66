// Specification: the controller process serves health, readiness, metrics and the authenticated API itself.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaneCrdFiles } from '../../src/cli/crd-paths.js';
import { controllerConfig } from '../../src/cli/controller-config.js';
import { startController, type RunningController } from '../../src/cli/start-controller.js';
import { silentLogger } from '../../src/logger.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';

let sandbox: Sandbox;
let running: RunningController;

beforeAll(async () => {
  sandbox = await startSandbox({ crdFiles: vaneCrdFiles(), logLevel: 'silent' });
  const config = controllerConfig({ kubeconfig: sandbox.kubeconfigPath, leaderElect: false, apiPort: '0', logLevel: 'silent' }, { POD_NAME: 'api-test' });
  running = await startController(config, { logger: silentLogger });
});

afterAll(async () => {
  await running?.stop();
  await sandbox?.stop();
});

describe('the controller process', () => {
  it('serves /healthz and /readyz to anyone, /metrics to a caller allowed to read it, and refuses the API without a token', async () => {
    const base = running.apiUrl ?? '';
    expect(base).toMatch(/^http:\/\//);
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const metrics = await (await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${sandbox.auth.adminToken}` } })).text();
    expect(metrics).toContain('vane_');
    const denied = await fetch(`${base}/api/v1/rollouts`);
    expect(denied.status).toBe(401);
  });
});
