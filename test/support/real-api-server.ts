// A real kube-apiserver for the tests that must hold against real Kubernetes: started from the script that
// $VANE_TEST_APISERVER names (`start.sh DIR` writes DIR/kubeconfig; `stop.sh DIR` beside it stops the server), one
// fresh server per test file, as each file would otherwise get a fresh sandbox.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The start script of the real API server leg, or undefined when the tests run on the sandbox alone. */
export function realApiServerScript(): string | undefined {
  return process.env['VANE_TEST_APISERVER'] || undefined;
}

export interface RealApiServer {
  kubeconfigPath: string;
  stop(): Promise<void>;
}

export async function startRealApiServer(script: string): Promise<RealApiServer> {
  const dir = mkdtempSync(join(tmpdir(), 'vane-apiserver-'));
  try {
    await run('bash', [script, dir], { timeout: 120_000 });
  } catch (err) {
    await run('bash', [join(dirname(script), 'stop.sh'), dir]).catch(() => undefined);
    throw new Error(`the real API server did not start (${script} ${dir}): ${(err as Error).message}`);
  }
  return {
    kubeconfigPath: join(dir, 'kubeconfig'),
    async stop() {
      await run('bash', [join(dirname(script), 'stop.sh'), dir], { timeout: 60_000 }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
