// The `vane` command tree; each subcommand lives in its own file and only maps flags to a call.
import { Command } from 'commander';
import { registerControllerCommand } from './controller-command.js';
import { registerSandboxCommand } from './sandbox-command.js';
import { registerDemoCommand } from './demo-command.js';
import { registerRolloutCommands } from './rollout-commands.js';
import { registerLintCommand } from './lint-command.js';
import { registerServeCommand } from './serve-command.js';

export function buildProgram(): Command {
  const program = new Command('vane')
    .description('Progressive delivery for Kubernetes: canary and blue-green rollouts gated on metrics')
    .showHelpAfterError()
    .exitOverride((err) => {
      process.exitCode = err.exitCode;
      throw err;
    });
  registerControllerCommand(program);
  registerSandboxCommand(program);
  registerDemoCommand(program);
  registerRolloutCommands(program);
  registerLintCommand(program);
  registerServeCommand(program);
  return program;
}
