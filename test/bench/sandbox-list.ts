// Benchmark: list latency of the sandbox holding 5,000 objects, measured through client-node against a sandbox
// running in its own process (so client and server do not share an event loop). Prints a markdown table.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Agent, request } from 'node:https';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import * as k8s from '@kubernetes/client-node';

const OBJECTS = 5_000;
const REPEATS = 25;
const NAMESPACE = 'bench';

interface Server {
  child: ChildProcess;
  kubeconfigPath: string;
}

/** Starts `serveSandbox` in a child process and waits for it to print its kubeconfig path. */
async function startServer(): Promise<Server> {
  const serve = pathToFileURL(resolve(import.meta.dirname, '../../src/sandbox/serve.ts')).href;
  const code = `import(${JSON.stringify(serve)}).then((m) => m.serveSandbox({ logLevel: 'silent', simulator: { enabled: false } }))`;
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  const kubeconfigPath = await new Promise<string>((resolvePath, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const m = /kubeconfig: (\S+)/.exec(output);
      if (m?.[1]) resolvePath(m[1]);
    });
    child.once('exit', (c) => reject(new Error(`sandbox exited early (${String(c)}): ${output}`)));
  });
  return { child, kubeconfigPath };
}

async function stopServer(server: Server): Promise<void> {
  const exited = once(server.child, 'exit');
  server.child.kill('SIGTERM');
  await exited;
}

function keepAliveAgent(kc: k8s.KubeConfig): { agent: Agent; server: string; token: string } {
  const cluster = kc.getCurrentCluster();
  if (!cluster?.caData) throw new Error('kubeconfig without CA');
  const agent = new Agent({ keepAlive: true, maxSockets: 8, ca: Buffer.from(cluster.caData, 'base64').toString() });
  return { agent, server: cluster.server, token: kc.getCurrentUser()?.token ?? '' };
}

/** GET over a kept-alive connection: the server's share of a list, without client-node's handshake and decoding. */
function rawGet(conn: ReturnType<typeof keepAliveAgent>, path: string): Promise<string> {
  return new Promise((done, fail) => {
    const req = request(`${conn.server}${path}`, { agent: conn.agent, headers: { Authorization: `Bearer ${conn.token}` } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(Buffer.concat(chunks).toString()));
    });
    req.on('error', fail);
    req.end();
  });
}

/** Creates the objects over keep-alive HTTPS with a few requests in flight (client-node opens a connection per call). */
async function load(kc: k8s.KubeConfig): Promise<number> {
  const { agent, server, token } = keepAliveAgent(kc);
  const post = (body: string): Promise<void> =>
    new Promise((done, fail) => {
      const req = request(`${server}/api/v1/namespaces/${NAMESPACE}/configmaps`, {
        method: 'POST',
        agent,
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body) },
      });
      req.on('response', (res) => {
        res.resume();
        res.on('end', () => (res.statusCode === 201 ? done() : fail(new Error(`create failed: ${res.statusCode}`))));
      });
      req.on('error', fail);
      req.end(body);
    });
  const started = performance.now();
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < OBJECTS; i = next++) {
      const labels = { app: `app-${i % 50}`, tier: i % 10 === 0 ? 'canary' : 'stable' };
      const data = { index: String(i), config: 'x'.repeat(600) };
      await post(JSON.stringify({ metadata: { name: `cm-${String(i).padStart(5, '0')}`, labels, annotations: { 'bench.vane.dev/note': 'list benchmark' } }, data }));
    }
  };
  await Promise.all(Array.from({ length: 8 }, () => worker()));
  agent.destroy();
  return performance.now() - started;
}

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? 0;
}

async function measure(run: () => Promise<void>): Promise<{ median: number; p99: number }> {
  await run();
  const samples: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    await run();
    samples.push(performance.now() - start);
  }
  samples.sort((a, b) => a - b);
  return { median: percentile(samples, 50), p99: percentile(samples, 99) };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Loads 5,000 ConfigMaps into a separate-process sandbox and times lists through client-node. */
export async function runSandboxListBench(): Promise<Record<string, number>> {
  const server = await startServer();
  try {
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: NAMESPACE } } });
    const loadMs = await load(kc);

    const full = await measure(async () => {
      const list = await core.listNamespacedConfigMap({ namespace: NAMESPACE });
      if (list.items.length !== OBJECTS) throw new Error(`listed ${list.items.length} objects`);
    });
    const conn = keepAliveAgent(kc);
    const raw = await measure(async () => {
      const body = await rawGet(conn, `/api/v1/namespaces/${NAMESPACE}/configmaps`);
      const count = (JSON.parse(body) as { items: unknown[] }).items.length;
      if (count !== OBJECTS) throw new Error(`raw list returned ${count} objects`);
    });
    conn.agent.destroy();
    const selected = await measure(async () => {
      const list = await core.listNamespacedConfigMap({ namespace: NAMESPACE, labelSelector: 'tier=canary' });
      if (list.items.length !== OBJECTS / 10) throw new Error(`selected ${list.items.length} objects`);
    });
    const paged = await measure(async () => {
      let token: string | undefined;
      let seen = 0;
      do {
        const page = await core.listNamespacedConfigMap({ namespace: NAMESPACE, limit: 500, _continue: token });
        seen += page.items.length;
        token = page.metadata?._continue;
      } while (token);
      if (seen !== OBJECTS) throw new Error(`paged through ${seen} objects`);
    });
    return {
      objects: OBJECTS,
      load_ms: round(loadMs),
      list_all_median_ms: round(full.median),
      list_all_p99_ms: round(full.p99),
      list_all_raw_median_ms: round(raw.median),
      list_all_raw_p99_ms: round(raw.p99),
      list_label_selector_median_ms: round(selected.median),
      list_label_selector_p99_ms: round(selected.p99),
      list_paged_500_median_ms: round(paged.median),
      list_paged_500_p99_ms: round(paged.p99),
    };
  } finally {
    await stopServer(server);
  }
}

function table(results: Record<string, number>): string {
  const rows = [
    [`load ${results['objects']} ConfigMaps (8 concurrent creates)`, `${results['load_ms']} ms total`, ''],
    [`list all ${results['objects']}`, `${results['list_all_median_ms']} ms`, `${results['list_all_p99_ms']} ms`],
    [`list all ${results['objects']}, raw keep-alive HTTPS + JSON.parse`, `${results['list_all_raw_median_ms']} ms`, `${results['list_all_raw_p99_ms']} ms`],
    ['list with labelSelector (10% match)', `${results['list_label_selector_median_ms']} ms`, `${results['list_label_selector_p99_ms']} ms`],
    ['list in pages of 500 (all pages)', `${results['list_paged_500_median_ms']} ms`, `${results['list_paged_500_p99_ms']} ms`],
  ];
  const lines = ['| sandbox list via client-node | median | p99 |', '|---|---|---|', ...rows.map((r) => `| ${r.join(' | ')} |`)];
  return `${lines.join('\n')}\n\n${REPEATS} runs each after one warm-up; ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}.`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const results = await runSandboxListBench();
  process.stdout.write(`${table(results)}\n`);
}
