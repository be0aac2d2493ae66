// Where the CRD manifests shipped with Vane live, whether run from src/ (tsx) or dist/ (built).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { vanePackageRoot } from '../vane-package.js';

export function repositoryRoot(): string {
  return vanePackageRoot();
}

export function vaneCrdFiles(): string[] {
  const dir = join(repositoryRoot(), 'crds');
  return readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => join(dir, f));
}
