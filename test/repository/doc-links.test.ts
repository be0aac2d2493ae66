// Every relative link and image in the README and docs/ names a file that exists in the repository.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const LINK = /!?\[[^\]]*\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g;

function markdownFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'), { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.md')).map((f) => join(ROOT, 'docs', f));
  return [join(ROOT, 'README.md'), join(ROOT, 'deploy', 'README.md'), ...docs];
}

function relativeTargets(file: string): string[] {
  const text = readFileSync(file, 'utf8').replace(/```[\s\S]*?```/g, '');
  return [...text.matchAll(LINK)].map((m) => m[1]!).filter((target) => !/^[a-z]+:/i.test(target) && !target.startsWith('#'));
}

describe('links in the documentation', () => {
  it.each(markdownFiles().map((file) => [relative(ROOT, file), file]))('%s links only to files that exist', (_name, file) => {
    const missing = relativeTargets(file).filter((target) => !existsSync(join(dirname(file), decodeURIComponent(target.split('#')[0]!))));
    expect(missing).toEqual([]);
  });
});
