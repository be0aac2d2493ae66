// A real Prometheus for tests: the Debian binary on a free 127.0.0.1 port, with history from promtool and/or live scrapes.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PROMETHEUS = process.env['VANE_TEST_PROMETHEUS'] ?? '/usr/bin/prometheus';
const PROMTOOL = process.env['VANE_TEST_PROMTOOL'] ?? '/usr/bin/promtool';
const READY_DEADLINE_MS = 60_000;
const STOP_GRACE_MS = 10_000;

export interface PrometheusServerOptions {
  /** OpenMetrics text (see open-metrics.ts) written into blocks with promtool before the server starts. */
  history?: string;
  /** Full URLs of /metrics endpoints to scrape, e.g. `http://127.0.0.1:41234/metrics`. */
  scrapeTargets?: string[];
  /** Scrape and evaluation interval; defaults to 1s so live tests see data quickly. */
  scrapeInterval?: string;
}

export interface PrometheusServer {
  /** Base URL, e.g. `http://127.0.0.1:41235` — what a PrometheusMetric's `address` takes. */
  readonly url: string;
  readonly dataDir: string;
  /** Everything Prometheus printed so far, for failure messages. */
  logs(): string;
  /** Polls /api/v1/targets until every scrape target is up (after at least one successful scrape). */
  waitForTargetsUp(deadlineMs?: number): Promise<void>;
  /** SIGTERM, then SIGKILL after a grace period; removes the data directory. */
  stop(): Promise<void>;
}

export async function startPrometheus(options: PrometheusServerOptions = {}): Promise<PrometheusServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vane-prometheus-'));
  try {
    if (options.history !== undefined) await loadHistory(dataDir, options.history);
    const configFile = join(dataDir, 'prometheus.yml');
    await writeFile(configFile, prometheusConfig(options));
    return await startOnFreePort(dataDir, configFile);
  } catch (err) {
    await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** promtool writes blocks straight into the data dir, so the history is there when the TSDB opens. */
async function loadHistory(dataDir: string, history: string): Promise<void> {
  const text = history.trimEnd().endsWith('# EOF') ? `${history.trimEnd()}\n` : `${history.trimEnd()}\n# EOF\n`;
  const file = join(dataDir, 'history.om');
  await writeFile(file, text);
  try {
    await run(PROMTOOL, ['tsdb', 'create-blocks-from', 'openmetrics', file, dataDir]);
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`promtool could not load the OpenMetrics history: ${stderr || (err as Error).message}`, { cause: err });
  }
}

function prometheusConfig(options: PrometheusServerOptions): string {
  const interval = options.scrapeInterval ?? '1s';
  const lines = ['global:', `  scrape_interval: ${interval}`, `  evaluation_interval: ${interval}`];
  const targets = options.scrapeTargets ?? [];
  lines.push(targets.length === 0 ? 'scrape_configs: []' : 'scrape_configs:');
  targets.forEach((target, index) => {
    const url = new URL(target);
    lines.push(
      `  - job_name: target-${index}`,
      `    scheme: ${url.protocol.replace(':', '')}`,
      `    metrics_path: ${JSON.stringify(url.pathname)}`,
      `    static_configs:`,
      `      - targets: [${JSON.stringify(url.host)}]`,
    );
  });
  return `${lines.join('\n')}\n`;
}

/** Picking a free port and binding it later can race with another process; retry on "address already in use". */
async function startOnFreePort(dataDir: string, configFile: string): Promise<PrometheusServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      return await startProcess(dataDir, configFile, await freePort());
    } catch (err) {
      lastError = err;
      if (!String((err as Error).message).includes('address already in use')) throw err;
    }
  }
  throw lastError;
}

async function startProcess(dataDir: string, configFile: string, port: number): Promise<PrometheusServer> {
  const child = spawn(
    PROMETHEUS,
    [
      `--config.file=${configFile}`,
      `--storage.tsdb.path=${dataDir}`,
      `--web.listen-address=127.0.0.1:${port}`,
      // History is loaded with real past timestamps; keep everything the tests write.
      '--storage.tsdb.retention.time=10y',
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  // A missing binary is an 'error' event, not an exit; unhandled it would crash the test worker.
  child.on('error', (err) => {
    output += `\ncannot run ${PROMETHEUS}: ${err.message} (Debian package "prometheus")`;
  });
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const url = `http://127.0.0.1:${port}`;
  const server: PrometheusServer = {
    url,
    dataDir,
    logs: () => output,
    waitForTargetsUp: (deadlineMs = 30_000) => waitForTargetsUp(url, deadlineMs),
    stop: async () => {
      process.removeListener('exit', killOnExit);
      await stopProcess(child);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
  try {
    await new Promise<void>((done) => {
      child.once('spawn', done);
      child.once('error', () => done());
    });
    await waitForReady(url, child, () => output);
  } catch (err) {
    process.removeListener('exit', killOnExit);
    await stopProcess(child);
    throw err;
  }
  return server;
}

async function waitForReady(url: string, child: ChildProcess, logs: () => string): Promise<void> {
  const deadline = Date.now() + READY_DEADLINE_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
      throw new Error(`prometheus exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${logs()}`);
    }
    if (await answersOk(`${url}/-/ready`)) return;
    await sleep(100);
  }
  throw new Error(`prometheus at ${url} was not ready within ${READY_DEADLINE_MS}ms:\n${logs()}`);
}

async function waitForTargetsUp(url: string, deadlineMs: number): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  let last = '';
  while (Date.now() < deadline) {
    const response = await fetch(`${url}/api/v1/targets`).catch(() => undefined);
    if (response?.ok) {
      const body = (await response.json()) as { data?: { activeTargets?: Array<{ health?: string; scrapeUrl?: string }> } };
      const targets = body.data?.activeTargets ?? [];
      last = JSON.stringify(targets.map((target) => `${target.scrapeUrl}: ${target.health}`));
      if (targets.length > 0 && targets.every((target) => target.health === 'up')) return;
    }
    await sleep(200);
  }
  throw new Error(`prometheus at ${url}: scrape targets not up within ${deadlineMs}ms: ${last}`);
}

async function answersOk(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch {
    return false;
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  child.kill('SIGTERM');
  const graceful = await Promise.race([exited.then(() => true), sleep(STOP_GRACE_MS).then(() => false)]);
  if (!graceful) {
    child.kill('SIGKILL');
    await exited;
  }
}

/** A port that was free a moment ago (the kernel picks it); also useful as "nothing listens here". */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done, fail) => {
    server.once('error', fail);
    server.listen(0, '127.0.0.1', done);
  });
  const address = server.address();
  await new Promise<void>((done) => server.close(() => done()));
  if (address === null || typeof address === 'string') throw new Error('no TCP port was assigned');
  return address.port;
}

function sleep(ms: number): Promise<void> {
  return new Promise((done) => setTimeout(done, ms));
}
