// Creates rendered objects in a sandbox with kubectl (strict field validation, as kubectl does by default), in the
// order a cluster needs them: namespaces and CRDs first. Kinds the sandbox does not serve are handed back.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import yaml from 'js-yaml';
import type { Sandbox } from '../../../src/sandbox/sandbox.js';
import type { ManifestObject } from './kustomize-render.js';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectl(sandbox: Sandbox, args: string[], input?: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    const child = execFile('kubectl', ['--kubeconfig', sandbox.kubeconfigPath, ...args], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** `apiVersion/Kind` of every kind the sandbox serves, from `kubectl api-resources`. */
export async function servedKinds(sandbox: Sandbox, cacheDir: string): Promise<Set<string>> {
  const result = await kubectl(sandbox, ['api-resources', '--no-headers', '--cache-dir', cacheDir]);
  if (result.code !== 0) throw new Error(`kubectl api-resources failed: ${result.stderr}`);
  const kinds = result.stdout
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .map((columns) => `${columns.at(-3)}/${columns.at(-1)}`);
  return new Set(kinds);
}

function keyOf(o: ManifestObject): string {
  return `${o.apiVersion}/${o.kind}`;
}

async function create(sandbox: Sandbox, objects: readonly ManifestObject[], cacheDir: string): Promise<void> {
  if (objects.length === 0) return;
  const input = objects.map((o) => yaml.dump(o)).join('---\n');
  const result = await kubectl(sandbox, ['create', '-f', '-', '--cache-dir', cacheDir], input);
  if (result.code !== 0) throw new Error(`kubectl create failed:\n${result.stderr}${result.stdout}`);
}

/**
 * Creates every object whose kind the sandbox serves (after the namespaces and CRDs that may add kinds), and
 * returns the objects it could not: kinds only a real cluster serves.
 */
export async function createServed(sandbox: Sandbox, objects: readonly ManifestObject[]): Promise<{ created: ManifestObject[]; unserved: ManifestObject[] }> {
  const cacheDir = await mkdtemp(join(tmpdir(), 'vane-kubectl-cache-'));
  try {
    const first = objects.filter((o) => o.kind === 'Namespace' || o.kind === 'CustomResourceDefinition');
    await create(sandbox, first, cacheDir);
    await rm(cacheDir, { recursive: true, force: true });
    const served = await servedKinds(sandbox, cacheDir);
    const rest = objects.filter((o) => !first.includes(o));
    const creatable = rest.filter((o) => served.has(keyOf(o)));
    await create(sandbox, creatable, cacheDir);
    return { created: [...first, ...creatable], unserved: rest.filter((o) => !served.has(keyOf(o))) };
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
}
