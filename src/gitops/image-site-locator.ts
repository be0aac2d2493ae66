// Finds, under a GitOps source path, the one place that sets each changed container image of a Rollout.
import { posix } from 'node:path';
import { VaneError } from '../errors.js';
import { helmImageMappings, helmImageName, helmValuesAt, HelmImageSite, setsVersion, type HelmImageValues } from './helm-image-site.js';
import { argoCDOverrideFiles, ArgoCDHelmParameterSite, isArgoCDOverrideFile, overrideSites } from './argocd-override-site.js';
import { helmImageStrings, HelmImageStringSite } from './helm-image-string-site.js';
import { parseImage } from './image-reference.js';
import type { ImageSite, SiteBinding } from './image-site.js';
import { KUSTOMIZATION_FILES, kustomizeImage, kustomizeImageEntries, KustomizeImageSite } from './kustomize-image-site.js';
import { SiteOwnership, type Reach } from './image-site-ownership.js';
import { diagnoseLayout } from './image-site-diagnosis.js';
import { containerPath, ManifestImageSite, matchesWorkload, type WorkloadSelector } from './manifest-image-site.js';
import type { ArgoCDApplicationRef } from './discovered-source.js';
import type { RepoHistory } from './repo-history.js';
import { parseDocuments, parseDocumentsIn } from './yaml-documents.js';
import { stringAt } from './unstructured.js';

export interface SiteQuery {
  /** Folder holding the Rollout's manifests ('' for the repository root). */
  path: string;
  /** Helm values files, repository-relative, in the order the chart applies them. */
  valueFiles: readonly string[];
  rollout: { namespace: string; name: string };
  /** Container name → image, for the stable and the failing pod templates. */
  stable: Readonly<Record<string, string>>;
  failing: Readonly<Record<string, string>>;
  /**
   * The Argo CD Application rendering the source: its override file's name (`.argocd-source-<name>.yaml`) and the
   * path Argo CD reads it at; undefined when the source was not discovered through Argo CD, so Vane cannot tell
   * which override files apply.
   */
  argoCDApplication?: ArgoCDApplicationRef;
}

interface ContainerChange {
  container: string;
  stable: string;
  failing: string;
}

interface Candidate<S extends ImageSite = ImageSite> {
  site: S;
  image: string | undefined;
}

/** Containers present in both templates whose image differs: the change a revert has to undo. */
export function changedContainers(stable: Readonly<Record<string, string>>, failing: Readonly<Record<string, string>>): ContainerChange[] {
  return Object.entries(failing).flatMap(([container, failingImage]) => {
    const stableImage = stable[container];
    return stableImage !== undefined && stableImage !== failingImage ? [{ container, stable: stableImage, failing: failingImage }] : [];
  });
}

export async function locateImageSites(repo: RepoHistory, query: SiteQuery): Promise<SiteBinding[]> {
  const changes = changedContainers(query.stable, query.failing);
  if (changes.length === 0) {
    throw new VaneError('InvalidSpec', 'the stable and failing pod templates run the same images; there is no image change to undo in git');
  }
  const files = await readYamlFiles(repo, query.path);
  const isChart = (await repo.fileAt('HEAD', posix.join(query.path, 'Chart.yaml'))) !== undefined;
  const valueFiles = await readValueFiles(repo, query, files, isChart);
  const overrides = await overrideFiles(repo, query, files);
  const context: BindContext = { repo, query, files, valueFiles, overrides, owners: new SiteOwnership(repo, query.rollout), ...(isChart ? { chartDir: query.path } : {}) };
  const bindings: SiteBinding[] = [];
  for (const change of changes) bindings.push({ ...change, site: await bindSite(change, context) });
  return bindings;
}

interface BindContext {
  repo: RepoHistory;
  query: SiteQuery;
  files: Map<string, string>;
  valueFiles: Map<string, string>;
  /** Argo CD override files at the path, in merge order; `known` is false when they may or may not apply. */
  overrides: { files: Array<[string, string]>; known: boolean };
  owners: SiteOwnership;
  /** The chart at the source path, when there is one in the repository. */
  chartDir?: string;
}

