// Loads a repository layout from test/gitops/fixtures/repos/<name> as path → content, ready to seed a remote.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';

const root = join(import.meta.dirname, '..', 'fixtures', 'repos');

export async function repoFixture(name: string): Promise<Record<string, string>> {
  const base = join(root, name);
  const files: Record<string, string> = {};
  for (const entry of await readdir(base, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const full = join(entry.parentPath, entry.name);
    files[relative(base, full)] = await readFile(full, 'utf8');
  }
  return files;
}
