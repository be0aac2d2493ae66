// Reads a manifest of Argo Rollouts' vendored corpus as a Vane user would apply it: only the apiVersion swapped.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadAll } from 'js-yaml';
import type { KubeObject } from '../../../src/kube/kube-object.js';
import type { Rollout } from '../../../src/resources/rollout.js';

const CORPUS_DIR = resolve(import.meta.dirname, '../../fixtures/argo-rollouts');

/** Every document of `file` (relative to the corpus root), with `argoproj.io/v1alpha1` swapped for `vane.dev/v1alpha1`. */
export function argoDocuments(file: string): KubeObject[] {
  const text = readFileSync(resolve(CORPUS_DIR, file), 'utf8').replaceAll('apiVersion: argoproj.io/v1alpha1', 'apiVersion: vane.dev/v1alpha1');
  return (loadAll(text) as Array<KubeObject | null>).filter((d): d is KubeObject => d !== null && typeof d === 'object');
}

/** The one Rollout of `file`. */
export function argoRollout(file: string): Rollout & KubeObject {
  const rollout = argoDocuments(file).find((d) => d.kind === 'Rollout');
  if (!rollout) throw new Error(`${file} holds no Rollout`);
  return rollout as unknown as Rollout & KubeObject;
}
