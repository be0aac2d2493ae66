// The API server a contract test talks to: the cluster VANE_TEST_KUBECONFIG points at, or a fresh sandbox.
// Tests only use what a real kube-apiserver offers, through client-node, raw HTTPS and kubectl.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as k8s from '@kubernetes/client-node';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../../src/sandbox/sandbox.js';
import { rawConnection, rawRequest, type RawResponse } from './raw-http.js';

export type { RawResponse } from './raw-http.js';

export interface TestCluster {
  kc: k8s.KubeConfig;
  kubeconfigPath: string;
  /** The sandbox when the suite started one; undefined against a real cluster. */
  sandbox: Sandbox | undefined;
  core: k8s.CoreV1Api;
  apps: k8s.AppsV1Api;
  custom: k8s.CustomObjectsApi;
  objects: k8s.KubernetesObjectApi;
  /** Creates a uniquely named namespace, deleted again by close(). */
  namespace(prefix: string): Promise<string>;
  /** One HTTPS request with the kubeconfig's credentials (for status codes and bodies client-node hides). */
  raw(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawResponse>;
  kubectl(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }>;
  close(): Promise<void>;
}

function suffix(): string {
  return randomBytes(3).toString('hex');
}

export async function openTestCluster(options: SandboxOptions = {}): Promise<TestCluster> {
  // An empty VANE_TEST_KUBECONFIG (as a test project may set it) means the sandbox, like an unset one.
  const external = process.env['VANE_TEST_KUBECONFIG'] || undefined;
  const sandbox = external ? undefined : await startSandbox({ simulator: { readyDelayMs: 20 }, ...options });
  const kubeconfigPath = external ?? sandbox?.kubeconfigPath ?? '';
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  const connection = rawConnection(kc);
  const namespaces: string[] = [];
  const core = kc.makeApiClient(k8s.CoreV1Api);

  return {
    kc,
    kubeconfigPath,
    sandbox,
    core,
    apps: kc.makeApiClient(k8s.AppsV1Api),
    custom: kc.makeApiClient(k8s.CustomObjectsApi),
    objects: k8s.KubernetesObjectApi.makeApiClient(kc),
    async namespace(prefix) {
      const name = `${prefix}-${suffix()}`;
      await core.createNamespace({ body: { metadata: { name } } });
      namespaces.push(name);
      return name;
    },
    raw: (method, path, body, headers) => rawRequest(connection, method, path, body, headers),
    kubectl: (args, input) =>
      new Promise((resolve) => {
        const child = execFile('kubectl', ['--kubeconfig', kubeconfigPath, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
          const code = err ? (typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : 1) : 0;
          resolve({ code, stdout, stderr });
        });
        if (input !== undefined) child.stdin?.end(input);
      }),
    async close() {
      for (const name of namespaces) await core.deleteNamespace({ name }).catch(() => undefined);
      connection.agent.destroy();
      await sandbox?.stop();
    },
  };
}

/** The Status body of a failed client-node call (ApiException keeps it as text). */
export function statusOf(err: unknown): { code?: number; reason?: string; message?: string; details?: { name?: string; kind?: string; group?: string; causes?: Array<{ field?: string; reason?: string; message?: string }> } } {
  const e = err as { code?: number; body?: unknown };
  const body = typeof e.body === 'string' ? (JSON.parse(e.body) as Record<string, unknown>) : (e.body as Record<string, unknown> | undefined);
  return { code: e.code, ...(body ?? {}) };
}

/** Runs `fn`, expecting it to fail; returns the Status it failed with. */
export async function expectStatus(fn: () => Promise<unknown>): Promise<ReturnType<typeof statusOf>> {
  try {
    await fn();
  } catch (err) {
    return statusOf(err);
  }
  throw new Error('expected the API call to fail');
}

/** client-node options that make a typed patch call send the given content type. */
export function patchAs(contentType: string): k8s.ConfigurationOptions {
  return k8s.setHeaderOptions('Content-Type', contentType);
}

/** Polls until `check` returns a value (not undefined) or the time is up. */
export async function eventually<T>(check: () => Promise<T | undefined> | T | undefined, timeoutMs = 10_000, intervalMs = 20): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
