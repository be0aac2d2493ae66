// Writes crds/*.yaml from the TypeScript schemas: `npx tsx src/resources/generate-crds.ts [outDir]`.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crdFiles } from './crd-files.js';

/** crds/ at the repository root, found from this file so the script works from any working directory. */
export const DEFAULT_CRD_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../crds');
/** Kustomize cannot load files above its root, so the install base keeps a copy (test/deploy checks it). */
const KUSTOMIZE_CRD_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../deploy/kustomize/crds');

/** Writes every CRD file into `dir` and returns the paths written. */
export function writeCrdFiles(dir: string = DEFAULT_CRD_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  return crdFiles().map((file) => {
    const path = join(dir, file.name);
    writeFileSync(path, file.content);
    return path;
  });
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dirs = process.argv[2] === undefined ? [DEFAULT_CRD_DIR, KUSTOMIZE_CRD_DIR] : [process.argv[2]];
  for (const dir of dirs) for (const path of writeCrdFiles(dir)) console.log(`wrote ${path}`);
}
