// The controller under benchmark: `vane controller` as its own process (compiled by tsc into .vane/bench-dist by
// default; VANE_BENCH_CONTROLLER=tsx runs src/ through tsx), with its API on a known port, a static API token, and
// its /metrics read back.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { sampleProcess, type ProcSample } from './proc-sampling.js';

const ROOT = join(import.meta.dirname, '..', '..');

export interface ControllerMetrics {
  reconciles: number;
  queueDepth: number;
}

export interface BenchController {
  pid: number;
  apiUrl: string;
  /** Bearer token for the controller's HTTP API (a static token file entry in group `deployers`). */
  token: string;
  spawnedAt: number;
  sample(): ProcSample;
  metrics(): Promise<ControllerMetrics>;
  ready(): Promise<boolean>;
  /** Resolves once /readyz answers 200; rejects with the controller's output when it does not in time. */
  waitReady(timeoutMs: number): Promise<void>;
  /** Resolves once the work queue is empty and no reconcile ran for `quietMs` (leftover work done). */
  waitQuiet(quietMs: number, timeoutMs: number): Promise<void>;
  output(): string;
  stop(): Promise<void>;
  /** SIGKILL: no hand-over, no Lease released. */
  kill(): Promise<void>;
}

export interface SpawnOptions {
  /** Campaign for Leases (a replica of a sharded or standby Deployment); default off, one instance acts at once. */
  leaderElect?: boolean;
  /** Environment besides the benchmark's own (POD_NAME for a replica's identity). */
  env?: Record<string, string>;
  /** Node flags instead of the Deployment's (a helper process that is not what is measured). */
  nodeFlags?: string[];
  /** Also append everything the process prints to this file (a run that hangs keeps no output otherwise). */
  logFile?: string;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

function tokenFile(token: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'vane-bench-'));
  const file = join(dir, 'tokens.yaml');
  writeFileSync(file, `tokens:\n  - sha256: ${createHash('sha256').update(token).digest('hex')}\n    subject: bench\n    groups: [deployers]\n`);
  return file;
}

/**
 * Compiled output goes to the git-ignored .vane/ rather than dist/, which the CLI tests build and use; it stays
 * inside the repository so that the CRD files and node_modules are found from it.
 */
const COMPILED_DIR = join(ROOT, '.vane', 'bench-dist');

/** The compiled controller by default: what production runs, without tsx's transpiler in RSS and start time. */
export function usesCompiledController(): boolean {
  return process.env['VANE_BENCH_CONTROLLER'] !== 'tsx';
}

/** Compiles src/ once for the run when the compiled controller is wanted. */
export function prepareController(): void {
  if (!usesCompiledController()) return;
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const args = [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--outDir', COMPILED_DIR, '--declaration', 'false', '--sourceMap', 'false'];
  const result = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8' });
  if (!existsSync(join(COMPILED_DIR, 'main.js'))) throw new Error(`compiling the controller failed:\n${result.stdout}${result.stderr}`);
  // tsc still emits when it finds type errors; code in progress elsewhere should not stop a benchmark run.
  if (result.status !== 0) process.stderr.write(`tsc reported type errors; benchmarking its output anyway:\n${result.stdout.slice(0, 2_000)}\n`);
}

function entryPoint(): string[] {
  if (usesCompiledController()) return [join(COMPILED_DIR, 'main.js')];
  return ['--import', 'tsx', join(ROOT, 'src', 'main.ts')];
}

/** The flags that turn on V8's CPU profiler when VANE_BENCH_CPU_PROF=1; profiles land in test/bench/results/profiles. */
function profilerFlags(): string[] {
  if (process.env['VANE_BENCH_CPU_PROF'] !== '1') return [];
  const dir = join(import.meta.dirname, 'results', 'profiles');
  mkdirSync(dir, { recursive: true });
  return ['--cpu-prof', '--cpu-prof-dir', dir];
}

/**
 * Node flags for the controller: VANE_BENCH_NODE_FLAGS, else the heap limit the Deployment sets
 * (deploy/kustomize/base/deployment.yaml), so the benchmark measures the shipped configuration.
 */
function nodeFlags(): string[] {
  return (process.env['VANE_BENCH_NODE_FLAGS'] ?? deployedNodeOptions()).split(' ').filter(Boolean);
}

function deployedNodeOptions(): string {
  const deployment = yaml.load(readFileSync(join(ROOT, 'deploy', 'kustomize', 'base', 'deployment.yaml'), 'utf8')) as {
    spec: { template: { spec: { containers: Array<{ env?: Array<{ name: string; value?: string }> }> } } };
  };
  const env = deployment.spec.template.spec.containers.flatMap((c) => c.env ?? []);
  return env.find((e) => e.name === 'NODE_OPTIONS')?.value ?? '';
}

/** Sums the series of one metric in the Prometheus text exposition. */
export function metricSum(exposition: string, name: string): number {
  let sum = 0;
  for (const line of exposition.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== '{' && line[name.length] !== ' ')) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return sum;
}

/** Starts the controller, by default without leader election (one instance; the benchmark counts only Rollout work). */
export async function spawnController(kubeconfigPath: string, extraArgs: readonly string[] = [], options: SpawnOptions = {}): Promise<BenchController> {
  const port = await freePort();
  const token = randomBytes(24).toString('base64url');
  const args = [...profilerFlags(), ...(options.nodeFlags ?? nodeFlags()), ...entryPoint(), 'controller', '--kubeconfig', kubeconfigPath, options.leaderElect ? '--leader-elect' : '--no-leader-elect', '--api-port', String(port), '--api-token-file', tokenFile(token), '--log-level', 'warn', ...extraArgs];
  const spawnedAt = Date.now();
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...options.env } });
  let output = '';
  const log = options.logFile;
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-20_000);
    if (log) appendFileSync(log, chunk);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const apiUrl = `http://127.0.0.1:${port}`;
  const pid = child.pid;
  if (pid === undefined) throw new Error('controller did not start');
  const metrics = async (): Promise<ControllerMetrics> => {
    const text = await (await fetch(`${apiUrl}/metrics`, { headers: { Authorization: `Bearer ${token}` } })).text();
    return { reconciles: metricSum(text, 'vane_reconcile_duration_seconds_count'), queueDepth: metricSum(text, 'vane_workqueue_depth') };
  };
  const ready = async (): Promise<boolean> => {
    try {
      return (await fetch(`${apiUrl}/readyz`)).status === 200;
    } catch {
      return false;
    }
  };
  return {
    pid,
    apiUrl,
    token,
    spawnedAt,
    sample: () => sampleProcess(pid),
    metrics,
    ready,
    output: () => output,
    async waitReady(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!(await ready())) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`controller not ready (exit ${String(child.exitCode)}):\n${output}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async waitQuiet(quietMs, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      let last = await metrics();
      let quietSince = Date.now();
      while (Date.now() - quietSince < quietMs) {
        if (Date.now() > deadline) throw new Error(`controller still busy after ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 100));
        const now = await metrics();
        if (now.reconciles !== last.reconciles || now.queueDepth > 0) quietSince = Date.now();
        last = now;
      }
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}
