// Renders a Kustomize directory with `kubectl kustomize` (the kustomize Argo CD and Flux embed) into objects.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import yaml from 'js-yaml';

const run = promisify(execFile);

export const REPO_ROOT = join(import.meta.dirname, '..', '..', '..');
export const KUSTOMIZE_DIR = join(REPO_ROOT, 'deploy', 'kustomize');

export interface ManifestObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

/** `kubectl kustomize <dir>` parsed; fails with kubectl's own message when the kustomization is broken. */
export async function renderKustomization(dir: string): Promise<ManifestObject[]> {
  const { stdout } = await run('kubectl', ['kustomize', dir], { maxBuffer: 64 * 1024 * 1024 });
  return yaml.loadAll(stdout).filter((doc): doc is ManifestObject => typeof doc === 'object' && doc !== null);
}

export function objectsOfKind(objects: readonly ManifestObject[], kind: string): ManifestObject[] {
  return objects.filter((o) => o.kind === kind);
}

export function onlyObject(objects: readonly ManifestObject[], kind: string, name?: string): ManifestObject {
  const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
  if (found.length !== 1) throw new Error(`expected exactly one ${kind}${name ? ` ${name}` : ''}, found ${found.length}`);
  return found[0]!;
}

export function describeObject(o: ManifestObject): string {
  return `${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`;
}
