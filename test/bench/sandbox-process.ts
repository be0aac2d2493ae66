// Child-process entry: the sandbox API server the benchmarks run against, in its own process so that it never shares
// an event loop with the controller or the benchmark. Over IPC it answers request statistics and hands out a log of
// every write it received, stamped on the sandbox's side (arrival = response time − handling time).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { serveSandbox } from '../../src/sandbox/serve.js';
import { FIXTURE_CRD_DIR } from '../fixtures/fixture-files.js';
import { vaneCrdFiles } from '../../src/cli/crd-paths.js';
import type { RequestRecord } from '../../src/sandbox/request-stats.js';
import type { Sandbox } from '../../src/sandbox/sandbox.js';
import { ADMIN_USER } from '../../src/sandbox/sandbox-auth.js';
import { wallNow } from './proc-sampling.js';

/** One write as the sandbox saw it. */
export interface LoggedWrite extends Pick<RequestRecord, 'verb' | 'resource' | 'subresource' | 'namespace' | 'name' | 'user' | 'code'> {
  /** Wall-clock ms when the request arrived (to the sandbox's 1 ms handling-time resolution). */
  arrivedAt: number;
  /** Wall-clock ms when the answer was sent: the change is in the store and on its way to watchers. */
  finishedAt: number;
}

export type SandboxQuery = { id: number; type: 'stats' | 'reset-stats' | 'take-writes' };
export type SandboxReply = { id: number; body: unknown };
export interface SandboxReady {
  type: 'ready';
  kubeconfig: string;
  harnessContext: string;
  adminUser: string;
  kubeconfigPath: string;
}

const READ_VERBS = new Set(['get', 'list', 'watch']);

function send(message: SandboxReply | SandboxReady): void {
  process.send?.(message);
}

function serve(sandbox: Sandbox): void {
  let writes: LoggedWrite[] = [];
  sandbox.stats.onRequest((r: RequestRecord) => {
    if (READ_VERBS.has(r.verb)) return;
    const finishedAt = wallNow();
    writes.push({ verb: r.verb, resource: r.resource, subresource: r.subresource, namespace: r.namespace, name: r.name, user: r.user, code: r.code, arrivedAt: finishedAt - r.durationMs, finishedAt });
  });
  process.on('message', (query: SandboxQuery) => {
    if (query.type === 'stats') send({ id: query.id, body: sandbox.stats.snapshot() });
    if (query.type === 'reset-stats') {
      sandbox.stats.reset();
      send({ id: query.id, body: null });
    }
    if (query.type === 'take-writes') {
      send({ id: query.id, body: writes });
      writes = [];
    }
  });
  send({ type: 'ready', kubeconfig: sandbox.kubeconfig, harnessContext: sandbox.contexts.harness, adminUser: ADMIN_USER, kubeconfigPath: sandbox.kubeconfigPath });
}

/** The Gateway API HTTPRoute CRD vendored in test/fixtures/crds, for the Gateway API reaction benchmark. */
function routingCrdFiles(): string[] {
  const file = join(FIXTURE_CRD_DIR, 'gateway.networking.k8s.io_httproutes.yaml');
  return existsSync(file) ? [file] : [];
}

const readyDelayMs = Number(process.env['VANE_BENCH_READY_DELAY_MS'] ?? 100);
/** Users `replica-0`… (token `token-replica-N`), so that the write log tells the replicas of a sharded controller apart. */
const replicaUsers = Array.from({ length: Number(process.env['VANE_BENCH_REPLICA_USERS'] ?? 0) }, (_, i) => ({ name: `replica-${i}`, token: `token-replica-${i}` }));
const parentGone = new Promise<void>((resolve) => process.once('disconnect', () => resolve()));
await serveSandbox({ crdFiles: [...routingCrdFiles(), ...vaneCrdFiles()], simulator: { readyDelayMs }, users: replicaUsers, logLevel: 'silent', print: () => undefined, until: parentGone, onReady: serve });
process.exit(0);
