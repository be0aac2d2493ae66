// `vane demo` (`npm run demo`): the controller on the embedded sandbox, with a readable timeline.
import type { Command } from 'commander';

export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('walk a canary to Healthy, abort a broken release, and revert in git a release that fails its analysis gate, on the embedded sandbox (no cluster needed; git for the last part)')
    .action(async () => {
      const { runDemo } = await import('../demo/demo-scenario.js');
      const ok = await runDemo((line) => process.stdout.write(`${line}\n`));
      process.exitCode = ok ? 0 : 1;
    });
}
