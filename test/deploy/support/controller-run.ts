// The controller as the Deployment runs it, against a sandbox: it authenticates as the install's ServiceAccount,
// takes its configuration from the Deployment's env, and every API request it makes is recorded for the RBAC check.
// The test drives Rollouts as a person would, with a separate admin client and through the controller's HTTP API.
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { vaneCrdFiles } from '../../../src/cli/crd-paths.js';
import { controllerConfig } from '../../../src/cli/controller-config.js';
import { startController, type RunningController } from '../../../src/cli/start-controller.js';
import { KubeClient } from '../../../src/kube/kube-client.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { Kinds } from '../../../src/kube/resource-kind.js';
import { KubeTransport } from '../../../src/kube/kube-transport.js';
import { createLogger } from '../../../src/logger.js';
import { podTemplateHash } from '../../../src/resources/pod-template-hash.js';
import type { Rollout, RolloutSpec } from '../../../src/resources/rollout.js';
import type { RequestAttributes } from '../../../src/sandbox/sandbox-auth.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/sandbox.js';

export type RolloutObject = Rollout & KubeObject;

export interface ControllerRun {
  sandbox: Sandbox;
  controller: RunningController;
  /** A cluster admin, for the test's own reads and writes (not recorded). */
  admin: KubeClient;
  /** Every request the controller's ServiceAccount made. */
  requests: RequestAttributes[];
  namespace: string;
  createRollout(name: string, spec: Partial<RolloutSpec>, services?: string[]): Promise<RolloutObject>;
  /** Changes the image; returns the new pod-template hash and the Rollout as the API answered (status not yet updated). */
  setImage(name: string, image: string): Promise<{ hash: string; rollout: RolloutObject }>;
  /** POST /api/v1/namespaces/<ns>/rollouts/<name>/<verb> as a person holding a bearer token. */
  command(name: string, verb: 'promote' | 'abort' | 'retry' | 'pause' | 'resume'): Promise<number>;
  rollout(name: string): Promise<RolloutObject>;
  waitFor(name: string, done: (ro: RolloutObject) => boolean, what: string): Promise<RolloutObject>;
  /** Stops the controller as SIGTERM does (releasing the lease); close() after it stops the rest. */
  stopController(): Promise<void>;
  close(): Promise<void>;
}

export interface RunOptions {
  /** The ServiceAccount the Deployment runs as. */
  account: { namespace: string; name: string };
  /** Where the Rollouts live. */
  namespace: string;
  /** The Deployment's --namespace flag (namespaced install); undefined watches all namespaces. */
  watchNamespace?: string;
  /** The Deployment's literal env (VANE_*), as rendered. */
  env: NodeJS.ProcessEnv;
}

export function template(image: string, app: string): NonNullable<RolloutSpec['template']> {
  return { metadata: { labels: { app } }, spec: { containers: [{ name: 'app', image }] } };
}

function kubeConfigFor(sandbox: Sandbox, user: string, token: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'sandbox', server: sandbox.url, caData: Buffer.from(sandbox.caPem).toString('base64'), skipTLSVerify: false }],
    users: [{ name: user, token }],
    contexts: [{ name: user, cluster: 'sandbox', user }],
    currentContext: user,
  });
  return kc;
}

async function ensureNamespace(admin: KubeClient, name: string): Promise<void> {
  if (await admin.get(Kinds.Namespace, undefined, name)) return;
  await admin.create(Kinds.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
}

export async function startControllerRun(options: RunOptions): Promise<ControllerRun> {
  const accountUser = `system:serviceaccount:${options.account.namespace}:${options.account.name}`;
  const accountToken = randomBytes(24).toString('base64url');
  const personToken = randomBytes(24).toString('base64url');
  const sandbox = await startSandbox({
    crdFiles: vaneCrdFiles(),
    simulator: { readyDelayMs: 30 },
    logLevel: 'silent',
    users: [{ name: accountUser, token: accountToken, groups: ['system:serviceaccounts'] }, { name: 'release-manager', token: personToken }],
  });
  // Recorded where the API server authorizes (allowing everything, as an audit), so that watches count too: their
  // `onRequest` record only comes when the server ends the response, never when the client hangs up.
  const requests: RequestAttributes[] = [];
  sandbox.auth.setAuthorizer((attributes) => {
    if (attributes.user.username === accountUser) requests.push(attributes);
    return true;
  });
  const adminTransport = await KubeTransport.fromKubeConfig(kubeConfigFor(sandbox, 'sandbox-admin', sandbox.token));
  const admin = new KubeClient(adminTransport);
  await ensureNamespace(admin, options.account.namespace);
  await ensureNamespace(admin, options.namespace);

  // The git remotes of these scenarios are bare repositories on disk: the operator opt-in for local URLs.
  const flags = { leaderElect: true, apiPort: '0', gitWorkDir: mkdtempSync(join(tmpdir(), 'vane-git-cache-')), allowLocalGitUrls: true, leaseDuration: '3', ...(options.watchNamespace ? { namespace: options.watchNamespace } : {}) };
  const config = controllerConfig(flags, { ...options.env, VANE_LOG_LEVEL: 'silent', POD_NAME: `${options.account.name}-0`, POD_NAMESPACE: options.account.namespace });
  const logger = createLogger(process.env['VANE_TEST_LOG'] === '1' ? 'debug' : 'silent');
  const controller = await startController(config, { kubeConfig: kubeConfigFor(sandbox, accountUser, accountToken), logger });
  const namespace = options.namespace;
  let stopping: Promise<void> | undefined;

  const run: ControllerRun = {
    sandbox,
    controller,
    admin,
    requests,
    namespace,
    async createRollout(name, spec, services = []) {
      for (const svc of services) {
        await admin.create(Kinds.Service, { apiVersion: 'v1', kind: 'Service', metadata: { name: svc, namespace }, spec: { selector: { app: name }, ports: [{ port: 80 }] } });
      }
      const body = {
        apiVersion: 'vane.dev/v1alpha1',
        kind: 'Rollout',
        metadata: { name, namespace },
        spec: { replicas: 2, selector: { matchLabels: { app: name } }, template: template('img:1', name), strategy: { canary: { steps: [] } }, ...spec },
      } as RolloutObject;
      return admin.create(Kinds.Rollout, body);
    },
    async setImage(name, image) {
      const tpl = template(image, name);
      const rollout = await admin.patch<RolloutObject>(Kinds.Rollout, namespace, name, { spec: { template: tpl } }, 'merge');
      return { hash: podTemplateHash(tpl), rollout };
    },
    async command(name, verb) {
      const response = await fetch(`${controller.apiUrl}/api/v1/namespaces/${namespace}/rollouts/${name}/${verb}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${personToken}` },
      });
      await response.arrayBuffer();
      return response.status;
    },
    async rollout(name) {
      const ro = await admin.get<RolloutObject>(Kinds.Rollout, namespace, name);
      if (!ro) throw new Error(`Rollout ${namespace}/${name} is gone`);
      return ro;
    },
    async waitFor(name, done, what) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const ro = await run.rollout(name);
        if (done(ro)) return ro;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify({ phase: ro.status?.phase, message: ro.status?.message })}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async stopController() {
      // RunningController.stop() is not idempotent (a second call fails closing the API server), hence the guard.
      stopping ??= controller.stop();
      await stopping;
    },
    async close() {
      await run.stopController();
      adminTransport.close();
      await sandbox.stop();
    },
  };
  return run;
}
