// `vane controller` as a child process when something is wrong around it: it fails loudly and exits where it cannot
// work (a port in use, no or a broken kubeconfig), and says once, not per informer per retry, when the API does not
// answer or refuses its credentials.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaneCrdFiles } from '../../src/cli/crd-paths.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { cliEnv, runCli, startCli } from './support/run-cli.js';

let sandbox: Sandbox;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ crdFiles: vaneCrdFiles(), logLevel: 'silent', simulator: { enabled: false } });
  dir = await mkdtemp(join(tmpdir(), 'vane-controller-cli-'));
});

afterAll(async () => {
  await sandbox?.stop();
  await rm(dir, { recursive: true, force: true });
});

function occupiedPort(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ port: (server.address() as { port: number }).port, server }));
  });
}

interface LogLine {
  level: number;
  msg: string;
}

function logLines(stdout: string): LogLine[] {
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

describe('vane controller, when it cannot work', () => {
  it('given its API port in use, then it exits 1 at once, naming the address and --api-port', async () => {
    const { port, server } = await occupiedPort();
    try {
      const started = Date.now();
      const result = await runCli(['controller', '--kubeconfig', sandbox.kubeconfigPath, '--no-leader-elect', '--api-port', String(port)], cliEnv(), 30_000);
      expect(result.code).toBe(1);
      expect(result.stderr).toBe(`vane: the API cannot listen on 127.0.0.1:${port}: listen EADDRINUSE: address already in use 127.0.0.1:${port} (another process holds the port: choose another with --api-port (0 picks a free one))\n`);
      expect(Date.now() - started).toBeLessThan(20_000);
    } finally {
      server.close();
    }
  });

  it('given no kubeconfig anywhere, then exit 1 with where it looked', async () => {
    // Not a pod either, even where the tests themselves run in one.
    const { KUBERNETES_SERVICE_HOST: _host, ...env } = cliEnv();
    const result = await runCli(['controller'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('vane: no kubeconfig found: --kubeconfig was not given, $KUBECONFIG is not set, /nonexistent-home/.kube/config does not exist');
    expect(result.stderr).not.toContain('skipTLSVerify');
  });

  it('given a kubeconfig that is not YAML, then exit 1 naming the file', async () => {
    const broken = join(dir, 'broken-kubeconfig');
    await writeFile(broken, 'apiVersion: v1\nclusters: [\n');
    const result = await runCli(['controller', '--kubeconfig', broken], cliEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^vane: kubeconfig ${broken} cannot be read: `));
  });

  it.each([
    ['an API server that does not answer', (text: string) => text.replace(/server: https:\/\/127\.0\.0\.1:\d+/, 'server: https://127.0.0.1:1'), /^cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:1: connect ECONNREFUSED/],
    ['a token the API server rejects', (text: string) => text.replace(/token: \S+/, 'token: not-a-valid-token'), /rejects the credentials from kubeconfig \S+ \(401 Unauthorized/],
  ])('given %s, then one error line saying so while it keeps retrying', async (_case, edit, message) => {
    const kubeconfig = join(dir, `edited-${Math.random().toString(36).slice(2)}`);
    await writeFile(kubeconfig, edit(await readFile(sandbox.kubeconfigPath, 'utf8')));
    const running = startCli(['controller', '--kubeconfig', kubeconfig, '--api-port', '-1'], cliEnv());
    await running.waitForOutput(/"level":50/);
    // Seven informers and the Lease retry with backoff meanwhile: several rounds of failures, still one line.
    await new Promise((r) => setTimeout(r, 3_000));
    running.child.kill('SIGTERM');
    const result = await running.done;
    const problems = logLines(result.stdout).filter((line) => line.level >= 40);
    expect(problems).toHaveLength(1);
    expect(problems[0]?.msg).toMatch(message);
  });

  it('given --help, then every option shows its default, and an unknown option gets one line and a hint', async () => {
    const help = await runCli(['controller', '--help'], cliEnv());
    const text = help.stdout.replace(/\s+/g, ' ');
    for (const shown of ['VANE_WORKERS; default: 4', 'default: vane-system', 'VANE_API_PORT; default: 8080', 'VANE_API_BIND_ADDRESS; default: 127.0.0.1', 'VANE_LOG_LEVEL; default: info']) expect(text).toContain(shown);
    const typo = await runCli(['controller', '--api-prot', '9000'], cliEnv());
    expect(typo.code).toBe(1);
    expect(typo.stderr).toBe("error: unknown option '--api-prot'\n(Did you mean --api-port?)\n(run 'vane controller --help' for usage)\n");
  });
});
