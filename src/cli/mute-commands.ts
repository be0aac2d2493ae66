// `vane mute NAME [--for 2h]` and `vane unmute NAME`: a person silences a Rollout's notifications by annotation
// (MUTE_ANNOTATION); the outbox records what it would have sent as Skipped. Needs the kubeconfig: the API writes status only.
import type { Command } from 'commander';
import { muteValue } from '../delivery/rollout-mute.js';
import { VaneError } from '../errors.js';
import { isDuration, parseDuration } from '../resources/duration.js';
import { namespaceOf, openBackend, withConnectionOptions, type ConnectionFlags } from './connection-options.js';

export function registerMuteCommands(program: Command): void {
  withConnectionOptions(program.command('mute').argument('<name>', 'rollout name'))
    .description("stop a rollout's notifications (recorded as Skipped), for good or --for a while")
    .option('--for <duration>', 'unmute by itself after this long, e.g. 2h')
    .action(async (name: string, flags: ConnectionFlags & { for?: string }) => {
      if (flags.for !== undefined && (!isDuration(flags.for) || parseDuration(flags.for) <= 0)) {
        throw new VaneError('BadRequest', `--for must be a positive duration like "30m" or "2h"; got ${JSON.stringify(flags.for)}`);
      }
      const value = muteValue(Date.now(), flags.for === undefined ? undefined : parseDuration(flags.for));
      await setMute(flags, name, value, (ns) => `rollout ${ns}/${name} muted${value === 'true' ? '' : ` until ${value}`}\n`);
    });
  withConnectionOptions(program.command('unmute').argument('<name>', 'rollout name'))
    .description("send a rollout's notifications again")
    .action(async (name: string, flags: ConnectionFlags) => {
      await setMute(flags, name, undefined, (ns) => `rollout ${ns}/${name} unmuted\n`);
    });
}

async function setMute(flags: ConnectionFlags, name: string, value: string | undefined, said: (namespace: string) => string): Promise<void> {
  const backend = await openBackend(flags);
  try {
    const namespace = namespaceOf(flags, backend);
    await backend.setMute(namespace, name, value);
    process.stdout.write(said(namespace));
  } finally {
    backend.close();
  }
}
