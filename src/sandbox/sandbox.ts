// startSandbox: an embedded Kubernetes API server over HTTPS with bearer-token auth and a kubeconfig, for the demo,
// integration tests and benchmarks. It follows the real API's contract so that what works here works on a cluster.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { LevelWithSilent } from 'pino';
import { createLogger, type Logger } from '../logger.js';
import { ApiHandler } from './api-handler.js';
import { ApiServer } from './api-server.js';
import { builtinResources, CRD_GROUP } from './builtin-resources.js';
import { sandboxTlsMaterial } from './certificate-authority.js';
import { CustomResourceController } from './custom-resource-controller.js';
import { FaultInjector } from './fault-injector.js';
import { GarbageCollector } from './garbage-collector.js';
import { contextName, kubeconfigYaml, writeKubeconfig } from './kubeconfig-file.js';
import { ListPager } from './list-pager.js';
import { NamespaceController } from './namespace-controller.js';
import { ObjectStore } from './object-store.js';
import { RequestStats } from './request-stats.js';
import { ResourceOperations } from './resource-operations.js';
import { ResourceRegistry } from './resource-registry.js';
import type { ResourceType } from './resource-type.js';
import { ADMIN_USER, HARNESS_USER, SandboxAuth, type SandboxUser } from './sandbox-auth.js';
import { ScaleSubresource } from './scale-subresource.js';
import { isJsonObject } from './schema/json-value.js';
import { WatchHub } from './watch-hub.js';
import { WatchRegistry } from './watch-stream.js';
import { WorkloadSimulator, type SimulatorOptions } from './workload-simulator.js';

export interface SandboxOptions {
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Directory for the kubeconfig (default: a new temporary directory, removed on stop). */
  dir?: string;
  /** Users besides the built-in admin and the fault-exempt harness user. */
  users?: SandboxUser[];
  /**
   * Serve requests without a token as system:anonymous, as the apiserver does by default (they get 403 but for
   * /version and health); false answers them 401, like --anonymous-auth=false. Default true.
   */
  anonymousAuth?: boolean;
  /** Namespaces created at start besides the built-in four (default, kube-system, kube-public, kube-node-lease). */
  namespaces?: readonly string[];
  /** YAML files whose CustomResourceDefinitions are created at start. */
  crdFiles?: string[];
  simulator?: SimulatorOptions;
  logLevel?: LevelWithSilent;
  logger?: Logger;
  /** Changes kept per resource for watches resuming from a resourceVersion (default 10000). */
  watchHistorySize?: number;
  /** Interval of BOOKMARK events for watches that allow them (default 60 s, as the apiserver's ~1 min). */
  bookmarkIntervalMs?: number;
  /** Server-side timeout of watches that set none (default 1800 s). */
  watchTimeoutSeconds?: number;
  /** Lifetime of list continue tokens (default 5 minutes, like etcd's compaction interval). */
  continueTokenTtlMs?: number;
  /** Seed of the fault injector's random choices (default 1). */
  faultSeed?: number;
}

export interface SandboxContexts {
  /** The default context: the admin user. */
  admin: string;
  /** The harness user, whose requests are never subject to injected faults. */
  harness: string;
}

export interface Sandbox {
  url: string;
  kubeconfigPath: string;
  /** The kubeconfig YAML text. */
  kubeconfig: string;
  /** The admin user's bearer token (the kubeconfig's current context). */
  token: string;
  /** The harness user's bearer token (fault-exempt). */
  harnessToken: string;
  contexts: SandboxContexts;
  caPem: string;
  auth: SandboxAuth;
  faults: FaultInjector;
  simulator: WorkloadSimulator;
  stats: RequestStats;
  /** Creates the CustomResourceDefinitions in a YAML file (as `crdFiles` does at start). */
  loadCrdFile(path: string): Promise<void>;
  stop(): Promise<void>;
}

const INITIAL_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];
const MAX_BODY_BYTES = 3 * 1024 * 1024;
const MAX_WATCH_BUFFER_BYTES = 256 * 1024 * 1024;

