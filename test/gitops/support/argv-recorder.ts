// Wrappers for `git` and `ssh` that record every argv they are called with, then do the real work.
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ArgvRecorder {
  program: string;
  /** All recorded invocations, one argv (space-joined) per line. */
  read(): Promise<string>;
}

/** A git stand-in: appends its argv and its whole environment to logs, then execs the real git. */
export async function recordGitArgv(dir: string): Promise<ArgvRecorder & { environments: () => Promise<string> }> {
  const log = join(dir, 'git-argv.log');
  const envLog = join(dir, 'git-env.log');
  const program = join(dir, 'git-recorder');
  await writeFile(log, '');
  await writeFile(envLog, '');
  await writeFile(program, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nenv >> '${envLog}'\nexec git "$@"\n`);
  await chmod(program, 0o755);
  return { program, read: () => readFile(log, 'utf8'), environments: () => readFile(envLog, 'utf8') };
}

/**
 * An ssh stand-in for `ssh://git@<host>/<path>` URLs: records its argv, checks the key file it was given (content
 * digest and mode) and then runs the requested git-upload-pack / git-receive-pack locally, as sshd would.
 */
export async function recordSsh(dir: string): Promise<ArgvRecorder & { keyLog: () => Promise<string> }> {
  const log = join(dir, 'ssh-argv.log');
  const keyLog = join(dir, 'ssh-keys.log');
  const program = join(dir, 'ssh');
  await writeFile(log, '');
  await writeFile(keyLog, '');
  const script = [
    '#!/bin/sh',
    `printf '%s\\n' "$*" >> '${log}'`,
    'for arg in "$@"; do if [ "$arg" = "-G" ]; then exit 1; fi; done',
    'key=""; prev=""',
    'for arg in "$@"; do if [ "$prev" = "-i" ]; then key="$arg"; fi; prev="$arg"; done',
    `if [ -n "$key" ]; then printf '%s %s\\n' "$(stat -c %a "$key")" "$(sha256sum < "$key" | cut -d' ' -f1)" >> '${keyLog}'; fi`,
    'for last in "$@"; do :; done',
    'exec sh -c "$last"',
    '',
  ].join('\n');
  await writeFile(program, script);
  await chmod(program, 0o755);
  return { program, read: () => readFile(log, 'utf8'), keyLog: () => readFile(keyLog, 'utf8') };
}