async function readYamlFiles(repo: RepoHistory, path: string): Promise<Map<string, string>> {
  const names = (await repo.listFiles(path)).filter((file) => /\.ya?ml$/i.test(file) || posix.basename(file) === 'Kustomization');
  const entries = await Promise.all(names.map(async (file) => [file, await repo.fileAt('HEAD', file)] as const));
  const files = new Map(entries.filter((entry): entry is readonly [string, string] => entry[1] !== undefined));
  // Every later reader parses these again: refuse an unreadable one here, where its name is known.
  for (const [file, content] of files) parseDocumentsIn(file, content);
  return files;
}

/** The Application's value files, preceded by the chart's own values.yaml when the path holds a chart. */
async function readValueFiles(repo: RepoHistory, query: SiteQuery, files: Map<string, string>, isChart: boolean): Promise<Map<string, string>> {
  const chartValues = posix.join(query.path, 'values.yaml');
  const ordered = [...(isChart ? [chartValues] : []), ...query.valueFiles];
  const result = new Map<string, string>();
  for (const file of ordered) {
    const content = files.get(file) ?? (await repo.fileAt('HEAD', file));
    if (content === undefined) continue;
    parseDocumentsIn(file, content);
    result.set(file, content);
  }
  return result;
}

/**
 * The override files Argo CD merges for this Application, at the Application's own path (which may lie above a path
 * narrowed by spec.rollback.git.path); when the Application is not known, every override file at the path: then any
 * that sets the image makes the site unknowable (see overrideSite).
 */
async function overrideFiles(repo: RepoHistory, query: SiteQuery, files: Map<string, string>): Promise<BindContext['overrides']> {
  const application = query.argoCDApplication;
  if (application === undefined) {
    return { files: [...files].filter(([file]) => posix.dirname(file) === (query.path || '.') && isArgoCDOverrideFile(file)), known: false };
  }
  const found: Array<[string, string]> = [];
  for (const file of argoCDOverrideFiles(application.path, application.name)) {
    const content = files.get(file) ?? (await repo.fileAt('HEAD', file));
    if (content === undefined) continue;
    parseDocumentsIn(file, content);
    found.push([file, content]);
  }
  return { files: found, known: true };
}

/**
 * An Argo CD override file first (it wins over values and images entries), then Helm values, then Kustomize images
 * entries, then the Rollout's own manifest. A values mapping or images entry is used only when it sets this Rollout's
 * image and no other workload's (see SiteOwnership); one that reaches other workloads too, or whose reach Vane cannot
 * see, is refused rather than edited.
 */
async function bindSite(change: ContainerChange, context: BindContext): Promise<ImageSite> {
  const { query, files, valueFiles, owners } = context;
  const override = await overrideSite(change, context);
  if (override) return override;
  const names = new Set([parseImage(change.failing).name, parseImage(change.stable).name]);
  const helm = helmCandidates(valueFiles, change);
  if (helm.length > 0) {
    const site = pickOne(helm, change);
    assertOurs(await owners.helmReach(site, context.chartDir));
    return site;
  }
  const kustomize = await ownCandidates(kustomizeCandidates(files, names), (site) => owners.kustomizeReach(site));
  if (kustomize.length > 0) return pickOne(kustomize, change);
  const followed = await followedKustomizeSite(change, context, names);
  if (followed) return followed;
  try {
    return manifestSite(change, query, files, names);
  } catch (err) {
    if (!(err instanceof VaneError) || err.code !== 'NotFound') throw err;
    const diagnosis = await diagnoseLayout({
      repo: context.repo,
      path: query.path,
      files,
      valueFiles: query.valueFiles,
      foundValueFiles: new Set(valueFiles.keys()),
      rollout: query.rollout,
      names,
    });
    throw new VaneError('NotFound', `${err.message}; ${diagnosis}`, { cause: err });
  }
}

/**
 * An images entry in a kustomization outside the path that a kustomization under the path reaches (a Flux
 * Kustomization's path whose kustomization.yaml includes `../../apps/checkout/prod`), which must be this Rollout's
 * alone (SiteOwnership.followedKustomizeReach). The outermost such entry wins: kustomize applies an outer
 * kustomization's images after the inner one's.
 */
