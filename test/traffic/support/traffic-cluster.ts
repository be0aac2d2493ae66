// A sandbox with the real routing CRDs and Vane's, a client over its kubeconfig, and a writer that counts writes.
import { KubeConfig } from '@kubernetes/client-node';
import { join } from 'node:path';
import { vaneCrdFiles } from '../../../src/cli/crd-paths.js';
import { KubeClient, type ObjectWriter } from '../../../src/kube/kube-client.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { KubeTransport } from '../../../src/kube/kube-transport.js';
import type { PatchType } from '../../../src/kube/kube-transport.js';
import { Kinds, type ResourceKind } from '../../../src/kube/resource-kind.js';
import type { CanaryStrategy, Rollout } from '../../../src/resources/rollout.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/sandbox.js';
import type { RouterDeps } from '../../../src/traffic/routing-object.js';
import { CRD_FILES, FIXTURE_CRD_DIR } from '../../fixtures/fixture-files.js';

export const ROUTING_CRD_FILES = CRD_FILES.map((f) => join(FIXTURE_CRD_DIR, f));

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete', 'deletecollection']);

export interface WriteRecord {
  verb: 'create' | 'replace' | 'patch' | 'delete';
  kind: string;
  name: string;
  body?: unknown;
  patchType?: PatchType;
}

/** Passes every write through and remembers it, so tests can say "this call wrote nothing". */
export class CountingWriter implements ObjectWriter {
  readonly writes: WriteRecord[] = [];

  constructor(private readonly inner: ObjectWriter) {}

  create<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    this.writes.push({ verb: 'create', kind: kind.kind, name: obj.metadata.name ?? '', body: obj });
    return this.inner.create(kind, obj);
  }

  replace<T extends KubeObject>(kind: ResourceKind, obj: T): Promise<T> {
    this.writes.push({ verb: 'replace', kind: kind.kind, name: obj.metadata.name ?? '', body: obj });
    return this.inner.replace(kind, obj);
  }

  patch<T extends KubeObject>(kind: ResourceKind, namespace: string | undefined, name: string, patch: unknown, type?: PatchType): Promise<T> {
    this.writes.push({ verb: 'patch', kind: kind.kind, name, body: patch, patchType: type });
    return this.inner.patch(kind, namespace, name, patch, type);
  }

  delete(kind: ResourceKind, namespace: string | undefined, name: string): Promise<void> {
    this.writes.push({ verb: 'delete', kind: kind.kind, name });
    return this.inner.delete(kind, namespace, name);
  }

  /** How many writes `action` issued. */
  async countDuring(action: () => Promise<unknown>): Promise<number> {
    const before = this.writes.length;
    await action();
    return this.writes.length - before;
  }
}

export interface TrafficCluster {
  sandbox: Sandbox;
  client: KubeClient;
  writer: CountingWriter;
  deps: RouterDeps;
  /** Write requests (create, update, patch, delete) the API server answered while `action` ran. */
  serverWritesDuring(action: () => Promise<unknown>): Promise<number>;
  /** A fresh namespace, so every specification starts from its own objects. */
  namespace(prefix: string): Promise<string>;
  close(): Promise<void>;
}

export async function openTrafficCluster(): Promise<TrafficCluster> {
  const sandbox = await startSandbox({ crdFiles: [...ROUTING_CRD_FILES, ...vaneCrdFiles()], logLevel: 'silent' });
  const kc = new KubeConfig();
  kc.loadFromFile(sandbox.kubeconfigPath);
  const client = new KubeClient(await KubeTransport.fromKubeConfig(kc));
  const writer = new CountingWriter(client);
  let counter = 0;
  return {
    sandbox,
    client,
    writer,
    deps: { reader: client, writer },
    async serverWritesDuring(action) {
      // Counted when requests arrive, so every write the action awaited is in the second snapshot.
      const before = writeCount(sandbox);
      await action();
      return writeCount(sandbox) - before;
    },
    async namespace(prefix) {
      counter += 1;
      const name = `${prefix}-${counter}`;
      await client.create(Kinds.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
      return name;
    },
    async close() {
      client.transport.close();
      await sandbox.stop();
    },
  };
}

function writeCount(sandbox: Sandbox): number {
  return sandbox.stats.snapshot().entries.reduce((sum, e) => sum + (WRITE_VERBS.has(e.verb) ? e.count : 0), 0);
}

/** Creates a canary Rollout with `web-stable` / `web-canary` Services and the given routing (it gets a uid to own objects). */
export async function createRollout(client: KubeClient, namespace: string, canary: Partial<CanaryStrategy>, name = 'web'): Promise<Rollout> {
  const body: Rollout = {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name, namespace },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'app', image: 'img:1' }] } },
      strategy: { canary: { stableService: 'web-stable', canaryService: 'web-canary', steps: [], ...canary } },
    },
  };
  return client.create(Kinds.Rollout, body as unknown as KubeObject) as unknown as Promise<Rollout>;
}
