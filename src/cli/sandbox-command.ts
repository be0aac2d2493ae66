// `vane sandbox`: the embedded Kubernetes API server, standalone, for kubectl and the controller.
import type { Command } from 'commander';
import { DEFAULT_LEASE_NAMESPACE } from './controller-config.js';
import { vaneCrdFiles } from './crd-paths.js';

interface SandboxFlags {
  port?: string;
  dir?: string;
  crds?: string[];
  readyDelayMs?: string;
}

export function registerSandboxCommand(program: Command): void {
  program
    .command('sandbox')
    .description('start the embedded Kubernetes API server (with a pod simulator) and print how to use it')
    .option('--port <port>', 'listen port (default: random)')
    .option('--dir <dir>', 'where to write the kubeconfig')
    .option('--crds <files...>', 'extra CRD files to apply at start (Vane CRDs are always applied)')
    .option('--ready-delay-ms <ms>', 'how long simulated pods take to become Ready', '300')
    .action(async (flags: SandboxFlags) => {
      const { serveSandbox } = await import('../sandbox/serve.js');
      await serveSandbox({
        ...(flags.port ? { port: Number(flags.port) } : {}),
        ...(flags.dir ? { dir: flags.dir } : {}),
        // As after an install, so `vane controller --kubeconfig FILE` finds its Lease namespace with no other flag.
        namespaces: [DEFAULT_LEASE_NAMESPACE],
        crdFiles: [...vaneCrdFiles(), ...(flags.crds ?? [])],
        simulator: { readyDelayMs: Number(flags.readyDelayMs ?? 300) },
      });
    });
}
