// When no place under a source path sets a Rollout's image: what is there instead, and which setting points Vane at it.
import { posix } from 'node:path';
import { kustomizationEntries, resolveEntry } from './kustomize-build.js';
import { KUSTOMIZATION_FILES, kustomizeImageEntries } from './kustomize-image-site.js';
import type { RepoHistory } from './repo-history.js';
import { arrayAt, isRecord, stringAt } from './unstructured.js';
import { parseDocuments } from './yaml-documents.js';

export interface DiagnosisInput {
  repo: RepoHistory;
  /** The source path ('' for the repository root). */
  path: string;
  /** YAML files under the path, with their content. */
  files: ReadonlyMap<string, string>;
  /** Helm value files asked for, and those that exist. */
  valueFiles: readonly string[];
  foundValueFiles: ReadonlySet<string>;
  rollout: { name: string };
  /** The container's image names (stable and failing). */
  names: ReadonlySet<string>;
}

/** Files of the repository read when looking for the Rollout's manifest outside the path. */
const MAX_FILES_SEARCHED = 500;
const PATCH_KEYS = ['patches', 'patchesJson6902', 'patchesStrategicMerge'] as const;

/**
 * Sentences for an error: what was found under the path (kustomizations patching the image, images entries for
 * other images, a chart spelling the image in a template, missing value files, the Rollout's manifest elsewhere) and
 * the setting that would point Vane at the file that sets the image.
 */
export async function diagnoseLayout(input: DiagnosisInput): Promise<string> {
  const where = input.path || 'the repository root';
  const kustomizations = await kustomizationFindings(input);
  const findings = [
    ...(input.files.size === 0 ? [`there are no YAML files under ${where}`] : []),
    ...input.valueFiles.filter((file) => !input.foundValueFiles.has(file)).map((file) => `value file ${file} does not exist`),
    ...kustomizations.findings,
    ...(await chartFindings(input)),
  ];
  const elsewhere = await rolloutElsewhere(input);
  if (elsewhere !== undefined) findings.push(`a Rollout manifest named ${input.rollout.name} is in ${elsewhere}, outside ${where}`);
  const found = findings.length > 0 ? `found: ${findings.join('; ')}. ` : '';
  const [patched] = kustomizations.patched;
  if (patched !== undefined) return `${found}Move the image out of the patch into an images: entry of ${patched}: Vane restores images entries, not patches`;
  return `${found}${advice(input, elsewhere)}`;
}

function advice(input: DiagnosisInput, elsewhere: string | undefined): string {
  const where = input.path || 'the repository root';
  const target = elsewhere !== undefined ? ` to ${posix.dirname(elsewhere)}` : '';
  const helm = input.files.has(posix.join(input.path, 'Chart.yaml'))
    ? ', or list the values file that sets the image in the Argo CD Application\'s helm.valueFiles'
    : '';
  return (
    `Set the image through an images: entry of a kustomization or a Helm values file under ${where}, or point Vane at the file that ` +
    `sets it with spec.rollback.git.path${target} (with spec.rollback.git.repoURL when that file is outside the path Argo CD or Flux deploys)${helm}`
  );
}

async function kustomizationFindings(input: DiagnosisInput): Promise<{ findings: string[]; patched: string[] }> {
  const findings: string[] = [];
  const patched: string[] = [];
  for (const [file, content] of input.files) {
    if (!KUSTOMIZATION_FILES.includes(posix.basename(file))) continue;
    const doc = parseDocuments(content)?.[0];
    const images = kustomizeImageEntries(content).map((entry) => entry.name);
    const patches = await patchesTouchingImage(input.repo, file, doc);
    if (patches.length > 0) {
      patched.push(file);
      findings.push(`${file} with ${patches.join(', ')} touching image${images.length === 0 ? '; no images: entry' : ''}`);
    }
    else if (images.length > 0) findings.push(`${file} with images: entries for ${images.join(', ')}, none for ${[...input.names].join(' or ')}`);
    if (arrayAt(doc, ['helmCharts']).length > 0) findings.push(`${file} inflating a Helm chart (helmCharts), which Vane does not render`);
    const remote = kustomizationEntries(doc).flatMap((entry) => {
      const resolved = resolveEntry(file, entry);
      return typeof resolved === 'string' ? [] : [resolved.why];
    });
    findings.push(...remote);
  }
  return { findings, patched };
}

/** The patch kinds of a kustomization whose patch text (inline or in a file of the repository) mentions an image. */
async function patchesTouchingImage(repo: RepoHistory, file: string, doc: unknown): Promise<string[]> {
  const kinds: string[] = [];
  for (const key of PATCH_KEYS) {
    for (const patch of arrayAt(doc, [key]).slice(0, 20)) {
      const text = await patchText(repo, file, patch);
      if (/\bimage\b/.test(text)) {
        kinds.push(inlinePatch(patch) ? `an inline ${key} patch` : `${key} ${patchPath(patch) ?? ''}`.trim());
        break;
      }
    }
  }
  return kinds;
}

function inlinePatch(patch: unknown): boolean {
  return (typeof patch === 'string' && patch.includes('\n')) || stringAt(patch, ['patch']) !== undefined;
}

function patchPath(patch: unknown): string | undefined {
  return typeof patch === 'string' && !patch.includes('\n') ? patch : stringAt(patch, ['path']);
}

async function patchText(repo: RepoHistory, file: string, patch: unknown): Promise<string> {
  const inline = typeof patch === 'string' && patch.includes('\n') ? patch : stringAt(patch, ['patch']);
  if (inline !== undefined) return inline;
  const path = patchPath(patch);
  const resolved = path !== undefined ? resolveEntry(file, path) : undefined;
  return typeof resolved === 'string' ? ((await repo.fileAt('HEAD', resolved)) ?? '') : '';
}

/** A chart at the path whose templates spell the image, or read it from values no given file sets. */
async function chartFindings(input: DiagnosisInput): Promise<string[]> {
  const chart = posix.join(input.path, 'Chart.yaml');
  if (!input.files.has(chart)) return [];
  const templates = (await input.repo.listFiles(posix.join(input.path, 'templates'))).slice(0, 200);
  const findings: string[] = [];
  for (const template of templates) {
    const text = (await input.repo.fileAt('HEAD', template)) ?? '';
    const literal = [...input.names].find((name) => text.includes(name));
    const values = /image:\s*["']?[^\n]*?\.Values\.([A-Za-z0-9_.]+)/.exec(text)?.[1];
    if (literal !== undefined) findings.push(`chart ${input.path} whose template ${template} spells the image ${literal} (Vane edits values, not templates)`);
    else if (values !== undefined) findings.push(`chart ${input.path} whose template ${template} takes the image from .Values.${values}, which no values file given sets with a repository or tag Vane matched`);
  }
  return findings;
}

/** The first YAML file of the repository, outside the path, holding a Rollout manifest with the name. */
async function rolloutElsewhere(input: DiagnosisInput): Promise<string | undefined> {
  const files = (await input.repo.listFiles('')).filter((file) => /\.ya?ml$/i.test(file) && !input.files.has(file));
  if (files.length > MAX_FILES_SEARCHED) return undefined;
  for (const file of files) {
    let docs: unknown[] | undefined;
    try {
      docs = parseDocuments((await input.repo.fileAt('HEAD', file)) ?? '');
    } catch {
      continue;
    }
    if ((docs ?? []).some((doc) => isRecord(doc) && stringAt(doc, ['kind']) === 'Rollout' && stringAt(doc, ['metadata', 'name']) === input.rollout.name)) return file;
  }
  return undefined;
}
