// Specification of the container image, without Docker (it cannot run on our machines): the Dockerfile's build
// context holds what it copies, its entry point is the built program, and that program, given only the production
// dependencies `npm ci --omit=dev` installs, loads every module and runs the controller until SIGTERM, then
// releases its Lease and exits 0.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { KubeTransport } from '../../src/kube/kube-transport.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { vaneCrdFiles } from '../../src/cli/crd-paths.js';
import { copyArgs, isIgnored, parseDockerfile, parseDockerignore } from './support/dockerfile.js';
import { REPO_ROOT } from './support/kustomize-render.js';

const instructions = parseDockerfile(readFileSync(join(REPO_ROOT, 'Dockerfile'), 'utf8'));
const ignoreRules = parseDockerignore(readFileSync(join(REPO_ROOT, '.dockerignore'), 'utf8'));
const packageJson = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string>; bin: Record<string, string> };

function filesUnder(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path).flatMap((entry) => filesUnder(join(path, entry)));
}

function jsonArray(args: string): string[] {
  return JSON.parse(args) as string[];
}

describe('Dockerfile', () => {
  it('given the stages, then the image builds on node:20-bookworm-slim and runs as the non-root user 65532 from /app', () => {
    expect(instructions.filter((i) => i.keyword === 'FROM').map((i) => i.args.split(' ')[0])).toEqual(['node:20-bookworm-slim', 'node:20-bookworm-slim']);
    const runtime = instructions.filter((i) => i.stage === 1);
    expect(runtime.filter((i) => i.keyword === 'USER').map((i) => i.args)).toEqual(['65532:65532']);
    expect(runtime.filter((i) => i.keyword === 'WORKDIR').map((i) => i.args)).toEqual(['/app']);
    expect(runtime.find((i) => i.keyword === 'RUN' && i.args.includes('npm ci'))?.args).toContain('--omit=dev');
    expect(runtime.find((i) => i.keyword === 'RUN' && i.args.includes('apt-get install'))?.args).toMatch(/\bgit\b.*\bopenssh-client\b/);
    // The paths deploy/kustomize mounts as emptyDirs: the only writable ones under readOnlyRootFilesystem.
    const env = runtime.filter((i) => i.keyword === 'ENV').flatMap((i) => i.args.split(/\s+/));
    expect(env).toEqual(expect.arrayContaining(['HOME=/tmp', 'VANE_GIT_WORKDIR=/var/cache/vane']));
  });

  it('given the runtime installs with --ignore-scripts, then no production dependency has an install script', () => {
    expect(instructions.find((i) => i.stage === 1 && i.keyword === 'RUN' && i.args.includes('npm ci'))?.args).toContain('--ignore-scripts');
    const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; hasInstallScript?: boolean }> };
    const scripted = Object.entries(lock.packages).filter(([path, meta]) => path !== '' && meta.dev !== true && meta.hasInstallScript === true).map(([path]) => path);
    expect(scripted).toEqual([]);
  });

  it('given every COPY from the build context, then each source exists and .dockerignore lets it in', () => {
    const sources = instructions.filter((i) => i.keyword === 'COPY').map((i) => copyArgs(i.args)).filter((c) => c.from === undefined).flatMap((c) => c.sources);
    expect(sources.length).toBeGreaterThan(3);
    for (const source of sources) {
      expect(existsSync(join(REPO_ROOT, source)), source).toBe(true);
      const excluded = filesUnder(join(REPO_ROOT, source)).map((f) => relative(REPO_ROOT, f)).filter((f) => isIgnored(ignoreRules, f) && !f.endsWith('.test.ts'));
      expect(excluded, `${source}: files .dockerignore leaves out`).toEqual([]);
    }
    expect(isIgnored(ignoreRules, 'node_modules/commander/package.json')).toBe(true);
    expect(isIgnored(ignoreRules, 'src/server/metrics.test.ts')).toBe(true);
  });

  it('given the build stage, then it runs the build script and the runtime starts the binary that script produces', () => {
    const build = instructions.filter((i) => i.stage === 0 && i.keyword === 'RUN').map((i) => i.args);
    expect(build).toContain('npm run build');
    expect(packageJson.scripts['build']).toMatch(/^tsc -p tsconfig\.build\.json( |$)/);
    const entrypoint = jsonArray(instructions.find((i) => i.keyword === 'ENTRYPOINT')!.args);
    expect(entrypoint).toEqual(['node', packageJson.bin['vane']]);
    expect(jsonArray(instructions.find((i) => i.keyword === 'CMD')!.args)).toEqual(['controller']);
    const copied = instructions.filter((i) => i.keyword === 'COPY').map((i) => copyArgs(i.args));
    expect(copied.find((c) => c.from === 'build')?.destination).toBe(`./${dirname(packageJson.bin['vane']!)}`);
  });
});

/**
 * The /app of the image: what the runtime stage COPYs from the build context (read from the Dockerfile, so a file the
 * image lacks is missing here too), dist/ (the test build) and the production closure of node_modules.
 */