async function followedKustomizeSite(change: ContainerChange, context: BindContext, names: Set<string>): Promise<ImageSite | undefined> {
  const { query, files, owners } = context;
  const found: Array<Candidate<KustomizeImageSite>> = [];
  const reachedBy = new Map<string, { root: string; depth: number }>();
  for (const root of [...files.keys()].filter((file) => KUSTOMIZATION_FILES.includes(posix.basename(file)))) {
    const build = await owners.reachedFrom(root);
    if (build.kind === 'unknown') continue;
    for (const reached of build.kustomizations) {
      if (isUnder(reached.file, query.path) || reachedBy.has(reached.file)) continue;
      reachedBy.set(reached.file, { root, depth: reached.chain.length });
      for (const entry of kustomizeImageEntries((await context.repo.fileAt('HEAD', reached.file)) ?? '')) {
        const image = kustomizeImage(entry);
        if (image !== undefined && names.has(entry.newName?.value ?? entry.name)) found.push({ site: new KustomizeImageSite(reached.file, entry.name), image });
      }
    }
  }
  const depth = (candidate: Candidate<KustomizeImageSite>): number => reachedBy.get(candidate.site.file)?.depth ?? 0;
  // Outermost first: an entry that an outer one overrides is neither edited nor a reason to refuse.
  for (const level of [...new Set(found.map(depth))].sort((a, b) => a - b)) {
    const candidates = found.filter((candidate) => depth(candidate) === level);
    const own = await ownCandidates(candidates, (site) => owners.followedKustomizeReach(site, reachedBy.get(site.file)?.root ?? ''));
    if (own.length > 0) return pickOne(own, change);
  }
  return undefined;
}

function isUnder(file: string, path: string): boolean {
  return path === '' || file.startsWith(`${path}/`);
}

/**
 * The override entry in force that sets the container's image. Parameters reach what the chart's templates read, and
 * kustomize images what the path's kustomization builds, so the same ownership proofs apply as to values and entries.
 */
async function overrideSite(change: ContainerChange, context: BindContext): Promise<ImageSite | undefined> {
  const { query, overrides, owners } = context;
  // `kustomize edit set image` runs on the kustomization at the path Argo CD renders.
  const appPath = query.argoCDApplication?.path ?? query.path;
  let kustomization: { file: string; content: string } | undefined;
  for (const file of KUSTOMIZATION_FILES.map((name) => posix.join(appPath, name))) {
    const content = context.files.get(file) ?? (await context.repo.fileAt('HEAD', file));
    if (content !== undefined) {
      kustomization = { file, content };
      break;
    }
  }
  const kustomizeNewNames = new Map(
    kustomizeImageEntries(kustomization?.content ?? '').flatMap((entry) =>
      entry.newName?.value !== undefined ? [[entry.name, entry.newName.value] as const] : [],
    ),
  );
  const found = overrideSites({ files: overrides.files, valueFiles: context.valueFiles, kustomizeNewNames, stable: change.stable, failing: change.failing });
  if (found.length === 0) return undefined;
  if (!overrides.known) {
    const where = [...new Set(found.map((candidate) => candidate.site.file))].join(', ');
    throw new VaneError(
      'InvalidSpec',
      `${where} sets the image of container ${change.container} as an Argo CD parameter override, and Vane does not know which Argo CD ` +
        'Application deploys this path (the source was not discovered through Argo CD), so it cannot tell whether the override applies; ' +
        'let Vane discover the source from the Application (drop spec.rollback.git.repoURL) or remove the override',
    );
  }
  const site = pickOne(found, change);
  if (site instanceof ArgoCDHelmParameterSite) assertOurs(await owners.helmReach({ file: site.file, valuesPath: site.valuesPath.split('.') }, context.chartDir));
  else if (kustomization === undefined) throw new VaneError('InvalidSpec', `${site.describe()} sets kustomize images, but ${appPath || 'the repository root'} has no kustomization`);
  else assertOurs(await owners.kustomizeReach(new KustomizeImageSite(kustomization.file, site.entryName)));
  return site;
}

/**
 * The candidates that are this Rollout's alone. Throws when any candidate reaches this Rollout and more, or cannot be
 * told: even beside a candidate of its own, editing one site while another also sets the image would not be a revert.
 */
