// The rollout commands of `vane` (and `kubectl vane`): get, list, promote, abort, retry, pause, resume, status
// (`set image` is in set-commands.ts).
// Each maps flags to a RolloutBackend call and prints; exit codes are part of the interface (see rollout-status.ts).
import { Option, type Command } from 'commander';
import { VaneError } from '../errors.js';
import { parseDuration } from '../resources/duration.js';
import { COMMAND_REASON_MAX_LENGTH, type CommandAction, type CommandAck } from '../resources/rollout.js';
import { commandReason } from '../server/command-body.js';
import { namespaceOf, openBackend, withConnectionOptions, type ConnectionFlags } from './connection-options.js';
import type { RolloutBackend } from './rollout-backend.js';
import { STATUS_EXIT, statusLine, statusVerdict } from './rollout-status.js';
import { renderRolloutTable, renderRolloutTree } from './rollout-tree.js';
import { watchRolloutList } from './rollout-list-watch.js';
import { watchUntil } from './rollout-watch.js';

interface OutputFlags {
  output?: 'text' | 'json';
}

interface WaitFlags {
  wait?: boolean;
  waitTimeout: string;
}

const outputOption = (): Option => new Option('-o, --output <format>', 'output format').choices(['text', 'json']).default('text');

export function registerRolloutCommands(program: Command): void {
  registerGet(program);
  registerList(program);
  registerCommand(program, 'promote', 'promote a rollout to its next step (or past all steps with --full)', (flags) => (flags.full ? 'promote-full' : 'promote'));
  registerCommand(program, 'abort', 'abort a rollout: traffic back to stable, then roll back (--reason says why)', () => 'abort');
  registerCommand(program, 'retry', 'retry an aborted rollout from its first step', () => 'retry');
  registerCommand(program, 'pause', 'pause a rollout where it is', () => 'pause');
  registerCommand(program, 'resume', 'resume a paused rollout', () => 'resume');
  const rollback = program.command('rollback').description("an aborted release's git rollback");
  registerCommand(rollback, 'retry', 'try the git rollback of an aborted release again (after it failed or while it waits to retry)', () => 'rollback-retry');
  registerStatus(program);
}

function registerGet(program: Command): void {
  const get = program.command('get').description('show a resource');
  withConnectionOptions(get.command('rollout').alias('rollouts').alias('ro').argument('<name>', 'rollout name'))
    .description('show a rollout: steps (current marked), weights, ReplicaSets, analysis, rollback, events')
    .option('-w, --watch', 'keep showing it as its status changes (Ctrl-C to stop)')
    .addOption(outputOption())
    .action(async (name: string, flags: ConnectionFlags & OutputFlags & { watch?: boolean }) => {
      await withBackend(flags, async (backend) => {
        const namespace = namespaceOf(flags, backend);
        const show = async (): Promise<void> => {
          const detail = await backend.get(namespace, name);
          write(flags.output === 'json' ? `${JSON.stringify(detail, null, 2)}\n` : renderRolloutTree(detail));
        };
        if (!flags.watch) return show();
        await watchForever(backend, namespace, name, show);
      });
    });
}

function registerList(program: Command): void {
  const list = program.command('list').description('list resources');
  withConnectionOptions(list.command('rollouts').alias('rollout').alias('ro'))
    .description('list rollouts with their phase, step and weight')
    .option('-A, --all-namespaces', 'list rollouts in all namespaces')
    .option('-w, --watch', 'after the table, print a line each time a rollout changes (Ctrl-C to stop)')
    .addOption(outputOption())
    .action(async (flags: ConnectionFlags & OutputFlags & { allNamespaces?: boolean; watch?: boolean }) => {
      if (flags.allNamespaces && flags.namespace) throw new VaneError('BadRequest', '--namespace and --all-namespaces exclude each other');
      await withBackend(flags, async (backend) => {
        const namespace = flags.allNamespaces ? undefined : namespaceOf(flags, backend);
        if (flags.watch) {
          await untilInterrupted((signal) => watchRolloutList(backend, { namespace, output: flags.output ?? 'text', write, signal }));
          return;
        }
        const rollouts = await backend.list(namespace);
        if (flags.output === 'json') write(`${JSON.stringify({ items: rollouts }, null, 2)}\n`);
        else if (rollouts.length === 0) write('No rollouts found.\n');
        else write(renderRolloutTable(rollouts, flags.allNamespaces === true));
      });
    });
}

