// Plans the git change that undoes one Rollout's failed release: revert the release commit (or this application's part), or edit the image back.
import { VaneError } from '../errors.js';
import type { SiteBinding } from './image-site.js';
import { changedContainers, locateImageSites, type SiteQuery } from './image-site-locator.js';
import { locatePodTemplateSite, type TemplateIdentity } from './pod-template-site.js';
import { releaseScope, type ReleaseScope } from './release-scope.js';
import type { CommitSummary, RepoHistory } from './repo-history.js';
import { inFile } from './yaml-documents.js';
import { applyScalarChanges } from './yaml-scalar-edit.js';

export interface RevertPlanQuery extends SiteQuery {
  /** How many commits touching the Rollout's files to search for the offending one; defaults to 200. */
  historyLimit?: number;
  /** The stable and failing pod templates: a release that changed no image is found by its template. */
  stableTemplate?: TemplateIdentity;
  failingTemplate?: TemplateIdentity;
}

export interface FileEdit {
  path: string;
  /** The whole new content: the old one with only the image values replaced. */
  content: string;
}

/** The targeted edit, computed only when it is needed: an edit Vane cannot make must not veto a revert it can. */
export type LazyEdits = () => Promise<FileEdit[]>;

/** Whether the tree, read through `read`, deploys the stable version again (images, or the whole template). */
export type StableCheck = (read: (path: string) => Promise<string | undefined>) => Promise<boolean>;

export type RevertPlan =
  | { kind: 'already-reverted'; bindings: SiteBinding[]; detail: string; revertedBy?: CommitSummary }
  | { kind: 'revert'; bindings: SiteBinding[]; offending: CommitSummary; scope: ReleaseScope; edits: LazyEdits; restoresStable: StableCheck }
  | { kind: 'edit'; bindings: SiteBinding[]; offending?: CommitSummary; edits: LazyEdits; whyNotRevert: string };

type Direction = 'introduced' | 'removed';

/** Whether a revision deploys the failing version at one place (a site's image, the Rollout's template). */
type Marker = (revision: string | undefined) => Promise<boolean>;

/**
 * Reverts the release commit when its changes are this application's; reverts only this application's part when the
 * commit also changed others (the plan's scope says what is kept); edits the image back in place only when no revert
 * can restore it. A release that changed no image is found by its pod template (plain manifests only).
 */
export async function planRevert(repo: RepoHistory, query: RevertPlanQuery): Promise<RevertPlan> {
  if (changedContainers(query.stable, query.failing).length === 0) return planTemplateRevert(repo, query);
  const bindings = await locateImageSites(repo, query);
  const files = new RevisionFiles(repo);
  const limit = query.historyLimit ?? 200;
  const commits = await repo.log(uniqueFiles(bindings), limit);
  const markers: Marker[] = bindings.map((binding) => async (revision) => (await files.imageAt(revision, binding)) === binding.failing);
  const pending = await filterAsync(bindings, async (binding) => (await files.imageAt('HEAD', binding)) === binding.failing);
  if (pending.length === 0) {
    const history = { commits, markers, limit, files: uniqueFiles(bindings) };
    return { kind: 'already-reverted', bindings, ...(await alreadyReverted(history, await imageDetail(files, bindings), `image ${failingImages(bindings)}`)) };
  }
  let planned: Promise<FileEdit[]> | undefined;
  const edits: LazyEdits = () => (planned ??= editsRestoringStable(files, pending));
  const offending = await findTransition(commits, markers, 'introduced');
  const whyNotRevert = await revertBlocker(files, { bindings, pending, offending, limit });
  if (whyNotRevert !== undefined || !offending) return { kind: 'edit', bindings, offending, edits, whyNotRevert: whyNotRevert ?? 'no offending commit' };
  const scope = await releaseScope(repo, query, { sha: offending.sha, parent: offending.parents[0] ?? '' });
  const lost = scope.kept.find((kept) => bindings.some((binding) => binding.site.file === kept.file));
  if (lost) {
    const whyKept = `${shortSha(offending.sha)} changes ${lost.file}, which is not this application's alone (${lost.why}); not even part of it can be reverted`;
    return { kind: 'edit', bindings, offending, edits, whyNotRevert: whyKept };
  }
  const restoresStable: StableCheck = async (read) => {
    const images = await Promise.all(bindings.map(async (binding) => imageOf(binding, await read(binding.site.file))));
    return images.every((image, index) => image === bindings[index]?.stable);
  };
  return { kind: 'revert', bindings, offending, scope, edits, restoresStable };
}

