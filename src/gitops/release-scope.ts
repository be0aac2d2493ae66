// Which of a release commit's changes are one application's: whole files, its documents inside shared files, and the rest it keeps.
import { posix } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { CachedHistory } from './cached-history.js';
import { helmParameterImage, helmParameterImages, isArgoCDOverrideFile, kustomizeImageOverrides } from './argocd-override-site.js';
import { helmValuesUsage, type TemplateUse } from './helm-values-usage.js';
import { parseImage } from './image-reference.js';
import { documentImages, type BuiltDocument, type KustomizeBuild } from './kustomize-build.js';
import { isKustomization, KustomizeDependents } from './kustomize-dependents.js';
import { KUSTOMIZATION_FILES } from './kustomize-image-site.js';
import { matchesWorkload } from './manifest-image-site.js';
import type { LineRange, RepoHistory } from './repo-history.js';
import { arrayAt, isRecord, stringAt } from './unstructured.js';
import { describeDocument, isWorkload, isWorkloadKind, OwnWorkloads } from './workload-document.js';
import { documentSpans, parseDocuments, type DocumentSpan } from './yaml-documents.js';

export interface ApplicationRef {
  /** Folder the GitOps tool deploys ('' for the repository root). */
  path: string;
  /** Helm values files, repository-relative. */
  valueFiles: readonly string[];
  rollout: { namespace: string; name: string };
  /** The Argo CD Application's own path, where its parameter override files live (it may lie above `path`). */
  argoCDApplication?: { path: string };
  /** Container name → image of the stable and failing templates: the images an override file may change as ours. */
  stable?: Readonly<Record<string, string>>;
  failing?: Readonly<Record<string, string>>;
}

/** A file holding other workloads' documents too, where the release changed both: only the application's documents are undone. */
export interface SplitFile {
  file: string;
  /** The other workloads whose documents the release changed there: they keep the release's version. */
  others: string[];
  /** Whether a document of the file is another workload's, to be kept as the branch has it. */
  isKept(doc: unknown): boolean;
}

export interface KeptFile {
  file: string;
  /** Why its change is not this application's alone, in a clause: "also deployed by overlays/staging/kustomization.yaml (...)". */
  why: string;
}

export interface ReleaseScope {
  /** Files whose every change is this application's. */
  ours: string[];
  split: SplitFile[];
  /** Files the release commit changed that are not this application's: a revert keeps the release's version. */
  kept: KeptFile[];
}

/** The whole commit is this application's: `git revert` of it undoes this release and nothing else. */
export function isWholeRelease(scope: ReleaseScope): boolean {
  return scope.split.length === 0 && scope.kept.length === 0;
}

type Verdict = { kind: 'ours' } | { kind: 'split'; others: string[] } | { kind: 'kept'; why: string };

const OURS: Verdict = { kind: 'ours' };
/** Helm values paths a release may change before Vane stops asking, path by path, which templates read them. */
const MAX_VALUES_PATHS = 50;

/**
 * Sorts each file a (non-merge) release commit changed. A file is the application's when it deploys it (under its
 * path, one of its values files, or read by its kustomization's build) and no other application deploys it too; inside
 * such a file, the documents of other workloads (anything with a pod template) are not the application's, while its
 * other documents (a ConfigMap, a Service) are.
 */
export async function releaseScope(repo: RepoHistory, app: ApplicationRef, commit: { sha: string; parent: string }): Promise<ReleaseScope> {
  const files = await ApplicationFiles.load(repo, app);
  const scope: ReleaseScope = { ours: [], split: [], kept: [] };
  for (const file of await repo.changedFiles(commit.sha)) {
    const verdict = await files.classify(file, commit);
    if (verdict.kind === 'ours') scope.ours.push(file);
    else if (verdict.kind === 'kept') scope.kept.push({ file, why: verdict.why });
    else scope.split.push({ file, others: verdict.others, isKept: (doc) => files.isOtherWorkloadSync(file, doc) });
  }
  return scope;
}

