// Runs the sandbox as a standalone process (the `vane sandbox` command, benchmarks): start, load CRDs, say how to
// reach it, stop cleanly on SIGINT/SIGTERM.
import { startSandbox, type Sandbox, type SandboxOptions } from './sandbox.js';

export interface ServeOptions extends SandboxOptions {
  /** Where the instructions go (default: stdout). */
  print?: (line: string) => void;
  /** Resolves when the process should stop (default: the first SIGINT or SIGTERM). */
  until?: Promise<unknown>;
  /** Called once the sandbox is up (benchmarks read the kubeconfig path from here). */
  onReady?: (sandbox: Sandbox) => void;
}

function firstSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const handler = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
      resolve(signal);
    };
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  });
}

/** Serves until stopped; resolves after the sandbox has shut down. */
export async function serveSandbox(options: ServeOptions = {}): Promise<void> {
  const print = options.print ?? ((line: string) => process.stdout.write(`${line}\n`));
  const stopSignal = options.until ?? firstSignal();
  const sandbox = await startSandbox({ logLevel: 'info', ...options });
  print(`Sandbox Kubernetes API server listening on ${sandbox.url}`);
  print(`kubeconfig: ${sandbox.kubeconfigPath}`);
  print('');
  print(`  export KUBECONFIG=${sandbox.kubeconfigPath}; kubectl get ns`);
  print('');
  print('Press Ctrl-C to stop.');
  options.onReady?.(sandbox);
  try {
    await stopSignal;
  } finally {
    await sandbox.stop();
    print('Sandbox stopped.');
  }
}
