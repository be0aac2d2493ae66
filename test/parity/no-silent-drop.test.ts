// Specification that no field is silently dropped: every field of Vane's Rollout, analysis, Experiment and notifier spec schemas
// is named by a behaviour test (`// @covers <path>` in the test that asserts what it does), and every Argo Rollouts
// field Vane lacks is kept by the CRD and refused by validation, naming the field.
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateAnalysisRun, validateAnalysisTemplate, validateClusterAnalysisTemplate } from '../../src/resources/analysis-template-validation.js';
import { ARGO_UNSUPPORTED_FIELDS, type ArgoKind } from '../../src/resources/argo-unsupported-fields.js';
import { ownSchemaForKind, type VaneKind } from '../../src/resources/crd-manifests.js';
import { validateExperiment } from '../../src/resources/experiment-validation.js';
import { validateClusterNotifier, validateNotifier } from '../../src/resources/notifier-validation.js';
import type { FieldError } from '../../src/resources/field-error.js';
import { validateRollout } from '../../src/resources/rollout-validation.js';
import { schemaPaths } from '../../src/resources/schema-paths.js';

const ROOT = resolve(import.meta.dirname, '../..');
const KINDS: readonly VaneKind[] = ['Rollout', 'AnalysisTemplate', 'ClusterAnalysisTemplate', 'AnalysisRun', 'Experiment', 'Notifier', 'ClusterNotifier'];
const VALIDATORS: Record<VaneKind, (obj: unknown) => FieldError[]> = {
  Rollout: validateRollout,
  AnalysisTemplate: validateAnalysisTemplate,
  ClusterAnalysisTemplate: validateClusterAnalysisTemplate,
  AnalysisRun: validateAnalysisRun,
  Experiment: validateExperiment,
  Notifier: validateNotifier,
  ClusterNotifier: validateClusterNotifier,
};

/** Every `@covers` marker of the test files: a path, or `path/**` for a Kubernetes object kept whole (a pod template). */
function markers(): Map<string, string[]> {
  const files = execFileSync('git', ['ls-files', '-co', '--exclude-standard', '*.test.ts', 'test/**/*.ts'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.ts'));
  const found = new Map<string, string[]>();
  for (const file of files) {
    for (const match of readFileSync(resolve(ROOT, file), 'utf8').matchAll(/^\s*(?:\/\/|\*) @covers ([a-zA-Z][\w.[\]/*-]*)\s*$/gm)) {
      const path = match[1] ?? '';
      found.set(path, [...(found.get(path) ?? []), file]);
    }
  }
  return found;
}

/** The spec fields of `kind` a user may set: the schema's property paths, without the list and map item entries. */
function specFields(kind: VaneKind): string[] {
  return schemaPaths(ownSchemaForKind(kind)).filter((p) => p.startsWith('spec.') && !p.endsWith('[]') && !p.endsWith('.*'));
}

function isCovered(path: string, marks: ReadonlyMap<string, string[]>): boolean {
  if (marks.has(path)) return true;
  return [...marks.keys()].some((m) => {
    if (!m.endsWith('/**')) return false;
    const root = m.slice(0, -3);
    return path === root || path.startsWith(`${root}.`) || path.startsWith(`${root}[`);
  });
}

/** An object of `kind` that sets the field `path` (`a.b[].c`) to an empty object, creating what lies on the way. */
function objectSetting(kind: string, path: string): Record<string, unknown> {
  const obj: Record<string, unknown> = { apiVersion: 'vane.dev/v1alpha1', kind, metadata: { name: 'x', namespace: 'shop' } };
  let node: Record<string, unknown> = obj;
  const parts = path.split('.');
  parts.forEach((part, i) => {
    const list = part.endsWith('[]');
    const key = list ? part.slice(0, -2) : part;
    const last = i === parts.length - 1;
    if (list) {
      const item: Record<string, unknown> = {};
      node[key] = [item];
      node = item;
    } else {
      const child: Record<string, unknown> = {};
      node[key] = last ? { probe: true } : child;
      node = child;
    }
  });
  return obj;
}

const marks = markers();

describe('no silent drop: every field Vane declares does something a test shows', () => {
  it.each(KINDS.filter((k) => k !== 'ClusterAnalysisTemplate'))('given the %s spec schema, then every field is named by a behaviour test', (kind) => {
    // ClusterAnalysisTemplate shares the AnalysisTemplate schema, so its fields are the same paths.
    expect(specFields(kind).filter((p) => !isCovered(p, marks))).toEqual([]);
  });

  it('given the @covers markers, then each names a field of some spec schema (no stale or misspelt marker)', () => {
    const known = new Set(KINDS.flatMap((kind) => schemaPaths(ownSchemaForKind(kind))));
    const stale = [...marks.entries()].filter(([m]) => !known.has(m.endsWith('/**') ? m.slice(0, -3) : m)).map(([m, files]) => `${m} (${files.join(', ')})`);
    expect(stale).toEqual([]);
  });
});

describe('no silent drop: every Argo Rollouts field Vane lacks is refused by name', () => {
  const gaps = KINDS.flatMap((kind) => (ARGO_UNSUPPORTED_FIELDS[kind as ArgoKind] ?? []).map((path) => [kind, path] as const));

  it('given the gap list, then it is not empty (Vane does not yet do all Argo does) and names only spec fields', () => {
    expect(gaps.length).toBeGreaterThan(0);
    for (const [, path] of gaps) expect(path).toMatch(/^spec\./);
  });

  it.each(gaps)('given a %s that sets %s, then validation refuses it naming the field as unsupported', (kind, path) => {
    const errors = VALIDATORS[kind](objectSetting(kind, path));
    const concrete = path.replaceAll('[]', '[0]');
    expect(errors).toContainEqual({ path: concrete, message: expect.stringContaining('is not supported by Vane') });
  });
});