interface Layout {
  /** The chart at the application's path, when it is one. */
  chartDir?: string;
  /** The kustomization at the application's path, and what it builds. */
  root?: string;
  build?: KustomizeBuild;
}

class ApplicationFiles {
  private own: OwnWorkloads;

  private constructor(
    private readonly repo: CachedHistory,
    private readonly app: ApplicationRef,
    private readonly dependents: KustomizeDependents,
    private readonly layout: Layout,
  ) {
    this.own = new OwnWorkloads(app.rollout);
  }

  static async load(history: RepoHistory, app: ApplicationRef): Promise<ApplicationFiles> {
    const repo = new CachedHistory(history);
    const dependents = new KustomizeDependents(repo);
    const isChart = (await repo.fileAt('HEAD', posix.join(app.path, 'Chart.yaml'))) !== undefined;
    let root: string | undefined;
    for (const name of KUSTOMIZATION_FILES) {
      const candidate = posix.join(app.path, name);
      if (root === undefined && (await repo.fileAt('HEAD', candidate)) !== undefined) root = candidate;
    }
    const build = root !== undefined ? await dependents.build(root) : undefined;
    const layout: Layout = { ...(isChart ? { chartDir: app.path } : {}), ...(root !== undefined ? { root } : {}), ...(build ? { build } : {}) };
    const files = new ApplicationFiles(repo, app, dependents, layout);
    files.own = files.own.withWorkloadRef(await files.findWorkloadRef());
    return files;
  }

  private get closure(): ReadonlySet<string> {
    return new Set(this.layout.build?.kind === 'known' ? this.layout.build.files : []);
  }

  /** The Deployment a workloadRef names is ours too; read from the built Rollout, or the Rollout's manifest under the path. */
  private async findWorkloadRef(): Promise<string | undefined> {
    const build = this.layout.build;
    if (build?.kind === 'known') {
      const rollout = build.documents.find((built) => built.kind === 'Rollout' && this.own.is(built.kind, built.name, built.namespace));
      return rollout ? stringAt(rollout.doc, ['spec', 'workloadRef', 'name']) : undefined;
    }
    const selector = { kind: 'Rollout', ...this.app.rollout };
    for (const file of (await this.repo.listFiles(this.app.path)).filter((name) => /\.ya?ml$/i.test(name))) {
      const docs = safeDocuments((await this.repo.fileAt('HEAD', file)) ?? '');
      const rollout = docs.find((doc) => matchesWorkload(doc, selector));
      if (rollout) return stringAt(rollout, ['spec', 'workloadRef', 'name']);
    }
    return undefined;
  }

  async classify(file: string, commit: { sha: string; parent: string }): Promise<Verdict> {
    if (!this.deploys(file)) return { kind: 'kept', why: `not part of this application (outside ${this.app.path || 'the repository root'} and its values files)` };
    const shared = await this.sharedWith(file);
    if (shared !== undefined) return { kind: 'kept', why: shared };
    if (isArgoCDOverrideFile(file)) return this.override(file, commit);
    if (isKustomization(file)) return this.kustomization(file, commit);
    const chartDir = this.layout.chartDir;
    if (chartDir !== undefined && file.startsWith(`${posix.join(chartDir, 'templates')}/`)) return this.chartTemplate(file, chartDir, commit);
    if (this.isValuesFile(file)) return this.values(file, commit);
    return this.manifest(file, commit);
  }

  private deploys(file: string): boolean {
    const path = this.app.path;
    const underPath = path === '' || file.startsWith(`${path.replace(/\/+$/, '')}/`);
    const appOverride = isArgoCDOverrideFile(file) && this.app.argoCDApplication !== undefined && posix.dirname(file) === posix.normalize(this.app.argoCDApplication.path || '.');
    return underPath || appOverride || this.app.valueFiles.includes(file) || this.closure.has(file);
  }