function registerCommand(program: Command, verb: string, description: string, action: (flags: { full?: boolean }) => CommandAction): void {
  const command = withConnectionOptions(program.command(verb).argument('<name>', 'rollout name'))
    .description(description)
    .option('--wait', 'wait until the controller acknowledges the command; exit 1 if it rejects it')
    .option('--wait-timeout <duration>', 'how long --wait waits', '60s');
  if (verb === 'promote') command.option('--full', 'skip the remaining steps and analysis');
  if (verb === 'abort') command.option('--reason <text>', `why, in your words: shown in the rollout's status message, its Event and the audit log (at most ${COMMAND_REASON_MAX_LENGTH} characters)`);
  command.action(async (name: string, flags: ConnectionFlags & WaitFlags & { full?: boolean; reason?: string }) => {
    const reason = commandReason(flags.reason, '--reason');
    await withBackend(flags, async (backend) => {
      const namespace = namespaceOf(flags, backend);
      const receipt = await backend.command(namespace, name, action(flags), reason === undefined ? {} : { reason });
      write(`${receipt.action} requested for rollout ${namespace}/${name} (command ${receipt.id})\n`);
      if (!flags.wait) return;
      const ack = await waitForAck(backend, { namespace, name }, receipt.id, parseDuration(flags.waitTimeout));
      write(`${ack.action} ${ack.result.toLowerCase()}${ack.message ? `: ${ack.message}` : ''}\n`);
      if (ack.result === 'Rejected') process.exitCode = 1;
    });
  });
}

function registerStatus(program: Command): void {
  withConnectionOptions(program.command('status').argument('<name>', 'rollout name'))
    .description('report whether a rollout is Healthy; exit 0 Healthy, 1 Degraded or error, 2 not Healthy yet / timed out')
    .option('-w, --watch', 'wait until the rollout is Healthy or Degraded')
    .option('-t, --timeout <duration>', 'how long --watch waits (e.g. 30s, 5m)', '10m')
    .action(async (name: string, flags: ConnectionFlags & { watch?: boolean; timeout: string }) => {
      const timeoutMs = parseDuration(flags.timeout);
      await withBackend(flags, async (backend) => {
        const namespace = namespaceOf(flags, backend);
        if (!flags.watch) {
          const summary = await backend.get(namespace, name);
          write(`${statusLine(summary)}\n`);
          process.exitCode = STATUS_EXIT[statusVerdict(summary)];
          return;
        }
        let last = '';
        const result = await watchUntil(backend, { namespace, name }, (summary) => {
          const line = statusLine(summary);
          if (line !== last) write(`${line}\n`);
          last = line;
          const verdict = statusVerdict(summary);
          return verdict === 'progressing' ? undefined : verdict;
        }, timeoutMs);
        if (!result.settled) {
          process.stderr.write(`vane: timed out after ${flags.timeout} waiting for rollout ${namespace}/${name} to become Healthy\n`);
          process.exitCode = STATUS_EXIT.timeout;
          return;
        }
        if (result.value === 'degraded') process.stderr.write(`vane: rollout ${namespace}/${name} is Degraded\n`);
        process.exitCode = STATUS_EXIT[result.value];
      });
    });
}

async function waitForAck(backend: RolloutBackend, target: { namespace: string; name: string }, id: string, timeoutMs: number): Promise<CommandAck> {
  const result = await watchUntil(backend, target, (summary) => (summary.lastCommand?.id === id ? summary.lastCommand : undefined), timeoutMs);
  if (!result.settled) throw new VaneError('Timeout', `the controller has not acknowledged command ${id} after ${timeoutMs / 1000}s (is it running?)`);
  return result.value;
}

/** Runs `watch` with a signal that aborts on Ctrl-C (SIGINT) or SIGTERM, so the command ends cleanly (exit 0). */
async function untilInterrupted(watch: (signal: AbortSignal) => Promise<void>, abort = new AbortController()): Promise<void> {
  const stop = (): void => abort.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await watch(abort.signal);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** Re-renders on every change until interrupted. */
async function watchForever(backend: RolloutBackend, namespace: string, name: string, show: () => Promise<void>): Promise<void> {
  const abort = new AbortController();
  let rendering = Promise.resolve();
  await untilInterrupted(
    (signal) =>
      backend.watch(namespace, name, (summary) => {
        if (!summary) {
          write(`rollout ${namespace}/${name} was deleted\n`);
          abort.abort();
          return;
        }
        // Renders one at a time, in order; a failed render is reported and the watch goes on.
        rendering = rendering.then(async () => {
          if (process.stdout.isTTY) write('\x1b[2J\x1b[H');
          await show().catch((err: unknown) => process.stderr.write(`vane: ${err instanceof Error ? err.message : String(err)}\n`));
        });
      }, signal),
    abort,
  );
  await rendering;
}

async function withBackend(flags: ConnectionFlags, run: (backend: RolloutBackend) => Promise<void>): Promise<void> {
  const backend = await openBackend(flags);
  try {
    await run(backend);
  } finally {
    backend.close();
  }
}

function write(text: string): void {
  process.stdout.write(text);
}