/**
 * The newest commit that brought in the `failing` images (here: the release's) over the `stable` ones, found as the
 * revert planner finds the offending commit; undefined when the release changed no image or no commit set them.
 */
export async function findReleaseCommit(repo: RepoHistory, query: RevertPlanQuery): Promise<CommitSummary | undefined> {
  if (changedContainers(query.stable, query.failing).length === 0) return undefined;
  const bindings = await locateImageSites(repo, query);
  const files = new RevisionFiles(repo);
  const commits = await repo.log(uniqueFiles(bindings), query.historyLimit ?? 200);
  const markers: Marker[] = bindings.map((binding) => async (revision) => (await files.imageAt(revision, binding)) === binding.failing);
  return findTransition(commits, markers, 'introduced');
}

/**
 * A release that changed the pod template but no image: the newest commit that turned the Rollout's template into the
 * failing one, reverted under the same rules. There is no in-place edit for it, so a revert that cannot be made is refused.
 */
async function planTemplateRevert(repo: RepoHistory, query: RevertPlanQuery): Promise<RevertPlan> {
  const { stableTemplate: stable, failingTemplate: failing } = query;
  if (!stable || !failing) {
    throw new VaneError('InvalidSpec', 'the stable and failing pod templates run the same images, and Vane was not given the templates to find the commit that changed them');
  }
  const site = await locatePodTemplateSite(repo, query);
  const files = new RevisionFiles(repo);
  const limit = query.historyLimit ?? 200;
  const commits = await repo.log([site.file], limit);
  const markers: Marker[] = [async (revision) => revision !== undefined && site.holds(await files.read(revision, site.file), failing)];
  if (!(await markers[0]!('HEAD'))) {
    const detail = `${site.describe()} has pod template ${site.hashIn(await files.read('HEAD', site.file)) ?? '(none)'}`;
    return { kind: 'already-reverted', bindings: [], ...(await alreadyReverted({ commits, markers, limit, files: [site.file] }, detail, `pod template ${failing.podTemplateHash}`)) };
  }
  const offending = await findTransition(commits, markers, 'introduced');
  const refuse = (why: string): VaneError => new VaneError('InvalidSpec', `the release changed the pod template but no image, and ${why}; Vane restores only images in place, so it changes nothing`);
  if (!offending) throw refuse(`no commit among the last ${limit} touching ${site.file} turned the template into the failing one (${failing.podTemplateHash}): it was changed outside git, or earlier`);
  const short = shortSha(offending.sha);
  const [parent, ...otherParents] = offending.parents;
  if (parent === undefined || otherParents.length > 0) throw refuse(`${short}, which made the failing template, is a root or merge commit`);
  if (!site.holds(await files.read(parent, site.file), stable)) {
    throw refuse(`${short} changed the template from another one than the stable ${stable.podTemplateHash}, so reverting it would deploy a template that never passed analysis`);
  }
  const scope = await releaseScope(repo, query, { sha: offending.sha, parent });
  const lost = scope.kept.find((kept) => kept.file === site.file);
  if (lost) throw refuse(`${short} changes ${site.file}, which is not this application's alone (${lost.why})`);
  const edits: LazyEdits = () => Promise.reject(refuse(`the revert of ${short} does not restore the stable template (it conflicts with later commits)`));
  const restoresStable: StableCheck = async (read) => site.holds(await read(site.file), stable);
  return { kind: 'revert', bindings: [], offending, scope, edits, restoresStable };
}

/** File contents per revision, read once: the history walk asks for the same ones repeatedly. */
class RevisionFiles {
  private readonly cache = new Map<string, Promise<string | undefined>>();

  constructor(private readonly repo: RepoHistory) {}

  read(revision: string, path: string): Promise<string | undefined> {
    const key = `${revision}:${path}`;
    let content = this.cache.get(key);
    if (!content) {
      content = this.repo.fileAt(revision, path);
      this.cache.set(key, content);
    }
    return content;
  }

  async imageAt(revision: string | undefined, binding: SiteBinding): Promise<string | undefined> {
    if (revision === undefined) return undefined;
    const content = await this.read(revision, binding.site.file);
    if (content === undefined) return undefined;
    try {
      return binding.site.imageIn(content);
    } catch (err) {
      throw inFile(`${binding.site.file} at ${revision.slice(0, 12)}`, err);
    }
  }
}

function uniqueFiles(bindings: SiteBinding[]): string[] {
  return [...new Set(bindings.map((binding) => binding.site.file))];
}

