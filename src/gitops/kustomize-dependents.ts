// The kustomizations of a repository that build a given file, and the workloads they make of it: who else a change reaches.
import { posix } from 'node:path';
import { CachedHistory } from './cached-history.js';
import { kustomizeBuild, type BuiltDocument, type KustomizeBuild } from './kustomize-build.js';
import { KUSTOMIZATION_FILES } from './kustomize-image-site.js';
import type { RepoHistory } from './repo-history.js';
import { isWorkload } from './workload-document.js';

export type KnownBuild = Extract<KustomizeBuild, { kind: 'known' }>;

export interface Dependent {
  /** The kustomization whose build reads the file. */
  kustomization: string;
  /** The workloads it builds from what the file contributes: the file's documents, or a kustomization's whole subtree. */
  workloads: BuiltDocument[];
}

export type DependentsResult = { kind: 'known'; dependents: Dependent[] } | { kind: 'unknown'; why: string };

/** Beyond this many kustomizations in one repository, Vane does not build them all to find who includes a file. */
const MAX_KUSTOMIZATIONS = 100;

/**
 * Builds (once) every kustomization of the repository at HEAD. A kustomization Vane cannot build (a remote resource, a
 * Helm chart) is not counted as a dependent: its build stops at the first such entry, so what it reads is not known.
 */
export class KustomizeDependents {
  private readonly repo: RepoHistory;
  private readonly builds = new Map<string, Promise<KustomizeBuild>>();
  private all?: Promise<string[]>;

  constructor(repo: RepoHistory) {
    this.repo = repo instanceof CachedHistory ? repo : new CachedHistory(repo);
  }

  build(kustomization: string): Promise<KustomizeBuild> {
    let build = this.builds.get(kustomization);
    if (!build) {
      build = kustomizeBuild(this.repo, kustomization);
      this.builds.set(kustomization, build);
    }
    return build;
  }

  /**
   * The kustomizations other than `file` itself whose build reads `file`, except those `skip` rules out (the
   * application's own), each with the workloads it builds from `file`.
   */
  async of(file: string, skip: (kustomization: string, build: KnownBuild) => boolean): Promise<DependentsResult> {
    const kustomizations = await this.kustomizations();
    if (kustomizations.length > MAX_KUSTOMIZATIONS) {
      return { kind: 'unknown', why: `the repository has more than ${MAX_KUSTOMIZATIONS} kustomizations; Vane does not build them all to see which include ${file}` };
    }
    const contributed = await this.contributedFiles(file);
    const dependents: Dependent[] = [];
    for (const kustomization of kustomizations) {
      if (kustomization === file) continue;
      const build = await this.build(kustomization);
      if (build.kind !== 'known' || !build.files.includes(file) || skip(kustomization, build)) continue;
      const workloads = build.documents.filter((built) => contributed.has(built.file) && isWorkload(built.doc));
      dependents.push({ kustomization, workloads });
    }
    return { kind: 'known', dependents };
  }

  /** The files whose documents come through `file`: itself, or everything a kustomization's build reads. */
  private async contributedFiles(file: string): Promise<Set<string>> {
    if (!isKustomization(file)) return new Set([file]);
    const build = await this.build(file);
    return new Set(build.kind === 'known' ? build.files : [file]);
  }

  private kustomizations(): Promise<string[]> {
    this.all ??= this.repo.listFiles('').then((files) => files.filter(isKustomization));
    return this.all;
  }
}

export function isKustomization(file: string): boolean {
  return KUSTOMIZATION_FILES.includes(posix.basename(file));
}
