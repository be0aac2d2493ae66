// Plans the git change that undoes one Rollout's failed release: revert the offending commit, or edit the image back.
import { VaneError } from '../errors.js';
import type { ImageSite, SiteBinding } from './image-site.js';
import { locateImageSites, type SiteQuery } from './image-site-locator.js';
import type { CommitSummary, DiffHunk, LineRange, RepoHistory } from './repo-history.js';
import { inFile } from './yaml-documents.js';
import { applyScalarChanges } from './yaml-scalar-edit.js';

export interface RevertPlanQuery extends SiteQuery {
  /** How many commits touching the Rollout's files to search for the offending one; defaults to 200. */
  historyLimit?: number;
}

export interface FileEdit {
  path: string;
  /** The whole new content: the old one with only the image values replaced. */
  content: string;
}

export type RevertPlan =
  | { kind: 'already-reverted'; bindings: SiteBinding[]; detail: string; revertedBy?: CommitSummary }
  | { kind: 'revert'; bindings: SiteBinding[]; offending: CommitSummary; edits: FileEdit[] }
  | { kind: 'edit'; bindings: SiteBinding[]; offending?: CommitSummary; edits: FileEdit[]; whyNotRevert: string };

type Direction = 'introduced' | 'removed';

export async function planRevert(repo: RepoHistory, query: RevertPlanQuery): Promise<RevertPlan> {
  const bindings = await locateImageSites(repo, query);
  const files = new RevisionFiles(repo);
  const limit = query.historyLimit ?? 200;
  const commits = await repo.log(uniqueFiles(bindings), limit);
  const pending = await filterAsync(bindings, async (binding) => (await files.imageAt('HEAD', binding)) === binding.failing);
  if (pending.length === 0) {
    const revertedBy = await findTransition(files, commits, bindings, 'removed');
    return { kind: 'already-reverted', bindings, detail: await alreadyRevertedDetail(files, bindings), revertedBy };
  }
  const edits = await editsRestoringStable(files, pending);
  const offending = await findTransition(files, commits, bindings, 'introduced');
  const whyNotRevert = await revertBlocker(repo, files, { bindings, pending, offending, limit });
  if (whyNotRevert === undefined && offending) return { kind: 'revert', bindings, offending, edits };
  return { kind: 'edit', bindings, offending, edits, whyNotRevert: whyNotRevert ?? 'no offending commit' };
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

async function alreadyRevertedDetail(files: RevisionFiles, bindings: SiteBinding[]): Promise<string> {
  const parts = await Promise.all(
    bindings.map(async (binding) => `${binding.site.describe()} sets ${(await files.imageAt('HEAD', binding)) ?? '(nothing)'}`),
  );
  return `the branch no longer deploys the failing image: ${parts.join('; ')}`;
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

/** The newest commit where some container's image became (or stopped being) the failing one. */
async function findTransition(
  files: RevisionFiles,
  commits: CommitSummary[],
  bindings: SiteBinding[],
  direction: Direction,
): Promise<CommitSummary | undefined> {
  for (const commit of commits) {
    for (const binding of bindings) {
      const isFailingAfter = (await files.imageAt(commit.sha, binding)) === binding.failing;
      const isFailingBefore = (await files.imageAt(commit.parents[0], binding)) === binding.failing;
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

/** Why `git revert` of the offending commit would do more or less than undo this Rollout's change; undefined if none. */
async function revertBlocker(repo: RepoHistory, files: RevisionFiles, input: BlockerInput): Promise<string | undefined> {
  const { bindings, pending, offending } = input;
  if (!offending) return `no commit among the last ${input.limit} touching ${uniqueFiles(bindings).join(', ')} introduced the failing image`;
  const short = offending.sha.slice(0, 12);
  const [parent, ...otherParents] = offending.parents;
  if (parent === undefined || otherParents.length > 0) return `${short} is a root or merge commit`;
  if (pending.length < bindings.length) return 'part of the failing change was already undone';
  for (const binding of bindings) {
    const before = await files.imageAt(parent, binding);
    const after = await files.imageAt(offending.sha, binding);
    if (after !== binding.failing) return `${short} did not set ${binding.failing} for container ${binding.container}`;
    if (before !== binding.stable) return `${short} changed container ${binding.container} from ${before ?? '(nothing)'}, not from the stable ${binding.stable}`;
  }
  return changeOutsideRollout(repo, files, bindings, offending, parent);
}

async function changeOutsideRollout(
  repo: RepoHistory,
  files: RevisionFiles,
  bindings: SiteBinding[],
  offending: CommitSummary,
  parent: string,
): Promise<string | undefined> {
  const short = offending.sha.slice(0, 12);
  const ours = new Set(uniqueFiles(bindings));
  const changed = await repo.changedFiles(offending.sha);
  const others = changed.filter((file) => !ours.has(file));
  if (others.length > 0) return `${short} also changes ${others.join(', ')}`;
  for (const file of changed) {
    const inFile = uniqueSites(bindings.filter((binding) => binding.site.file === file));
    const confined = await isConfined(repo, files, { file, inFile, sha: offending.sha, parent });
    if (!confined) return `${short} also changes parts of ${file} that are not this Rollout's`;
  }
  return undefined;
}

interface ConfinementInput {
  file: string;
  inFile: SiteBinding[];
  sha: string;
  parent: string;
}

/**
 * Whole manifests own their lines: every changed line must lie inside them. Kustomize and Helm sites share a file with
 * other settings, so there the commit must be exactly the image values changing from stable to failing.
 */
async function isConfined(repo: RepoHistory, files: RevisionFiles, input: ConfinementInput): Promise<boolean> {
  const before = await files.read(input.parent, input.file);
  const after = await files.read(input.sha, input.file);
  if (before === undefined || after === undefined) return false;
  const sites = input.inFile.map((binding) => binding.site);
  if (sites.every((site) => site.ownedLines)) {
    const hunks = await repo.diffHunks(input.parent, input.sha, input.file);
    return hunks.every((hunk) => hunkInside(hunk, sites, before, after));
  }
  try {
    const changes = input.inFile.flatMap((binding) => binding.site.changesFor(before, binding.failing));
    return applyScalarChanges(before, changes) === after;
  } catch {
    return false;
  }
}

function hunkInside(hunk: DiffHunk, sites: ImageSite[], before: string, after: string): boolean {
  const spansBefore = sites.flatMap((site) => site.ownedLines?.(before) ?? []);
  const spansAfter = sites.flatMap((site) => site.ownedLines?.(after) ?? []);
  return rangeInside(hunk.before, spansBefore) && rangeInside(hunk.after, spansAfter);
}

function rangeInside(range: LineRange, spans: Array<{ startLine: number; endLine: number }>): boolean {
  if (range.count === 0) return spans.some((span) => range.start >= span.startLine - 1 && range.start <= span.endLine);
  const last = range.start + range.count - 1;
  return spans.some((span) => range.start >= span.startLine && last <= span.endLine);
}