function productionApp(): string {
  const app = mkdtempSync(join(tmpdir(), 'vane-image-app-'));
  const copies = instructions.filter((i) => i.stage === 1 && i.keyword === 'COPY').map((i) => copyArgs(i.args)).filter((c) => c.from === undefined);
  for (const { sources, destination } of copies) {
    for (const source of sources) {
      const target = destination.endsWith('/') ? join(app, destination, basename(source)) : join(app, destination);
      cpSync(join(REPO_ROOT, source), target, { recursive: true });
    }
  }
  cpSync(dirname(inject('cliMain')), join(app, 'dist'), { recursive: true });
  const lock = JSON.parse(readFileSync(join(REPO_ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean }> };
  for (const [path, meta] of Object.entries(lock.packages)) {
    if (path === '' || meta.dev === true || !existsSync(join(REPO_ROOT, path))) continue;
    cpSync(join(REPO_ROOT, path), join(app, path), { recursive: true, filter: (src) => !src.slice(join(REPO_ROOT, path).length).includes('/node_modules/') });
  }
  return app;
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function node(app: string, args: string[], env: NodeJS.ProcessEnv = {}): { done: Promise<Exit>; kill(signal: NodeJS.Signals): void } {
  const child = spawn(process.execPath, args, { cwd: app, env: { PATH: process.env['PATH'], HOME: app, NODE_ENV: 'production', ...env } });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const done = new Promise<Exit>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { done, kill: (signal) => child.kill(signal) };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

async function waitUntil<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the image\'s program with production dependencies only', () => {
  let app: string;

  beforeAll(() => {
    app = productionApp();
  }, 180_000);

  afterAll(() => {
    if (app) rmSync(app, { recursive: true, force: true });
  });

  // src/**/fixtures/ holds test data for the specs (it may import dev dependencies such as @xstate/graph); the build
  // compiles it into dist/ but nothing at run time imports it. dist/dashboard/ is the browser's bundle, served as files.
  it('given no dev dependency, then every built module outside fixtures/ loads', async () => {
    expect(existsSync(join(app, 'node_modules', 'vitest'))).toBe(false);
    expect(existsSync(join(app, 'node_modules', 'typescript'))).toBe(false);
    const dashboard = join(app, 'dist', 'dashboard');
    const modules = filesUnder(join(app, 'dist')).filter((f) => f.endsWith('.js') && f !== join(app, 'dist', 'main.js') && !f.includes('/fixtures/') && !f.startsWith(`${dashboard}/`));
    const script = join(app, 'load-all.mjs');
    writeFileSync(script, `for (const m of ${JSON.stringify(modules)}) await import(m);\nconsole.log('loaded', ${modules.length});\n`);
    const result = await node(app, [script]).done;
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe(`loaded ${modules.length}`);
  }, 120_000);

  it('given the files the runtime stage copies and git (the runtime stage installs it), then `demo` (as in `docker run <image> demo`) runs to its end, reverting its failed release in git, and exits 0', async () => {
    const result = await node(app, ['dist/main.js', 'demo']).done;
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/revert commit [0-9a-f]{12} Revert "Bump web to 1\.2\.0"/);
    expect(result.stdout).toContain('result: OK');
    expect(result.code).toBe(0);
  }, 120_000);

  it('given the build, then the dashboard the API serves at /dashboard/ is in dist/, needing nothing from node_modules', () => {
    const dashboard = join(app, 'dist', 'dashboard');
    for (const file of ['index.html', 'app.js', 'app.css']) expect(existsSync(join(dashboard, file)), file).toBe(true);
    // One self-contained bundle: no bare import a browser would have to resolve.
    expect(readFileSync(join(dashboard, 'app.js'), 'utf8')).not.toMatch(/\bfrom\s*["'][^./"']/);
  });

  it('given the image\'s command, then `controller --help` lists the flags the Deployment uses', async () => {
    const result = await node(app, ['dist/main.js', 'controller', '--help']).done;
    expect(result.code).toBe(0);
    for (const flag of ['--leader-elect', '--namespace', '--api-port', '--git-work-dir']) expect(result.stdout).toContain(flag);
  });

  describe('given a cluster, when the controller runs and gets SIGTERM', () => {
    let sandbox: Sandbox;
    let client: KubeClient;
    let transport: KubeTransport;

    beforeAll(async () => {
      sandbox = await startSandbox({ crdFiles: vaneCrdFiles(), logLevel: 'silent', simulator: { enabled: false } });
      const kc = new KubeConfig();
      kc.loadFromFile(sandbox.kubeconfigPath);
      transport = await KubeTransport.fromKubeConfig(kc);
      client = new KubeClient(transport);
    });

    afterAll(async () => {
      transport?.close();
      await sandbox?.stop();
    });

    it('then it serves /healthz and /readyz, leads, and on SIGTERM releases the Lease and exits 0', async () => {
      const port = await freePort();
      const run = node(app, ['dist/main.js', 'controller', '--leader-elect'], {
        KUBECONFIG: sandbox.kubeconfigPath,
        POD_NAME: 'vane-controller-abc12',
        POD_NAMESPACE: 'default',
        VANE_API_PORT: String(port),
        VANE_GIT_WORKDIR: join(app, 'git-cache'),
        VANE_LOG_LEVEL: 'info',
      });
      const base = `http://127.0.0.1:${port}`;
      await waitUntil('/healthz', async () => ((await fetch(`${base}/healthz`)).ok ? true : undefined));
      await waitUntil('/readyz', async () => ((await fetch(`${base}/readyz`)).status === 200 ? true : undefined));
      const held = await waitUntil('the Lease', async () => {
        const lease = await client.get<KubeObject & { spec?: { holderIdentity?: string } }>(Kinds.Lease, 'default', 'vane-controller');
        return lease?.spec?.holderIdentity === 'vane-controller-abc12' ? lease : undefined;
      });
      expect(held.metadata.name).toBe('vane-controller');
      run.kill('SIGTERM');
      const exit = await run.done;
      expect({ code: exit.code, signal: exit.signal }, exit.stderr).toEqual({ code: 0, signal: null });
      const released = await client.get<KubeObject & { spec?: { holderIdentity?: string } }>(Kinds.Lease, 'default', 'vane-controller');
      expect(released?.spec?.holderIdentity).toBe('');
      expect(exit.stdout).toContain('finishing reconciles in flight');
    }, 180_000);
  });
});
