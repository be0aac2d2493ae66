// The `vane` command tree; each subcommand lives in its own file and only maps flags to a call.
import { basename } from 'node:path';
import { Command } from 'commander';
import { VANE_VERSION } from '../vane-package.js';
import { registerControllerCommand } from './controller-command.js';
import { registerSandboxCommand } from './sandbox-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerMuteCommands } from './mute-commands.js';
import { registerRolloutCommands } from './rollout-commands.js';
import { registerImportCommand } from './import-command.js';
import { registerLintCommand } from './lint-command.js';
import { registerReportCommand } from './report-command.js';
import { registerServeCommand } from './serve-command.js';
import { registerSetCommands } from './set-commands.js';

/**
 * The name people typed: `kubectl vane` when kubectl ran this program as its `kubectl-vane` plugin (kubectl passes
 * the plugin's path as argv[0], which node reports as argv[1]), else `vane`.
 */
export function programName(scriptPath: string | undefined = process.argv[1]): string {
  return basename(scriptPath ?? '').startsWith('kubectl-vane') ? 'kubectl vane' : 'vane';
}

export function buildProgram(name: string = programName()): Command {
  const program = new Command(name)
    .description('Progressive delivery for Kubernetes: canary and blue-green rollouts gated on metrics')
    .version(VANE_VERSION, '-V, --version', 'print the version')
    .exitOverride((err) => {
      process.exitCode = err.exitCode;
      throw err;
    });
  registerControllerCommand(program);
  registerSandboxCommand(program);
  registerDemoCommand(program);
  registerRolloutCommands(program);
  registerSetCommands(program);
  registerMuteCommands(program);
  registerReportCommand(program);
  registerLintCommand(program);
  registerImportCommand(program);
  registerServeCommand(program);
  hintHelpAfterErrors(program);
  return program;
}

/** After a usage error, one line saying where the options are (commander adds a "did you mean" where it can), rather
 * than the whole help pushing the error off the screen. */
function hintHelpAfterErrors(command: Command, path = command.name()): void {
  command.showHelpAfterError(`(run '${path} --help' for usage)`);
  for (const sub of command.commands) hintHelpAfterErrors(sub, `${path} ${sub.name()}`);
}
