// deploy/kustomize/crds/ holds copies of crds/ (Kustomize, as Argo CD and Flux run it, reads no file outside the
// kustomization's root): they must stay identical, and the kustomization must list every one.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { KUSTOMIZE_DIR, REPO_ROOT } from './support/kustomize-render.js';

const SOURCE = join(REPO_ROOT, 'crds');
const COPY = join(KUSTOMIZE_DIR, 'crds');

const yamlFiles = (dir: string): string[] => readdirSync(dir).filter((f) => f.endsWith('.yaml') && f !== 'kustomization.yaml').sort();

describe('deploy/kustomize/crds', () => {
  it('given crds/, then the copies are the same files (refresh: npx tsx src/resources/generate-crds.ts)', () => {
    expect(yamlFiles(COPY)).toEqual(yamlFiles(SOURCE));
    for (const file of yamlFiles(SOURCE)) {
      expect(readFileSync(join(COPY, file), 'utf8'), `deploy/kustomize/crds/${file} differs from crds/${file}`).toBe(readFileSync(join(SOURCE, file), 'utf8'));
    }
  });

  it('given the kustomization, then it lists exactly the CRD files', () => {
    const kustomization = yaml.load(readFileSync(join(COPY, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    expect([...kustomization.resources].sort()).toEqual(yamlFiles(SOURCE));
  });
});