async function ownCandidates<S extends ImageSite>(candidates: Array<Candidate<S>>, reach: (site: S) => Promise<Reach>): Promise<Array<Candidate<S>>> {
  const own: Array<Candidate<S>> = [];
  const refusals: string[] = [];
  for (const candidate of candidates) {
    const verdict = await reach(candidate.site);
    if (verdict.kind === 'ours') own.push(candidate);
    else if (verdict.kind === 'refused') refusals.push(verdict.why);
  }
  if (refusals.length > 0) throw new VaneError('InvalidSpec', `no image site can be tied to this Rollout alone: ${refusals.join('; ')}`);
  return own;
}

function assertOurs(reach: Reach): void {
  if (reach.kind !== 'ours') throw new VaneError('InvalidSpec', reach.kind === 'refused' ? reach.why : 'the image site does not reach this Rollout');
}

type HelmSite = HelmImageSite | HelmImageStringSite;

/** Image mappings (`repository` + `tag`) and whole image strings (`image: repo:tag`) of the values files. */
function helmCandidates(valueFiles: Map<string, string>, change: ContainerChange): Array<Candidate<HelmSite>> {
  const names = new Set([parseImage(change.failing).name, parseImage(change.stable).name]);
  return [...helmMappingCandidates(valueFiles, change), ...helmStringCandidates(valueFiles, names)];
}

/**
 * Helm merges values files, later ones winning key by key: the repository may come from the chart's values.yaml and
 * the tag from an environment's file. The site is the last file that sets the tag (or digest) of a mapping whose
 * repository (from any file) names this image. When no file names a repository (a chart from a Helm repository or a
 * template that spells the repository out), a mapping is this image's when its version is exactly the failing (or
 * stable) image's; several such mappings are refused as ambiguous by pickOne.
 */
function helmMappingCandidates(valueFiles: Map<string, string>, change: ContainerChange): Array<Candidate<HelmImageSite>> {
  const names = new Set([parseImage(change.failing).name, parseImage(change.stable).name]);
  const paths = new Map<string, string[]>();
  for (const content of valueFiles.values()) for (const values of helmImageMappings(content)) paths.set(values.path.join('\0'), values.path);
  const found: Array<Candidate<HelmImageSite>> = [];
  for (const path of paths.values()) {
    const file = lastFileSettingVersion(valueFiles, path);
    const content = file !== undefined ? valueFiles.get(file) : undefined;
    if (file === undefined || content === undefined) continue;
    const name = repositoryName(valueFiles, path) ?? nameByVersion(helmValuesAt(content, path), change);
    if (name === undefined || !names.has(name)) continue;
    const site = new HelmImageSite(file, path, name);
    found.push({ site, image: site.imageIn(content) });
  }
  return found;
}

/** The image name the values files give the mapping at `path`; the last file naming a repository wins. */
function repositoryName(valueFiles: Map<string, string>, path: string[]): string | undefined {
  let name: string | undefined;
  for (const content of valueFiles.values()) {
    const values = helmValuesAt(content, path);
    name = (values ? helmImageName(values) : undefined) ?? name;
  }
  return name;
}

function nameByVersion(values: HelmImageValues | undefined, change: ContainerChange): string | undefined {
  for (const image of [change.failing, change.stable]) {
    const reference = parseImage(image);
    if (values?.tag?.value === reference.tag && values?.digest?.value === reference.digest) return reference.name;
  }
  return undefined;
}

/** A key whose whole value is this image (`image: ghcr.io/acme/app:1.5.0`); the last values file setting it wins. */
function helmStringCandidates(valueFiles: Map<string, string>, names: Set<string>): Array<Candidate<HelmImageStringSite>> {
  const last = new Map<string, { file: string; path: string[]; image: string }>();
  for (const [file, content] of valueFiles) {
    for (const found of helmImageStrings(content)) last.set(found.path.join('\0'), { file, ...found });
  }
  return [...last.values()]
    .filter((found) => names.has(parseImage(found.image).name))
    .map((found) => ({ site: new HelmImageStringSite(found.file, found.path), image: found.image }));
}