  /**
   * An Argo CD parameter override file applies to every workload of the Application: its change is ours only when
   * every image it changed is one of this Rollout's (Image Updater bumps several images in one commit).
   */
  private async override(file: string, commit: { sha: string; parent: string }): Promise<Verdict> {
    const [before, after] = await Promise.all([this.repo.fileAt(commit.parent, file), this.repo.fileAt(commit.sha, file)]);
    const ours = new Set([...Object.values(this.app.stable ?? {}), ...Object.values(this.app.failing ?? {})].map((image) => parseImage(image).name));
    const others = [...changedOverrideImages(before ?? '', after ?? '')].filter((name) => !ours.has(name));
    return others.length === 0 ? OURS : { kind: 'kept', why: `it also changes the Argo CD override of ${others.join(', ')}, another workload's image` };
  }

  private isValuesFile(file: string): boolean {
    const chartValues = this.layout.chartDir !== undefined ? posix.join(this.layout.chartDir, 'values.yaml') : undefined;
    return this.app.valueFiles.includes(file) || file === chartValues;
  }

  /** Another kustomization (not ours, not one that deploys ours) whose build reads the file deploys it as another application. */
  private async sharedWith(file: string): Promise<string | undefined> {
    if (!/\.ya?ml$/i.test(file) && !isKustomization(file)) return undefined;
    const closure = this.closure;
    const root = this.layout.root;
    const isOwnApplication = (kustomization: string, build: Extract<KustomizeBuild, { kind: 'known' }>): boolean =>
      closure.has(kustomization) ||
      (root !== undefined && build.files.includes(root)) ||
      build.documents.some((built) => built.kind === 'Rollout' && built.namespace !== undefined && this.own.is(built.kind, built.name, built.namespace));
    const found = await this.dependents.of(file, isOwnApplication);
    if (found.kind === 'unknown') return `cannot tell whether other applications deploy it: ${found.why}`;
    const [first, ...rest] = found.dependents;
    if (!first) return undefined;
    const through = [first, ...rest].map((dependent) => `${dependent.kustomization}${workloadList(dependent.workloads)}`);
    return `also deployed by ${through.join(', ')}`;
  }

  private async kustomization(file: string, commit: { sha: string; parent: string }): Promise<Verdict> {
    const build = await this.dependents.build(file);
    if (build.kind === 'unknown') return { kind: 'kept', why: `Vane cannot tell what it builds: ${build.why}` };
    const others = build.documents.filter((built) => isWorkload(built.doc) && !this.own.is(built.kind, built.name, built.namespace));
    if (others.length === 0) return OURS;
    const before = firstDocument(await this.repo.fileAt(commit.parent, file));
    const after = firstDocument(await this.repo.fileAt(commit.sha, file));
    const keys = changedKeys(before, after);
    if (keys.length > 0 && keys.every((key) => key === 'images')) {
      const names = changedImageEntries(before, after);
      const reached = others.filter((built) => documentImages(built.doc).some((image) => names.has(parseImage(image).name)));
      if (reached.length === 0) return OURS;
      return { kind: 'kept', why: `its changed images entries (${[...names].join(', ')}) also set the image of ${describeBuilt(reached)}` };
    }
    return { kind: 'kept', why: `it changes ${keys.join(', ') || 'the kustomization'} of a build that also makes ${describeBuilt(others)}` };
  }

  /** Go templates cannot be split into documents before rendering: a template is ours only if it renders no other workload. */
  private async chartTemplate(file: string, chartDir: string, commit: { sha: string; parent: string }): Promise<Verdict> {
    const isHelper = posix.basename(file).startsWith('_') || file.endsWith('.tpl');
    const texts = isHelper ? await this.chartTemplates(chartDir) : [(await this.repo.fileAt(commit.sha, file)) ?? (await this.repo.fileAt(commit.parent, file)) ?? ''];
    const others = texts.flatMap(declaredKinds).filter((kind) => isWorkloadKind(kind) && kind !== 'Rollout');
    if (others.length === 0) return OURS;
    const what = isHelper ? 'a helper of a chart that also renders' : 'a template that renders';
    return { kind: 'kept', why: `${what} ${[...new Set(others)].map((kind) => `a ${kind}`).join(', ')}` };
  }

