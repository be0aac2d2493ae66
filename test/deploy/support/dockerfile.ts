// Reads a Dockerfile's instructions and a .dockerignore's rules the way `docker build` applies them, so tests can
// check a build context without Docker.

export interface Instruction {
  keyword: string;
  args: string;
  /** Index of the build stage (FROM) the instruction belongs to. */
  stage: number;
}

/** Instructions in order, with line continuations joined and comments dropped. */
export function parseDockerfile(text: string): Instruction[] {
  const logical = text.replace(/\\\n/g, ' ').split('\n');
  const instructions: Instruction[] = [];
  let stage = -1;
  for (const line of logical.map((l) => l.trim())) {
    if (line === '' || line.startsWith('#')) continue;
    const [keyword = '', ...rest] = line.split(/\s+/);
    if (keyword.toUpperCase() === 'FROM') stage += 1;
    instructions.push({ keyword: keyword.toUpperCase(), args: rest.join(' '), stage });
  }
  return instructions;
}

/** COPY's sources and destination, and its --from stage if any (JSON form is not used here). */
export function copyArgs(args: string): { from: string | undefined; sources: string[]; destination: string } {
  const words = args.split(/\s+/);
  const flags = words.filter((w) => w.startsWith('--'));
  const paths = words.filter((w) => !w.startsWith('--'));
  const from = flags.find((f) => f.startsWith('--from='))?.slice('--from='.length);
  return { from, sources: paths.slice(0, -1), destination: paths.at(-1) ?? '' };
}

interface IgnoreRule {
  negated: boolean;
  pattern: RegExp;
}

function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length; i += 1) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      source += '.*';
      i += glob[i + 2] === '/' ? 2 : 1;
    } else if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else source += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const negated = l.startsWith('!');
      const cleaned = (negated ? l.slice(1) : l).replace(/^\/+/, '').replace(/\/+$/, '');
      return { negated, pattern: globToRegExp(cleaned) };
    });
}

/** As Docker decides: the last rule matching the path or one of its parent directories wins. */
export function isIgnored(rules: readonly IgnoreRule[], path: string): boolean {
  const parts = path.split('/');
  const candidates = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((c) => rule.pattern.test(c))) ignored = !rule.negated;
  }
  return ignored;
}
