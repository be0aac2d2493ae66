// The repository is self-contained: no tracked file names a place outside it (the workplace's shared folder beside
// the checkout, or an absolute path of the machine it was written on), so a clone anywhere works on its own.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const REPO_ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
const THIS_FILE = 'test/repository/self-contained.test.ts';

/** Files allowed to break the rules, each with the reason. */
const EXEMPT: Record<string, string> = {
  // The CI entry point starts the real API server from the shared folder when it exists, and says so when not.
  '.ci/run': 'may use the real API server kept beside the repository (docs/compatibility.md)',
  [THIS_FILE]: 'spells out the patterns it looks for',
};

/**
 * Where a path starts: the beginning of a line, or a character that cannot be part of a longer path or name before
 * it (so a path inside a URL, after `$HOME` or `~` does not count; one after `file://` or a quote does).
 */
const START = String.raw`(?:^|[^A-Za-z0-9_.~$/-]|://)`;

/** Files that describe a container image's own filesystem, where `/root` and `/tmp` are paths inside the image. */
const IMAGE_FILES = new Set(['Dockerfile']);

const CODE_EXTENSIONS = new Set(['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs']);

interface Rule {
  why: string;
  pattern: RegExp;
  appliesTo(file: string): boolean;
}

/**
 * - The shared folder beside the checkout exists only in the workplace: naming it anywhere ties the repository to it.
 * - The workplace root, and `/home/<user>/`, `/Users/<user>/` are someone's home directory: never a
 *   place a clone can count on, in code, docs or configuration alike.
 * - `/root/` is this machine's root home; it is allowed only where it means a path inside the container image.
 * - `/tmp/...` is fine as an example in docs and manifests (the pod's writable emptyDir is `/tmp`) and inside a
 *   payload string, but a code string that *starts* with it uses a fixed scratch location of one machine instead of
 *   `os.tmpdir()` / `mkdtemp`.
 */
/** Spelt from parts, so that this file, which must name them to find them, does not name them itself. */
const SHARED_FOLDER = ['..', 'shared'].join('/');
const WORKPLACE_ROOT = `/${'work'}/`;

const RULES: Rule[] = [
  { why: 'names the shared folder beside the repository', pattern: new RegExp(`${SHARED_FOLDER.replace(/\./g, '\\.')}(?![\\w-])`), appliesTo: () => true },
  { why: 'names the workplace root', pattern: new RegExp(`${START}${WORKPLACE_ROOT}`), appliesTo: () => true },
  { why: "names a person's home directory", pattern: new RegExp(`${START}/(?:home|Users)/[^/\\s'"\`]+`), appliesTo: () => true },
  { why: "names root's home directory outside an image definition", pattern: new RegExp(`${START}/root/`), appliesTo: (file) => !IMAGE_FILES.has(file) },
  { why: 'uses a fixed /tmp path instead of os.tmpdir()', pattern: /['"`]\/tmp\//, appliesTo: (file) => CODE_EXTENSIONS.has(extname(file)) },
];

interface Finding {
  file: string;
  line: number;
  why: string;
  text: string;
}

/** What in `text` (the content of the tracked file `file`) names a place outside the repository. */
function findOutsidePaths(file: string, text: string): Finding[] {
  const rules = RULES.filter((rule) => rule.appliesTo(file));
  return text.split('\n').flatMap((lineText, index) =>
    rules.filter((rule) => rule.pattern.test(lineText)).map((rule) => ({ file, line: index + 1, why: rule.why, text: lineText.trim().slice(0, 160) })),
  );
}

function trackedFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '-z'], { cwd: REPO_ROOT, encoding: 'utf8' });
  return out.split('\0').filter((f) => f !== '');
}

function textOf(file: string): string | undefined {
  const path = resolve(REPO_ROOT, file);
  if (!existsSync(path)) return undefined; // deleted in the working tree, not yet committed
  const bytes = readFileSync(path);
  return bytes.includes(0) ? undefined : bytes.toString('utf8');
}

describe('the rules for paths outside the repository', () => {
  it.each([
    ['README.md', `see \`${SHARED_FOLDER}/DESIGN.md\` for the design`, 'names the shared folder beside the repository'],
    ['src/x.ts', `const dir = resolve(here, '../../../${SHARED_FOLDER}/fixtures');`, 'names the shared folder beside the repository'],
    ['test/x.ts', `const CANDIDATES = ['${WORKPLACE_ROOT}shared/fixtures/crds'];`, 'names the workplace root'],
    ['docs/x.md', `open file://${WORKPLACE_ROOT}notes.md`, 'names the workplace root'],
    ['docs/x.md', 'kubeconfig at /home/alice/.kube/config', "names a person's home directory"],
    ['deploy/x.yaml', 'mountPath: /root/.ssh', "names root's home directory outside an image definition"],
    ['src/x.ts', "const scratch = '/tmp/vane-work';", 'uses a fixed /tmp path instead of os.tmpdir()'],
  ])('given %s with "%s", then it is reported: %s', (file, line, why) => {
    expect(findOutsidePaths(file, `first line\n${line}\n`)).toEqual([{ file, line: 2, why, text: line }]);
  });

  it.each([
    ['docs/x.md', 'https://example.com/work/shared/page and https://github.com/home/repo'],
    ['docs/x.md', 'the workspace is at ~/work/ or $HOME/work/ on your machine'],
    ['docs/x.md', 'a cached clone under /var/cache/vane, HOME=/tmp, scratch in /tmp/git-askpass'],
    ['Dockerfile', '  && rm -rf /root/.npm'],
    ['src/x.test.ts', "repoURL: 'ext::sh -c touch% /tmp/pwned'"],
    ['src/x.ts', "import { shared } from '../shared-state.js';"],
  ])('given %s with "%s", then nothing is reported', (file, line) => {
    expect(findOutsidePaths(file, line)).toEqual([]);
  });
});

describe('given every file git tracks', () => {
  const files = trackedFiles();

  it('then the list is the repository, and every exempt file is one of them', () => {
    expect(files).toContain('package.json');
    for (const exempt of Object.keys(EXEMPT)) expect(files, `exempt file ${exempt} is not tracked`).toContain(exempt);
  });

  it('then none names a place outside the repository', () => {
    const findings = files.filter((file) => !(file in EXEMPT)).flatMap((file) => findOutsidePaths(file, textOf(file) ?? ''));
    expect(findings.map((f) => `${f.file}:${f.line}: ${f.why}: ${f.text}`)).toEqual([]);
  });
});
