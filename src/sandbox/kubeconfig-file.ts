// The kubeconfig that points client-node and kubectl at a sandbox: its CA, and one token user and context per user.
import { writeFile } from 'node:fs/promises';
import yaml from 'js-yaml';

export interface KubeconfigUser {
  name: string;
  token: string;
}

export interface KubeconfigSpec {
  server: string;
  caPem: string;
  /** The first user is the current context's; each user gets a context named after it. */
  users: readonly KubeconfigUser[];
  namespace?: string;
}

export const CLUSTER_NAME = 'vane-sandbox';

/** Context names: `vane-sandbox` for the first user, `vane-sandbox-<user>` for the others. */
export function contextName(userIndex: number, userName: string): string {
  return userIndex === 0 ? CLUSTER_NAME : `${CLUSTER_NAME}-${userName}`;
}

export function kubeconfigYaml(spec: KubeconfigSpec): string {
  const contexts = spec.users.map((user, i) => ({
    name: contextName(i, user.name),
    context: { cluster: CLUSTER_NAME, user: user.name, namespace: spec.namespace ?? 'default' },
  }));
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    preferences: {},
    clusters: [{ name: CLUSTER_NAME, cluster: { server: spec.server, 'certificate-authority-data': Buffer.from(spec.caPem).toString('base64') } }],
    users: spec.users.map((user) => ({ name: user.name, user: { token: user.token } })),
    contexts,
    'current-context': contexts[0]?.name ?? CLUSTER_NAME,
  };
  return yaml.dump(doc, { lineWidth: -1 });
}

/** Writes the kubeconfig readable by its owner only (it holds bearer tokens). */
export async function writeKubeconfig(path: string, text: string): Promise<void> {
  await writeFile(path, text, { mode: 0o600 });
}
