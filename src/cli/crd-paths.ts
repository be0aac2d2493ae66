// Where the CRD manifests shipped with Vane live, whether run from src/ (tsx) or dist/ (built).
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const parent = resolve(dir, '..');
    if (parent === dir) throw new Error('cannot find the Vane package root');
    dir = parent;
  }
  return dir;
}

export function vaneCrdFiles(): string[] {
  const dir = join(repositoryRoot(), 'crds');
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f));
}
