// Runs the built `vane` CLI as a child process (`node <built>/main.js ...`), as a user would, and captures its
// exit code and output. The global setup (test/support/build-cli.ts) compiles it once per test run.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { inject } from 'vitest';

export const REPO_ROOT = join(import.meta.dirname, '../../..');
export const MAIN = inject('cliMain');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningCli {
  child: ChildProcess;
  output(): string;
  /** Resolves when stdout has matched `pattern` (at any point). */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  done: Promise<CliResult>;
}

/** A clean environment: no ambient kubeconfig or Vane server leaks into a test. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { KUBECONFIG: _k, VANE_SERVER: _s, VANE_TOKEN: _t, ...rest } = process.env;
  return { ...rest, HOME: '/nonexistent-home', NO_COLOR: '1', ...extra };
}

export function startCli(args: string[], env: NodeJS.ProcessEnv = cliEnv()): RunningCli {
  return startProcess(process.execPath, [MAIN, ...args], env);
}

/** Any program (kubectl, for the plugin test), captured the same way. */
export async function runCommand(command: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  return settle(startProcess(command, args, env), timeoutMs);
}

/** Any program, left running (a server): the caller stops it. */
export function startCommand(command: string, args: string[], env: NodeJS.ProcessEnv): RunningCli {
  return startProcess(command, args, env);
}

function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv): RunningCli {
  const child = spawn(command, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const listeners: Array<() => void> = [];
  child.stdout?.on('data', (chunk: Buffer) => {
    stdout += chunk.toString('utf8');
    for (const wake of listeners.splice(0)) wake();
  });
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
  const done = new Promise<CliResult>((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
  return {
    child,
    output: () => stdout,
    async waitForOutput(pattern, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(stdout)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`CLI output never matched ${pattern}:\n${stdout}\n${stderr}`);
        await new Promise<void>((resolve) => {
          listeners.push(resolve);
          setTimeout(resolve, 200);
        });
      }
    },
    done,
  };
}

export async function runCli(args: string[], env?: NodeJS.ProcessEnv, timeoutMs = 60_000): Promise<CliResult> {
  return settle(startCli(args, env), timeoutMs);
}

async function settle(running: RunningCli, timeoutMs: number): Promise<CliResult> {
  const timer = setTimeout(() => running.child.kill('SIGKILL'), timeoutMs);
  try {
    return await running.done;
  } finally {
    clearTimeout(timer);
  }
}
