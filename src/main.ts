#!/usr/bin/env node
// The `vane` (and `kubectl-vane`) entry point.
import { CommanderError } from 'commander';
import { buildProgram } from './cli/program.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    // Commander has already printed its own usage errors and help; only its exit code is left to set.
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode;
      return;
    }
    process.stderr.write(`vane: ${err instanceof Error ? err.message : String(err)}\n`);
    // Exits now rather than when the event loop drains: a long-running command that failed to start (a port in use,
    // a bad kubeconfig) must not linger on something it had already opened.
    process.exit(process.exitCode || 1);
  });