function requireType(registry: ResourceRegistry, group: string, resource: string): ResourceType {
  const type = registry.all().find((t) => t.group === group && t.resource === resource);
  if (!type) throw new Error(`built-in ${resource} missing`);
  return type;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Creates the CRDs found in a multi-document YAML file; other documents are ignored. */
async function loadCrds(path: string, create: (crd: unknown) => void): Promise<void> {
  const docs = yaml.loadAll(await readFile(path, 'utf8'));
  for (const doc of docs) {
    if (isJsonObject(doc) && doc['kind'] === 'CustomResourceDefinition') create(doc);
  }
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const logger = options.logger ?? createLogger(options.logLevel ?? 'silent', 'vane-sandbox');
  const onError = (err: unknown): void => logger.error({ err }, 'sandbox controller failed');
  const auth = new SandboxAuth(options.users, { anonymous: options.anonymousAuth ?? true });
  const registry = new ResourceRegistry(builtinResources(auth));
  const store = new ObjectStore();
  store.onListenerError = onError;
  const hub = new WatchHub(store, options.watchHistorySize ?? 10_000);
  const operations = new ResourceOperations(store, new ListPager(options.continueTokenTtlMs ?? 5 * 60_000));
  const crdType = requireType(registry, CRD_GROUP, 'customresourcedefinitions');
  const namespaceType = requireType(registry, '', 'namespaces');
  const controllers = [
    new CustomResourceController(store, registry, operations, crdType, onError),
    new GarbageCollector(store, registry, operations, onError),
    new NamespaceController(store, registry, operations, namespaceType, onError),
  ];
  const simulator = new WorkloadSimulator(store, registry, operations, options.simulator ?? {}, onError);
  for (const name of new Set([...INITIAL_NAMESPACES, ...(options.namespaces ?? [])])) operations.create(namespaceType, undefined, { metadata: { name } });

  const watches = new WatchRegistry();
  const stats = new RequestStats();
  const faults = new FaultInjector(options.faultSeed ?? 1, (match) => watches.drop(match));
  const handler = new ApiHandler({
    registry,
    store,
    operations,
    scale: new ScaleSubresource(operations),
    hub,
    watches,
    watchDefaults: {
      timeoutSeconds: options.watchTimeoutSeconds ?? 1800,
      bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
      maxBufferedBytes: MAX_WATCH_BUFFER_BYTES,
    },
  });
  let address = '';
  const api = new ApiServer({ auth, stats, faults, handler, registry, logger, serverAddress: () => address, maxBodyBytes: MAX_BODY_BYTES });

  const tls = await sandboxTlsMaterial();
  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, api.listener);
  const sockets = new Set<Socket>();
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  const port = await listen(server, options.port ?? 0);
  address = `127.0.0.1:${port}`;
  const url = `https://${address}`;

  const dir = options.dir ?? (await mkdtemp(join(tmpdir(), 'vane-sandbox-')));
  const users = [
    { name: ADMIN_USER, token: auth.adminToken },
    { name: HARNESS_USER, token: auth.harnessToken },
    ...(options.users ?? []).map((u) => ({ name: u.name, token: u.token })),
  ];
  const kubeconfig = kubeconfigYaml({ server: url, caPem: tls.caPem, users });
  const kubeconfigPath = join(dir, 'kubeconfig');
  await writeKubeconfig(kubeconfigPath, kubeconfig);

  const loadCrdFile = (path: string): Promise<void> => loadCrds(path, (crd) => operations.create(crdType, undefined, crd));
  for (const file of options.crdFiles ?? []) await loadCrdFile(file);
  logger.info({ url, kubeconfigPath }, 'sandbox API server listening');

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    watches.closeAll();
    simulator.stop();
    for (const controller of controllers) controller.stop();
    hub.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
    if (!options.dir) await rm(dir, { recursive: true, force: true });
  };

  return {
    url,
    kubeconfigPath,
    kubeconfig,
    token: auth.adminToken,
    harnessToken: auth.harnessToken,
    contexts: { admin: contextName(0, ADMIN_USER), harness: contextName(1, HARNESS_USER) },
    caPem: tls.caPem,
    auth,
    faults,
    simulator,
    stats,
    loadCrdFile,
    stop,
  };
}
