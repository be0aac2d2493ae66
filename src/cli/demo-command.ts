// `vane demo` (`npm run demo`): the controller on the embedded sandbox, with a readable timeline.
import { InvalidArgumentError, type Command } from 'commander';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('walk a canary to Healthy, abort a broken release, and revert in git a release that fails its analysis gate, on the embedded sandbox (no cluster needed; git for the last part)')
    .option('--port <port>', 'where the API and the dashboard listen, on loopback (default: any free port)', parsePort)
    .option('--keep', 'keep the sandbox, the controller and the dashboard running after the scenario, until Ctrl-C')
    .action(async (options: { port?: number; keep?: boolean }) => {
      const { runDemo } = await import('../demo/demo-scenario.js');
      const keepUntil = options.keep ? interrupted() : undefined;
      const ok = await runDemo((line) => process.stdout.write(`${line}\n`), { ...(options.port !== undefined ? { port: options.port } : {}), ...(keepUntil ? { keepUntil } : {}) });
      process.exitCode = ok ? 0 : 1;
    });
}

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new InvalidArgumentError('expected a port number from 0 to 65535');
  return port;
}

function interrupted(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}
