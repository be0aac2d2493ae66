// Which kustomizations of a repository include which others: everyone an edit of a shared base reaches.
import { posix } from 'node:path';
import { kustomizationEntries, resolveEntry } from './kustomize-build.js';
import { KUSTOMIZATION_FILES } from './kustomize-image-site.js';
import type { RepoHistory } from './repo-history.js';
import { parseDocumentsIn } from './yaml-documents.js';

/** More kustomization files than this in one repository and Vane does not read them all to find who includes whom. */
const MAX_KUSTOMIZATIONS = 500;

export type KustomizationGraph = { kind: 'known'; includersOf(file: string): string[] } | { kind: 'unknown'; why: string };

/**
 * Reads every kustomization file of the repository at HEAD and links each to the kustomizations its `resources:`,
 * `bases:` and `components:` name by directory. Remote entries and entries leaving the repository link nothing: they
 * cannot include a kustomization of this repository.
 */
export async function kustomizationGraph(repo: RepoHistory): Promise<KustomizationGraph> {
  const files = (await repo.listFiles('')).filter((file) => KUSTOMIZATION_FILES.includes(posix.basename(file)));
  if (files.length > MAX_KUSTOMIZATIONS) return { kind: 'unknown', why: `the repository has more than ${MAX_KUSTOMIZATIONS} kustomizations` };
  const byDirectory = new Map(files.map((file) => [posix.dirname(file), file]));
  const parents = new Map<string, string[]>();
  for (const file of files) {
    const doc = parseDocumentsIn(file, (await repo.fileAt('HEAD', file)) ?? '')?.[0];
    for (const entry of kustomizationEntries(doc)) {
      const path = resolveEntry(file, entry);
      const child = typeof path === 'string' ? byDirectory.get(path) : undefined;
      if (child !== undefined) parents.set(child, [...(parents.get(child) ?? []), file]);
    }
  }
  return { kind: 'known', includersOf: (file) => ancestors(parents, file) };
}

/** Every kustomization that includes `file`, directly or through others (each once, cycles tolerated). */
function ancestors(parents: ReadonlyMap<string, string[]>, file: string): string[] {
  const seen = new Set<string>();
  const queue = [...(parents.get(file) ?? [])];
  while (queue.length > 0) {
    const next = queue.shift() ?? '';
    if (seen.has(next) || next === file) continue;
    seen.add(next);
    queue.push(...(parents.get(next) ?? []));
  }
  return [...seen];
}
