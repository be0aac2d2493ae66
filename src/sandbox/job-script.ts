// What a Job's pod would do, read from its containers' command and args: how long it runs and how it exits. The
// sandbox runs no images; it understands the shell idioms analysis Jobs use (`sleep N`, `exit N`), which is how a
// test makes a Job succeed, fail or keep running (Argo's e2e templates: `sh -c "sleep {{args.duration}} && exit 1"`).

export interface ScriptOutcome {
  /** How long the pod runs (ms); undefined: it does not end on its own (`sleep 365d`, `sleep infinity`). */
  runMs: number | undefined;
  exitCode: number;
}

/** Longer than a sandbox lives (and than a Node timer can wait): treated as never ending. */
const FOREVER_MS = 24 * 60 * 60 * 1000;
const SHELLS = new Set(['sh', 'bash', 'ash', 'dash', 'zsh']);
const UNITS: Readonly<Record<string, number>> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

interface Container {
  command?: unknown;
  args?: unknown;
}

/** The pod's outcome: it ends when its last container ends, with the first non-zero exit code. */
export function podOutcome(containers: readonly Container[]): ScriptOutcome {
  const outcomes = containers.map(containerOutcome);
  const forever = outcomes.some((o) => o.runMs === undefined);
  const runMs = forever ? undefined : Math.max(0, ...outcomes.map((o) => o.runMs ?? 0));
  return { runMs, exitCode: outcomes.find((o) => o.exitCode !== 0)?.exitCode ?? 0 };
}

export function containerOutcome(container: Container): ScriptOutcome {
  const argv = [...strings(container.command), ...strings(container.args)];
  const program = basename(argv[0] ?? '');
  if (SHELLS.has(program) && argv.includes('-c')) {
    // `sh -c -x -e "script"`: the script is the first operand after the options.
    const script = argv.slice(1).find((word) => !word.startsWith('-'));
    return runScript(script ?? '');
  }
  return runCommand(argv.map((word, i) => (i === 0 ? basename(word) : word)));
}

/** Runs the script's simple commands in order (`;`, `&&` and newlines separate them) until one exits. */
function runScript(script: string): ScriptOutcome {
  let runMs: number | undefined = 0;
  for (const segment of script.split(/\n|;|&&/)) {
    const step = runCommand(segment.trim().split(/\s+/).filter((w) => w !== ''));
    runMs = runMs === undefined || step.runMs === undefined ? undefined : runMs + step.runMs;
    if (step.exitCode !== 0 || isExit(segment)) return { runMs, exitCode: step.exitCode };
  }
  return { runMs, exitCode: 0 };
}

function isExit(segment: string): boolean {
  return /^\s*exit\b/.test(segment);
}

function runCommand(words: readonly string[]): ScriptOutcome {
  const [name, operand] = words;
  if (name === 'sleep') return { runMs: sleepMs(operand ?? '0'), exitCode: 0 };
  // An exit code the sandbox cannot know (`exit $FLIP`) counts as a failure: a test should spell it out.
  if (name === 'exit') return { runMs: 0, exitCode: operand === undefined ? 0 : exitCode(operand) };
  if (name === 'false') return { runMs: 0, exitCode: 1 };
  return { runMs: 0, exitCode: 0 };
}

function exitCode(operand: string): number {
  return /^\d+$/.test(operand) ? Number(operand) % 256 : 1;
}

/** `sleep 30`, `sleep 0.5`, `sleep 5s`, `sleep 365d`, `sleep infinity`. */
function sleepMs(operand: string): number | undefined {
  if (operand === 'infinity') return undefined;
  const match = /^(\d+(?:\.\d+)?)([smhd]?)$/.exec(operand);
  if (!match) return 0;
  const ms = Number(match[1]) * (UNITS[match[2] ?? ''] ?? 1000);
  return ms >= FOREVER_MS ? undefined : ms;
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}