function lastFileSettingVersion(valueFiles: Map<string, string>, path: string[]): string | undefined {
  let last: string | undefined;
  for (const [file, content] of valueFiles) {
    const values = helmValuesAt(content, path);
    if (values && setsVersion(values)) last = file;
  }
  return last;
}

function kustomizeCandidates(files: Map<string, string>, names: Set<string>): Array<Candidate<KustomizeImageSite>> {
  const found: Array<Candidate<KustomizeImageSite>> = [];
  for (const [file, content] of files) {
    if (!KUSTOMIZATION_FILES.includes(posix.basename(file))) continue;
    for (const entry of kustomizeImageEntries(content)) {
      const image = kustomizeImage(entry);
      if (image !== undefined && names.has(entry.newName?.value ?? entry.name)) found.push({ site: new KustomizeImageSite(file, entry.name), image });
    }
  }
  return found;
}

function pickOne<S extends ImageSite>(candidates: Array<Candidate<S>>, change: ContainerChange): S {
  const failing = candidates.filter((candidate) => candidate.image === change.failing);
  const pool = failing.length > 0 ? failing : candidates;
  const [first, ...rest] = pool;
  if (!first) throw new VaneError('NotFound', `no place sets the image of container ${change.container}`);
  if (rest.length > 0) {
    const places = pool.map((candidate) => candidate.site.describe()).join(', ');
    throw new VaneError('Conflict', `the image of container ${change.container} is set in several places: ${places}`);
  }
  return first.site;
}

function manifestSite(change: ContainerChange, query: SiteQuery, files: Map<string, string>, names: Set<string>): ImageSite {
  const selector: WorkloadSelector = { kind: 'Rollout', name: query.rollout.name, namespace: query.rollout.namespace };
  const rollout = findOneDocument(files, selector, query.path);
  const site = containerPath(rollout.doc, change.container)
    ? new ManifestImageSite(rollout.file, selector, change.container)
    : workloadRefSite(rollout.doc, change.container, query, files);
  const image = site.imageIn(files.get(site.file) ?? '');
  if (image === undefined || !names.has(parseImage(image).name)) {
    throw new VaneError(
      'NotFound',
      `${site.describe()} sets image ${image ?? '(none)'}, neither the stable ${change.stable} nor the failing ${change.failing}, so something else sets it`,
    );
  }
  return site;
}

function workloadRefSite(rollout: unknown, container: string, query: SiteQuery, files: Map<string, string>): ImageSite {
  const deploymentName = stringAt(rollout, ['spec', 'workloadRef', 'name']);
  if (deploymentName === undefined) {
    throw new VaneError('NotFound', `the Rollout manifest of ${query.rollout.namespace}/${query.rollout.name} has no container ${container}`);
  }
  const selector: WorkloadSelector = { kind: 'Deployment', name: deploymentName, namespace: query.rollout.namespace };
  const deployment = findOneDocument(files, selector, query.path);
  if (!containerPath(deployment.doc, container)) {
    throw new VaneError('NotFound', `Deployment ${deploymentName} in ${deployment.file} has no container ${container}`);
  }
  return new ManifestImageSite(deployment.file, selector, container);
}

function findOneDocument(files: Map<string, string>, selector: WorkloadSelector, path: string): { file: string; doc: unknown } {
  const found: Array<{ file: string; doc: unknown }> = [];
  for (const [file, content] of files) {
    for (const doc of parseDocuments(content) ?? []) if (matchesWorkload(doc, selector)) found.push({ file, doc });
  }
  const explicit = found.filter((match) => stringAt(match.doc, ['metadata', 'namespace']) !== undefined);
  const pool = found.length > 1 && explicit.length > 0 ? explicit : found;
  const [first, ...rest] = pool;
  const where = `under ${path || 'the repository root'}`;
  if (!first) throw new VaneError('NotFound', `no ${selector.kind} manifest named ${selector.name} ${where}`);
  if (rest.length > 0) {
    throw new VaneError('Conflict', `${pool.length} ${selector.kind} manifests named ${selector.name} ${where}: ${pool.map((m) => m.file).join(', ')}`);
  }
  return first;
}
