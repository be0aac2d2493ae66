// A multi-tenant cluster for security scenarios: the sandbox with Argo CD and Flux stand-in CRDs, the controller running as
// the install's ServiceAccount under the RBAC deploy/kustomize/base grants, and tenants who are admins of their own
// namespace only (they may write anything there, status of their own objects included, and nothing elsewhere).
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { vaneCrdFiles } from '../../../src/cli/crd-paths.js';
import { startController, type RunningController } from '../../../src/cli/start-controller.js';
import { KubeClient } from '../../../src/kube/kube-client.js';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import { Kinds, type ResourceKind } from '../../../src/kube/resource-kind.js';
import { KubeTransport } from '../../../src/kube/kube-transport.js';
import { createLogger } from '../../../src/logger.js';
import type { Rollout } from '../../../src/resources/rollout.js';
import { startSandbox, type Sandbox } from '../../../src/sandbox/sandbox.js';
import { KUSTOMIZE_DIR, onlyObject, renderKustomization } from '../../deploy/support/kustomize-render.js';
import { allowed, grantsFor } from '../../deploy/support/rbac-rules.js';

export type RolloutObject = Rollout & KubeObject;

export const GITOPS_TOOL_CRDS = join(import.meta.dirname, '..', '..', 'deploy', 'fixtures', 'gitops-tool-crds.yaml');
export const APP_PROJECT: ResourceKind = { group: 'argoproj.io', version: 'v1alpha1', kind: 'AppProject', plural: 'appprojects', namespaced: true };

export interface TenantCluster {
  sandbox: Sandbox;
  controller: RunningController;
  /** A cluster admin: plays Argo CD, Flux and the platform team. */
  admin: KubeClient;
  /** The API as a tenant sees it: admin of its own namespace, nothing more. */
  tenant(user: string): KubeClient;
  rollout(namespace: string, name: string): Promise<RolloutObject>;
  waitFor(namespace: string, name: string, done: (ro: RolloutObject) => boolean, what: string): Promise<RolloutObject>;
  close(): Promise<void>;
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

/**
 * Starts the cluster with `tenants` (user → the namespace it administers) and the controller. The controller's git
 * remotes in these scenarios are bare repositories on disk, hence the operator opt-in for local URLs.
 */
export async function startTenantCluster(tenants: Record<string, string>): Promise<TenantCluster> {
  const objects = await renderKustomization(join(KUSTOMIZE_DIR, 'base'));
  const account = onlyObject(objects, 'ServiceAccount');
  const accountNamespace = account.metadata.namespace ?? 'vane-system';
  const accountUser = `system:serviceaccount:${accountNamespace}:${account.metadata.name}`;
  const grants = grantsFor(objects, { namespace: accountNamespace, name: account.metadata.name });
  const tokens = new Map(Object.keys(tenants).map((user) => [user, randomBytes(24).toString('base64url')]));
  const accountToken = randomBytes(24).toString('base64url');
  const sandbox = await startSandbox({
    crdFiles: [...vaneCrdFiles(), GITOPS_TOOL_CRDS],
    simulator: { readyDelayMs: 30 },
    logLevel: 'silent',
    users: [{ name: accountUser, token: accountToken, groups: ['system:serviceaccounts'] }, ...[...tokens].map(([name, token]) => ({ name, token }))],
  });
  sandbox.auth.setAuthorizer((request) => {
    if (request.user.groups.includes('system:masters')) return true;
    if (request.user.username === accountUser) return allowed(grants, request);
    const home = tenants[request.user.username];
    return home !== undefined && request.namespace === home;
  });
  const transports: KubeTransport[] = [];
  const clientAs = async (user: string, token: string): Promise<KubeClient> => {
    const transport = await KubeTransport.fromKubeConfig(kubeConfigFor(sandbox, user, token));
    transports.push(transport);
    return new KubeClient(transport);
  };
  const admin = await clientAs('sandbox-admin', sandbox.token);
  for (const name of new Set([accountNamespace, 'argocd', 'flux-system', ...Object.values(tenants)])) {
    await admin.create(Kinds.Namespace, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
  }
  const tenantClients = new Map<string, KubeClient>();
  for (const [user, token] of tokens) tenantClients.set(user, await clientAs(user, token));
  const controller = await startController(
    {
      workers: 4,
      leaderElection: false,
      leaseNamespace: accountNamespace,
      leaseName: 'vane',
      leaseDurationMs: 15_000,
      identity: 'security-test',
      logLevel: 'silent',
      apiPort: -1,
      gitWorkDir: mkdtempSync(join(tmpdir(), 'vane-git-cache-')),
      allowLocalGitUrls: true,
    },
    { kubeConfig: kubeConfigFor(sandbox, accountUser, accountToken), logger: createLogger(process.env['VANE_TEST_LOG'] === '1' ? 'debug' : 'silent') },
  );

  const cluster: TenantCluster = {
    sandbox,
    controller,
    admin,
    tenant(user) {
      const client = tenantClients.get(user);
      if (!client) throw new Error(`no tenant ${user}`);
      return client;
    },
    async rollout(namespace, name) {
      const ro = await admin.get<RolloutObject>(Kinds.Rollout, namespace, name);
      if (!ro) throw new Error(`Rollout ${namespace}/${name} is gone`);
      return ro;
    },
    async waitFor(namespace, name, done, what) {
      const deadline = Date.now() + 60_000;
      for (;;) {
        const ro = await cluster.rollout(namespace, name);
        if (done(ro)) return ro;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last status: ${JSON.stringify({ phase: ro.status?.phase, message: ro.status?.message, rollback: ro.status?.rollback })}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await controller.stop();
      for (const transport of transports) transport.close();
      await sandbox.stop();
    },
  };
  return cluster;
}
