// Argo Rollouts' published manifests from the vendored corpus, with only `apiVersion` swapped to Vane's.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadAll } from 'js-yaml';

const CORPUS = resolve(import.meta.dirname, '../../fixtures/argo-rollouts');

interface Manifest {
  kind: string;
  metadata: { name?: string; generateName?: string };
  [field: string]: unknown;
}

/** Every document of `file` (relative to the corpus root), apiVersion swapped and nothing else changed. */
export function argoManifests(file: string): Manifest[] {
  const text = readFileSync(resolve(CORPUS, file), 'utf8').replaceAll('apiVersion: argoproj.io/v1alpha1', 'apiVersion: vane.dev/v1alpha1');
  return (loadAll(text) as Array<Manifest | null>).filter((doc): doc is Manifest => doc !== null && typeof doc === 'object');
}

/** The one document of `file` with this kind and name (or generateName); throws when there is none. */
export function argoManifest(file: string, kind: string, name?: string): Manifest {
  const found = argoManifests(file).find((d) => d.kind === kind && (name === undefined || d.metadata.name === name));
  if (!found) throw new Error(`no ${kind} ${name ?? ''} in ${file}`);
  return structuredClone(found);
}