  private async chartTemplates(chartDir: string): Promise<string[]> {
    const files = await this.repo.listFiles(posix.join(chartDir, 'templates'));
    return Promise.all(files.map(async (file) => (await this.repo.fileAt('HEAD', file)) ?? ''));
  }

  /** A values change is ours when every template reading the changed keys renders no workload but the Rollout. */
  private async values(file: string, commit: { sha: string; parent: string }): Promise<Verdict> {
    const chartDir = this.layout.chartDir;
    if (chartDir === undefined) return OURS;
    const paths = changedPaths(firstDocument(await this.repo.fileAt(commit.parent, file)), firstDocument(await this.repo.fileAt(commit.sha, file)));
    const asked = paths.length > MAX_VALUES_PATHS ? [...new Set(paths.map((path) => path.slice(0, 1)))] : paths;
    const uses: Array<TemplateUse & { values: string }> = [];
    for (const path of asked) {
      for (let length = 1; length <= path.length; length += 1) {
        const usage = await helmValuesUsage(this.repo, chartDir, path.slice(0, length));
        if (usage.kind === 'unknown') return { kind: 'kept', why: `Vane cannot tell which templates read .Values.${path.join('.')}: ${usage.why}` };
        uses.push(...usage.uses.map((use) => ({ ...use, values: path.join('.') })));
      }
    }
    const others = uses.filter((use) => use.kinds.some((kind) => isWorkloadKind(kind) && kind !== 'Rollout'));
    if (others.length === 0) return OURS;
    const described = [...new Set(others.map((use) => `${use.values} (read by ${use.file})`))];
    return { kind: 'kept', why: `it changes values that other workloads of the chart read: ${described.join(', ')}` };
  }

  /** Plain manifests: which documents the commit's hunks fall in, before and after. */
  private async manifest(file: string, commit: { sha: string; parent: string }): Promise<Verdict> {
    const before = await this.repo.fileAt(commit.parent, file);
    const after = await this.repo.fileAt(commit.sha, file);
    const spansBefore = before === undefined ? [] : documentSpans(before);
    const spansAfter = after === undefined ? [] : documentSpans(after);
    if (spansBefore === undefined || spansAfter === undefined) return this.unparsed(after ?? before ?? '');
    const othersBefore = spansBefore.filter((span) => this.isOtherWorkloadSync(file, span.value));
    const othersAfter = spansAfter.filter((span) => this.isOtherWorkloadSync(file, span.value));
    if (othersBefore.length === 0 && othersAfter.length === 0) return OURS;
    const touched = new Set<string>();
    let touchesRest = false;
    for (const hunk of await this.repo.diffHunks(commit.parent, commit.sha, file)) {
      for (const [range, others] of [[hunk.before, othersBefore], [hunk.after, othersAfter]] as const) {
        for (const span of others) if (overlaps(range, span)) touched.add(describeDocument(span.value));
        if (hasLineOutside(range, others)) touchesRest = true;
      }
    }
    if (touched.size === 0) return OURS;
    if (!touchesRest) return { kind: 'kept', why: `it changes only ${[...touched].join(', ')}` };
    return { kind: 'split', others: [...touched] };
  }

  /** Text that is not YAML (a template outside a chart): ours only if it declares no workload but the Rollout. */
  private unparsed(text: string): Verdict {
    const others = declaredKinds(text).filter((kind) => isWorkloadKind(kind) && kind !== 'Rollout');
    return others.length === 0 ? OURS : { kind: 'kept', why: `it is not plain YAML and declares ${[...new Set(others)].join(', ')}` };
  }

  isOtherWorkloadSync(file: string, doc: unknown): boolean {
    if (!isWorkload(doc) || this.own.isDocument(doc)) return false;
    return !this.builtAsOurs(file, doc);
  }

  /** A base document named before the overlay's namePrefix/namespace is ours when our build turns it into our Rollout. */
  private builtAsOurs(file: string, doc: unknown): boolean {
    const build = this.layout.build;
    if (build?.kind !== 'known') return false;
    const kind = stringAt(doc, ['kind']);
    const name = stringAt(doc, ['metadata', 'name']);
    return build.documents.some(
      (built) => built.file === file && built.kind === kind && stringAt(built.doc, ['metadata', 'name']) === name && this.own.is(built.kind, built.name, built.namespace),
    );
  }
}

