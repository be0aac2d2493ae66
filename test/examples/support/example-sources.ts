// The files of examples/ and how a scenario reads them: a manifest file as it is, a Kustomize directory rendered
// with `kubectl kustomize` (the renderer Argo CD and Flux embed); and which files a rendering reads, so coverage
// of the folder can be checked file by file.
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { promisify } from 'node:util';
import yaml from 'js-yaml';

const run = promisify(execFile);

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
export const EXAMPLES_DIR = join(REPO_ROOT, 'examples');

/** A manifest file applied as it is, or a Kustomize directory applied as rendered; paths relative to examples/. */
export type ExampleSource = { file: string } | { kustomization: string };

export interface KubeDocument {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  [field: string]: unknown;
}

export interface RenderedSource {
  source: ExampleSource;
  /** What `kubectl apply -f -` and `vane lint -f -` are given. */
  text: string;
  documents: KubeDocument[];
}

/** Every file under examples/, relative to it, in name order. */
export function exampleFiles(dir = EXAMPLES_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => (a.name < b.name ? -1 : 1))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      return entry.isDirectory() ? exampleFiles(path) : [relative(EXAMPLES_DIR, path)];
    });
}

export function describeSource(source: ExampleSource): string {
  return 'file' in source ? source.file : `kubectl kustomize ${source.kustomization}`;
}

export async function renderSource(source: ExampleSource): Promise<RenderedSource> {
  const text = 'file' in source ? readFileSync(join(EXAMPLES_DIR, source.file), 'utf8') : (await run('kubectl', ['kustomize', join(EXAMPLES_DIR, source.kustomization)])).stdout;
  const documents = yaml.loadAll(text).filter((d): d is KubeDocument => typeof d === 'object' && d !== null);
  return { source, text, documents };
}

/** The files of examples/ a source reads: the file itself, or every file its kustomizations name, transitively. */
export function filesRead(source: ExampleSource): string[] {
  if ('file' in source) return [source.file];
  return [...kustomizationFiles(join(EXAMPLES_DIR, source.kustomization))].map((path) => relative(EXAMPLES_DIR, path)).sort();
}

interface Kustomization {
  resources?: string[];
  components?: string[];
  patches?: Array<{ path?: string }>;
  patchesStrategicMerge?: string[];
}

function kustomizationFiles(dir: string, seen = new Set<string>()): Set<string> {
  const file = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'].map((name) => join(dir, name)).find(isFile);
  if (file === undefined) throw new Error(`${dir} has no kustomization file`);
  seen.add(file);
  const kustomization = (yaml.load(readFileSync(file, 'utf8')) ?? {}) as Kustomization;
  const named = [
    ...(kustomization.resources ?? []),
    ...(kustomization.components ?? []),
    ...(kustomization.patchesStrategicMerge ?? []),
    ...(kustomization.patches ?? []).flatMap((p) => (p.path === undefined ? [] : [p.path])),
  ];
  for (const name of named) {
    const path = resolve(dirname(file), name);
    if (isFile(path)) seen.add(path);
    else kustomizationFiles(path, seen);
  }
  return seen;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}