/** One binding per site: two containers set by one Helm mapping are one edit. */
function uniqueSites(bindings: SiteBinding[]): SiteBinding[] {
  const bySite = new Map<string, SiteBinding>();
  for (const binding of bindings) {
    const seen = bySite.get(binding.site.key);
    if (seen && seen.stable !== binding.stable) {
      throw new VaneError('Conflict', `${binding.site.describe()} sets the image of containers with different stable images`);
    }
    bySite.set(binding.site.key, binding);
  }
  return [...bySite.values()];
}

async function filterAsync<T>(items: T[], keep: (item: T) => Promise<boolean>): Promise<T[]> {
  const verdicts = await Promise.all(items.map(keep));
  return items.filter((_, index) => verdicts[index]);
}

interface History {
  commits: CommitSummary[];
  markers: Marker[];
  limit: number;
  files: string[];
}

/** Who took the failing version out of the branch, or that the branch never had it (set by kubectl or outside git). */
async function alreadyReverted(history: History, detail: string, what: string): Promise<{ detail: string; revertedBy?: CommitSummary }> {
  const revertedBy = await findTransition(history.commits, history.markers, 'removed');
  if (revertedBy) return { detail: `the branch no longer deploys the failing ${what}: ${detail}`, revertedBy };
  const introducedBy = await findTransition(history.commits, history.markers, 'introduced');
  if (introducedBy) return { detail: `the branch no longer deploys the failing ${what}: ${detail}` };
  const where = history.files.join(', ');
  return {
    detail:
      `the branch never deployed the failing ${what}: no commit among the last ${history.limit} touching ${where} set it ` +
      `(it came from outside git, e.g. kubectl set image or kubectl edit); nothing to revert: ${detail}`,
  };
}

async function imageDetail(files: RevisionFiles, bindings: SiteBinding[]): Promise<string> {
  const parts = await Promise.all(bindings.map(async (binding) => `${binding.site.describe()} sets ${(await files.imageAt('HEAD', binding)) ?? '(nothing)'}`));
  return parts.join('; ');
}

function failingImages(bindings: SiteBinding[]): string {
  return [...new Set(bindings.map((binding) => binding.failing))].join(', ');
}

function imageOf(binding: SiteBinding, content: string | undefined): string | undefined {
  return content === undefined ? undefined : binding.site.imageIn(content);
}

function shortSha(sha: string): string {
  return sha.slice(0, 12);
}

async function editsRestoringStable(files: RevisionFiles, pending: SiteBinding[]): Promise<FileEdit[]> {
  const byFile = new Map<string, SiteBinding[]>();
  for (const binding of uniqueSites(pending)) byFile.set(binding.site.file, [...(byFile.get(binding.site.file) ?? []), binding]);
  const edits: FileEdit[] = [];
  for (const [path, inFile] of byFile) {
    const content = (await files.read('HEAD', path)) ?? '';
    const changes = inFile.flatMap((binding) => binding.site.changesFor(content, binding.stable));
    edits.push({ path, content: applyScalarChanges(content, changes) });
  }
  return edits;
}

/** The newest commit where some marker became (or stopped being) true: the failing version came in (or went). */
async function findTransition(commits: CommitSummary[], markers: Marker[], direction: Direction): Promise<CommitSummary | undefined> {
  for (const commit of commits) {
    for (const isFailing of markers) {
      const isFailingAfter = await isFailing(commit.sha);
      const isFailingBefore = await isFailing(commit.parents[0]);
      const matches = direction === 'introduced' ? isFailingAfter && !isFailingBefore : isFailingBefore && !isFailingAfter;
      if (matches) return commit;
    }
  }
  return undefined;
}

interface BlockerInput {
  bindings: SiteBinding[];
  pending: SiteBinding[];
  offending: CommitSummary | undefined;
  limit: number;
}

/** Why `git revert` of the offending commit would not bring back the stable images; undefined if nothing stands in the way. */
async function revertBlocker(files: RevisionFiles, input: BlockerInput): Promise<string | undefined> {
  const { bindings, pending, offending } = input;
  if (!offending) return `no commit among the last ${input.limit} touching ${uniqueFiles(bindings).join(', ')} introduced the failing image`;
  const short = shortSha(offending.sha);
  const [parent, ...otherParents] = offending.parents;
  if (parent === undefined || otherParents.length > 0) return `${short} is a root or merge commit`;
  if (pending.length < bindings.length) return 'part of the failing change was already undone';
  for (const binding of bindings) {
    const before = await files.imageAt(parent, binding);
    const after = await files.imageAt(offending.sha, binding);
    if (after !== binding.failing) return `${short} did not set ${binding.failing} for container ${binding.container}`;
    if (before !== binding.stable) return `${short} changed container ${binding.container} from ${before ?? '(nothing)'}, not from the stable ${binding.stable}`;
  }
  return undefined;
}
