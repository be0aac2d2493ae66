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

  it('given a Lease namespace that does not exist, then /readyz answers 503 naming it and the flags that fix it, and nothing leads', async () => {
    const config = controllerConfig({ kubeconfig: sandbox.kubeconfigPath, leaseNamespace: 'no-such-namespace', apiPort: '0', logLevel: 'silent' }, { POD_NAME: 'lease-test' });
    const stranded = await startController(config, { logger: silentLogger });
    try {
      const readyz = async (): Promise<{ code: number; reasons?: string[] }> => {
        const res = await fetch(`${stranded.apiUrl ?? ''}/readyz`);
        return { code: res.status, reasons: ((await res.json()) as { reasons?: string[] }).reasons };
      };
      await expect.poll(readyz, { timeout: 10_000 }).toEqual({
        code: 503,
        reasons: ['the Lease namespace "no-such-namespace" does not exist (--lease-namespace names another, --no-leader-elect runs without a Lease)'],
      });
      expect(stranded.isLeader()).toBe(false);
    } finally {
      await stranded.stop();
    }
  });
});
