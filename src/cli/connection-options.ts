// How a rollout command reaches rollouts: `--server URL` (+ `--token`) for Vane's API, else the kubeconfig
// (`--kubeconfig`, `KUBECONFIG`, `--context`). Shared by every rollout command.
import type { Command } from 'commander';
import { ApiRolloutBackend } from './api-rollout-backend.js';
import type { RolloutBackend } from './rollout-backend.js';

export interface ConnectionFlags {
  server?: string;
  token?: string;
  kubeconfig?: string;
  context?: string;
  namespace?: string;
}

export function withConnectionOptions(command: Command): Command {
  return command
    .option('-n, --namespace <namespace>', 'namespace of the rollout (default: the context\'s, else "default")')
    .option('--server <url>', 'Vane API URL; without it the cluster is used directly (env VANE_SERVER)')
    .option('--token <token>', 'bearer token for --server (env VANE_TOKEN)')
    .option('--kubeconfig <path>', 'kubeconfig file when talking to the cluster directly (env KUBECONFIG)')
    .option('--context <name>', 'kubeconfig context to use');
}

export async function openBackend(flags: ConnectionFlags, env: NodeJS.ProcessEnv = process.env): Promise<RolloutBackend> {
  const server = flags.server ?? env.VANE_SERVER;
  if (server) return new ApiRolloutBackend(server, flags.token ?? env.VANE_TOKEN);
  // Loaded on demand: `--server` use and `lint` need none of the cluster backend's modules.
  const { KubeRolloutBackend } = await import('./kube-rollout-backend.js');
  return KubeRolloutBackend.open({ kubeconfig: flags.kubeconfig, context: flags.context });
}

export function namespaceOf(flags: ConnectionFlags, backend: RolloutBackend): string {
  return flags.namespace ?? backend.defaultNamespace;
}
