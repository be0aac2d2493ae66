// A newcomer's first hour, step by step as the README has it, with the program `npm run build` makes: `vane sandbox`
// (which writes a kubeconfig), `vane controller --kubeconfig FILE` and nothing else, an example applied with kubectl,
// and a release walked to Healthy with `vane set image` and `vane promote`. Every process it starts is stopped at the
// end, whatever happens.
import { execFile } from 'node:child_process';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, REPO_ROOT, runCommand, startCommand, type CliResult, type RunningCli } from '../cli/support/run-cli.js';

const run = promisify(execFile);
const DIST_MAIN = join(REPO_ROOT, 'dist', 'main.js');
const EXAMPLE = join(REPO_ROOT, 'examples', 'demo-canary.yaml');
const NEXT_IMAGE = 'ghcr.io/vane-demo/web:1.1.0';

const started: RunningCli[] = [];
let kubeconfig = '';
let apiUrl = '';

/** `node dist/main.js ...` from the repository root, as `vane ...` is once built. */
function vane(args: string[], timeoutMs = 60_000): Promise<CliResult> {
  return runCommand(process.execPath, [DIST_MAIN, ...args], cliEnv({ KUBECONFIG: kubeconfig }), timeoutMs);
}

function startVane(args: string[], env: Record<string, string> = {}): RunningCli {
  const running = startCommand(process.execPath, [DIST_MAIN, ...args], cliEnv(env));
  started.push(running);
  return running;
}

async function stop(running: RunningCli): Promise<void> {
  if (running.child.exitCode !== null || running.child.signalCode !== null) return;
  running.child.kill('SIGTERM');
  const killer = setTimeout(() => running.child.kill('SIGKILL'), 10_000);
  await running.done;
  clearTimeout(killer);
}

interface Detail {
  phase?: string;
  message?: string;
  currentStepIndex?: number;
  replicaSets: Array<{ role: string; ready: number; images: string[] }>;
}

async function detail(): Promise<Detail> {
  const result = await vane(['get', 'rollout', 'web', '-n', 'demo', '-o', 'json']);
  if (result.code !== 0) throw new Error(`vane get rollout failed: ${result.stderr}`);
  return JSON.parse(result.stdout) as Detail;
}

beforeAll(async () => {
  await run('npm', ['run', 'build'], { cwd: REPO_ROOT });
}, 180_000);

afterAll(async () => {
  // The controller first, so it does not log a storm of errors about the sandbox going away.
  for (const running of started.reverse()) await stop(running);
});

describe("the README's first hour, with the built program", () => {
  it('npm run build leaves dist/main.js executable, for kubectl plugin discovery through a kubectl-vane link', () => {
    expect(statSync(DIST_MAIN).mode & 0o111).toBe(0o111);
  });

  it('vane sandbox starts an API server and prints the kubeconfig it wrote', async () => {
    const sandbox = startVane(['sandbox']);
    await sandbox.waitForOutput(/^kubeconfig: (\S+)$/m);
    kubeconfig = /^kubeconfig: (\S+)$/m.exec(sandbox.output())?.[1] ?? '';
    expect(statSync(kubeconfig).isFile()).toBe(true);
  });

  it('vane controller --kubeconfig FILE, with no other flag, leads and is ready', async () => {
    // The one departure from the README: port 0 through the environment (not a flag), so that this test does not
    // collide with whatever else on the machine holds the default port 8080.
    const controller = startVane(['controller', '--kubeconfig', kubeconfig], { VANE_API_PORT: '0' });
    await controller.waitForOutput(/"msg":"became leader"/);
    apiUrl = /"url":"(http:\/\/[^"]+)","msg":"Vane API, health and metrics listening"/.exec(controller.output())?.[1] ?? '';
    expect(apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const ready = await fetch(`${apiUrl}/readyz`);
    expect(await ready.json()).toEqual({ status: 'ready' });
    expect(controller.output()).not.toMatch(/"level":(40|50|60)/);
  });

  it('kubectl apply -f examples/demo-canary.yaml, and the first release becomes Healthy on its own', async () => {
    const applied = await runCommand('kubectl', ['apply', '-f', EXAMPLE], cliEnv({ KUBECONFIG: kubeconfig }));
    expect(applied.stderr).toBe('');
    expect(applied.stdout).toContain('rollout.vane.dev/web created');
    const healthy = await vane(['status', 'web', '-n', 'demo', '--watch', '--timeout', '60s'], 90_000);
    expect(healthy.code).toBe(0);
    expect(healthy.stdout).toMatch(/rollout demo\/web: Healthy/);
  }, 120_000);

  it('vane set image starts a release that stops at the pause waiting for a person, and vane promote walks it to Healthy', async () => {
    const set = await vane(['set', 'image', 'web', `web=${NEXT_IMAGE}`, '-n', 'demo']);
    expect(set).toMatchObject({ code: 0, stdout: `rollout demo/web: container web image ghcr.io/vane-demo/web:1.0.0 -> ${NEXT_IMAGE}\n` });
    // Steps (zero-based, as status.currentStepIndex): 0 setWeight 25, 1 pause 2s, 2 setWeight 50, 3 pause until promoted.
    await expect.poll(detail, { timeout: 60_000, interval: 500 }).toMatchObject({ phase: 'Paused', currentStepIndex: 3 });
    expect((await vane(['status', 'web', '-n', 'demo'])).code).toBe(2);
    const promote = await vane(['promote', 'web', '-n', 'demo', '--wait']);
    expect(promote.code).toBe(0);
    expect(promote.stdout).toContain('promote accepted');
    const healthy = await vane(['status', 'web', '-n', 'demo', '--watch', '--timeout', '60s'], 90_000);
    expect(healthy.code).toBe(0);
    // The new revision is the stable one now, with every replica of the example ready.
    expect((await detail()).replicaSets.find((rs) => rs.role === 'stable')).toMatchObject({ ready: 4, images: [NEXT_IMAGE] });
  }, 150_000);
});
