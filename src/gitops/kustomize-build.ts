// The documents a kustomization file builds, found by following its local resources, bases and components through the repository.
import { posix } from 'node:path';
import { KUSTOMIZATION_FILES } from './kustomize-image-site.js';
import type { RepoHistory } from './repo-history.js';
import { arrayAt, isRecord, stringAt } from './unstructured.js';
import { parseDocumentsIn } from './yaml-documents.js';

export interface BuiltDocument {
  /** The file the document comes from. */
  file: string;
  doc: Record<string, unknown>;
  kind: string;
  /** The name after every namePrefix / nameSuffix on the way. */
  name: string;
  /** The namespace the outermost kustomization with a `namespace:` gives it, else its own; undefined when neither. */
  namespace?: string;
  /** The kustomization files the document is built through, outermost first: whose `images:` entries apply to it. */
  via: string[];
}

/** A kustomization file the build reaches, with the chain of kustomizations from the built one down to it. */
export interface ReachedKustomization {
  file: string;
  /** Outermost first, ending with `file`. */
  chain: string[];
}

/** What a kustomization builds, or why Vane cannot tell (remote resources, generators it does not run, limits). */
export type KustomizeBuild =
  | { kind: 'known'; documents: BuiltDocument[]; kustomizations: ReachedKustomization[]; files: string[] }
  | { kind: 'unknown'; why: string };

const MAX_DEPTH = 10;
const MAX_FILES = 200;

interface Transform {
  namespace?: string;
  prefix: string;
  suffix: string;
}

class BuildWalk {
  readonly documents: BuiltDocument[] = [];
  /** Every file the build read that exists: kustomizations and resources. */
  readonly visited = new Set<string>();
  readonly kustomizations: ReachedKustomization[] = [];
  private files = 0;
  private readonly open = new Set<string>();

  constructor(private readonly repo: RepoHistory) {}

  /** Adds what `file` builds; returns why the build cannot be known, or undefined. */
  async kustomization(file: string, outer: Transform, chain: string[]): Promise<string | undefined> {
    if (chain.length > MAX_DEPTH) return `kustomizations nest deeper than ${MAX_DEPTH} levels`;
    if (this.open.has(file)) return `${file} includes itself`;
    const doc = parseDocumentsIn(file, (await this.read(file)) ?? '')?.[0];
    if (!isRecord(doc)) return `${file} is not a kustomization Vane can read`;
    if (arrayAt(doc, ['helmCharts']).length > 0) return `${file} inflates Helm charts, which Vane does not render`;
    // An outer kustomization's namespace overrides the inner one's, as kustomize's namespace transformer does.
    const namespace = outer.namespace ?? stringAt(doc, ['namespace']);
    const transform: Transform = {
      ...(namespace !== undefined ? { namespace } : {}),
      prefix: `${outer.prefix}${stringAt(doc, ['namePrefix']) ?? ''}`,
      suffix: `${stringAt(doc, ['nameSuffix']) ?? ''}${outer.suffix}`,
    };
    const via = [...chain, file];
    this.kustomizations.push({ file, chain: via });
    this.open.add(file);
    try {
      for (const entry of kustomizationEntries(doc)) {
        const why = await this.resource(via, entry, transform);
        if (why !== undefined) return why;
      }
      return undefined;
    } finally {
      this.open.delete(file);
    }
  }

  private async resource(via: string[], entry: string, transform: Transform): Promise<string | undefined> {
    const from = via[via.length - 1] ?? '';
    const path = resolveEntry(from, entry);
    if (typeof path !== 'string') return path.why;
    const content = await this.read(path);
    if (content !== undefined) {
      this.add(path, content, transform, via);
      return undefined;
    }
    for (const name of KUSTOMIZATION_FILES) {
      const nested = posix.join(path, name);
      if ((await this.read(nested)) !== undefined) return this.kustomization(nested, transform, via);
    }
    return `${from} includes ${entry}, which is neither a file nor a directory with a kustomization`;
  }

  private add(file: string, content: string, transform: Transform, via: string[]): void {
    for (const doc of parseDocumentsIn(file, content) ?? []) {
      const kind = stringAt(doc, ['kind']);
      const name = stringAt(doc, ['metadata', 'name']);
      if (!isRecord(doc) || kind === undefined || name === undefined) continue;
      const namespace = transform.namespace ?? stringAt(doc, ['metadata', 'namespace']);
      this.documents.push({ file, doc, kind, name: `${transform.prefix}${name}${transform.suffix}`, ...(namespace !== undefined ? { namespace } : {}), via });
    }
  }

  private async read(path: string): Promise<string | undefined> {
    this.files += 1;
    if (this.files > MAX_FILES) throw new BuildLimit(`the build reads more than ${MAX_FILES} files`);
    const content = await this.repo.fileAt('HEAD', path);
    if (content !== undefined) this.visited.add(path);
    return content;
  }
}

class BuildLimit extends Error {}

/** Follows `kustomizationFile` through the repository at HEAD, as `kustomize build` would, without running generators. */
export async function kustomizeBuild(repo: RepoHistory, kustomizationFile: string): Promise<KustomizeBuild> {
  const walk = new BuildWalk(repo);
  try {
    const why = await walk.kustomization(kustomizationFile, { prefix: '', suffix: '' }, []);
    return why === undefined ? { kind: 'known', documents: walk.documents, kustomizations: walk.kustomizations, files: [...walk.visited] } : { kind: 'unknown', why };
  } catch (err) {
    if (err instanceof BuildLimit) return { kind: 'unknown', why: err.message };
    throw err;
  }
}

/**
 * The repository path a `resources:` / `bases:` / `components:` entry of `from` names, or why it names none Vane may
 * follow: a remote resource, or a path leaving the repository.
 */
export function resolveEntry(from: string, entry: string): string | { why: string } {
  if (isRemote(entry)) return { why: `${from} includes the remote resource ${entry}, which Vane does not fetch` };
  const path = posix.normalize(posix.join(posix.dirname(from), entry));
  if (path === '..' || path.startsWith('../') || path.startsWith('/')) return { why: `${from} includes ${entry}, outside the repository` };
  return path;
}

/** The `resources:`, `bases:` and `components:` entries of a kustomization document. */
export function kustomizationEntries(doc: unknown): string[] {
  return ['resources', 'bases', 'components'].flatMap((key) => arrayAt(doc, [key])).filter((entry): entry is string => typeof entry === 'string');
}

/** URLs and go-getter style references (`github.com/org/repo//dir?ref=v1`) that kustomize fetches over the network. */
function isRemote(entry: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) || /^git@/.test(entry) || /\?ref=/.test(entry) || /^(github|gitlab|bitbucket)\.(com|org)\//.test(entry);
}

/** The container images a workload document runs: pod templates of workloads and CronJobs, or a Pod's own spec. */
export function documentImages(doc: unknown): string[] {
  const specs = [['spec', 'template', 'spec'], ['spec', 'jobTemplate', 'spec', 'template', 'spec'], ['spec']];
  return specs.flatMap((path) =>
    ['containers', 'initContainers'].flatMap((list) => arrayAt(doc, [...path, list]).flatMap((container) => stringAt(container, ['image']) ?? [])),
  );
}
