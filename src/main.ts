#!/usr/bin/env node
// The `vane` (and `kubectl-vane`) entry point.
import { buildProgram } from './cli/program.js';

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    process.stderr.write(`vane: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = process.exitCode || 1;
  });