function safeDocuments(text: string): unknown[] {
  try {
    return parseDocuments(text) ?? [];
  } catch {
    return [];
  }
}

function firstDocument(text: string | undefined): unknown {
  return text === undefined ? undefined : safeDocuments(text)[0];
}

function declaredKinds(text: string): string[] {
  return [...text.matchAll(/^kind:\s*["']?([A-Za-z]+)/gm)].map((match) => match[1] ?? '');
}

function changedKeys(before: unknown, after: unknown): string[] {
  const a = isRecord(before) ? before : {};
  const b = isRecord(after) ? after : {};
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((key) => !isDeepStrictEqual(a[key], b[key]));
}

/** The `name` of every images entry added, removed or changed. */
function changedImageEntries(before: unknown, after: unknown): Set<string> {
  const byName = (doc: unknown): Map<string, unknown> => new Map(arrayAt(doc, ['images']).map((entry) => [stringAt(entry, ['name']) ?? '', entry]));
  const a = byName(before);
  const b = byName(after);
  const names = [...new Set([...a.keys(), ...b.keys()])].filter((name) => !isDeepStrictEqual(a.get(name), b.get(name)));
  return new Set(names.flatMap((name) => [name, ...[a.get(name), b.get(name)].flatMap((entry) => stringAt(entry, ['newName']) ?? [])]));
}

/** Key paths to every value that differs (a list counts as one value). */
function changedPaths(before: unknown, after: unknown, path: string[] = []): string[][] {
  if (isDeepStrictEqual(before, after)) return [];
  if (!isRecord(before) || !isRecord(after)) return path.length > 0 ? [path] : [];
  return [...new Set([...Object.keys(before), ...Object.keys(after)])].flatMap((key) => changedPaths(before[key], after[key], [...path, key]));
}

function overlaps(range: LineRange, span: DocumentSpan): boolean {
  if (range.count === 0) return false;
  const last = range.start + range.count - 1;
  return range.start <= span.endLine && last >= span.startLine;
}

function hasLineOutside(range: LineRange, spans: DocumentSpan[]): boolean {
  for (let line = range.start; line < range.start + range.count; line += 1) {
    if (!spans.some((span) => line >= span.startLine && line <= span.endLine)) return true;
  }
  return false;
}

function describeBuilt(documents: BuiltDocument[]): string {
  return [...new Set(documents.map((built) => `${built.kind} ${built.namespace !== undefined ? `${built.namespace}/` : ''}${built.name}`))].join(', ');
}

function workloadList(workloads: BuiltDocument[]): string {
  return workloads.length > 0 ? ` (${describeBuilt(workloads)})` : '';
}

/**
 * Image names whose override entries differ between two versions: kustomize images, and helm parameter groups that
 * name their image (a group setting only a tag takes its repository from the values files, whose site the locator
 * already tied to this Rollout).
 */
function changedOverrideImages(before: string, after: string): Set<string> {
  const names = new Set<string>();
  const kustomize = (content: string): Map<string, string> => new Map(kustomizeImageOverrides(content).map((entry) => [entry.name, entry.raw]));
  const [was, is] = [kustomize(before), kustomize(after)];
  for (const name of new Set([...was.keys(), ...is.keys()])) if (was.get(name) !== is.get(name)) names.add(name);
  const helm = (content: string): Map<string, string | undefined> => new Map(helmParameterImages(content).map((group) => [group.valuesPath, helmParameterImage(group, undefined)]));
  const [wasHelm, isHelm] = [helm(before), helm(after)];
  for (const path of new Set([...wasHelm.keys(), ...isHelm.keys()])) {
    const [old, now] = [wasHelm.get(path), isHelm.get(path)];
    if (old !== now) for (const image of [old, now]) if (image !== undefined) names.add(parseImage(image).name);
  }
  return names;
}
