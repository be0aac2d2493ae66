// The cluster a controller end-to-end suite runs against: a fresh sandbox, or — in the real API server leg
// ($VANE_TEST_APISERVER) — a fresh real kube-apiserver with the CRDs installed and a ReplicaSet controller stand-in.
// Either way the suite gets a kubeconfig and the same knobs on the workloads.
import { readFile } from 'node:fs/promises';
import { KubeConfig } from '@kubernetes/client-node';
import { loadAll } from 'js-yaml';
import { KubeClient } from '../../src/kube/kube-client.js';
import type { KubeObject } from '../../src/kube/kube-object.js';
import { KubeTransport } from '../../src/kube/kube-transport.js';
import { Kinds } from '../../src/kube/resource-kind.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import type { SandboxUser } from '../../src/sandbox/sandbox-auth.js';
import { realApiServerScript, startRealApiServer } from './real-api-server.js';
import { ReplicaSetStandIn, type WorkloadKnobs } from './replica-set-stand-in.js';

export interface ControllerCluster {
  /** `real` in the real API server leg. */
  kind: 'sandbox' | 'real';
  kubeconfigPath: string;
  /** The sandbox, for what only it offers (fault injection, request statistics); undefined on a real server. */
  sandbox: Sandbox | undefined;
  workloads: WorkloadKnobs;
  stop(): Promise<void>;
}

export interface ControllerClusterOptions {
  crdFiles: string[];
  /** How long a new Pod takes to become Ready. */
  readyDelayMs?: number;
  /** Sandbox users besides the admin (each gets a kubeconfig context `vane-sandbox-<name>`); the real server has only its admin. */
  users?: SandboxUser[];
}

/** True in the real API server leg: a suite skips what only the sandbox can do. */
export const onRealApiServer = realApiServerScript() !== undefined;

export async function openControllerCluster(options: ControllerClusterOptions): Promise<ControllerCluster> {
  const readyDelayMs = options.readyDelayMs ?? 30;
  const script = realApiServerScript();
  if (!script) {
    const sandbox = await startSandbox({ crdFiles: options.crdFiles, simulator: { readyDelayMs }, logLevel: 'silent', ...(options.users ? { users: options.users } : {}) });
    return { kind: 'sandbox', kubeconfigPath: sandbox.kubeconfigPath, sandbox, workloads: sandbox.simulator, stop: () => sandbox.stop() };
  }
  const server = await startRealApiServer(script);
  const kc = new KubeConfig();
  kc.loadFromFile(server.kubeconfigPath);
  const client = new KubeClient(await KubeTransport.fromKubeConfig(kc));
  try {
    await installCrds(client, options.crdFiles);
    const standIn = new ReplicaSetStandIn(client, readyDelayMs);
    await standIn.start();
    return {
      kind: 'real',
      kubeconfigPath: server.kubeconfigPath,
      sandbox: undefined,
      workloads: standIn,
      async stop() {
        await standIn.stop();
        client.transport.close();
        await server.stop();
      },
    };
  } catch (err) {
    client.transport.close();
    await server.stop();
    throw err;
  }
}

type Crd = KubeObject & { status?: { conditions?: Array<{ type: string; status: string }> } };

/** Creates the CRDs in the files and waits until the server serves each of them (Established). */
export async function installCrds(client: KubeClient, files: string[]): Promise<void> {
  const names: string[] = [];
  for (const file of files) {
    for (const doc of loadAll(await readFile(file, 'utf8'))) {
      const crd = doc as Crd | undefined;
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      await client.create(Kinds.CustomResourceDefinition, forV119(crd));
      names.push(crd.metadata.name ?? '');
    }
  }
  const deadline = Date.now() + 30_000;
  for (const name of names) {
    for (;;) {
      const crd = await client.get<Crd>(Kinds.CustomResourceDefinition, undefined, name);
      if (crd?.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline) throw new Error(`CRD ${name} was not Established within 30 s`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/**
 * Kubernetes 1.19 predates CEL validation rules (1.25): it drops `x-kubernetes-validations` when it decodes a CRD,
 * but it checks every `default` against the schema without them, and Gateway API's `default: ""` on fields with a
 * `minLength` fails that check. Both are removed, as one must to install such a CRD on 1.19 at all.
 */
function forV119(crd: Crd): Crd {
  const strip = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(strip);
    if (typeof node !== 'object' || node === null) return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) {
      if (key === 'x-kubernetes-validations' || (key === 'default' && value === '')) continue;
      out[key] = strip(value);
    }
    return out;
  };
  return strip(crd) as Crd;
}

/** A kube client of the cluster's admin (the test's own view, apart from any controller's). */
export async function adminClient(cluster: ControllerCluster): Promise<KubeClient> {
  const kc = new KubeConfig();
  kc.loadFromFile(cluster.kubeconfigPath);
  return new KubeClient(await KubeTransport.fromKubeConfig(kc));
}
