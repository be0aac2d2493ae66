// Specification of examples/gitops: each environment's overlay renders, the cluster accepts every object (Vane's
// CRDs validate the Rollout and AnalysisTemplate), Vane's own validation passes, what the Rollout names is beside
// it, and the environments differ only where the overlays say.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vaneCrdFiles } from '../../src/cli/crd-paths.js';
import { validateAnalysisTemplate } from '../../src/resources/analysis-template-validation.js';
import type { Rollout } from '../../src/resources/rollout.js';
import { validateRollout } from '../../src/resources/rollout-validation.js';
import { startSandbox, type Sandbox } from '../../src/sandbox/sandbox.js';
import { onlyObject, renderKustomization, REPO_ROOT, type ManifestObject } from './support/kustomize-render.js';
import { createServed } from './support/sandbox-apply.js';

const APP = join(REPO_ROOT, 'examples', 'gitops', 'apps', 'shop');
const ENVIRONMENTS = { staging: 'shop-staging', production: 'shop-production' } as const;

function rolloutOf(objects: readonly ManifestObject[]): Rollout & ManifestObject {
  return onlyObject(objects, 'Rollout') as unknown as Rollout & ManifestObject;
}

describe('examples/gitops', () => {
  let sandbox: Sandbox;
  const rendered = new Map<string, ManifestObject[]>();

  beforeAll(async () => {
    sandbox = await startSandbox({ crdFiles: vaneCrdFiles(), logLevel: 'silent', simulator: { enabled: false } });
    for (const env of Object.keys(ENVIRONMENTS)) rendered.set(env, await renderKustomization(join(APP, 'overlays', env)));
  });

  afterAll(async () => {
    await sandbox?.stop();
  });

  for (const [env, namespace] of Object.entries(ENVIRONMENTS)) {
    describe(`overlays/${env}`, () => {
      it('given the rendering, then the sandbox creates every object with strict field validation', async () => {
        const objects = rendered.get(env)!;
        const { created, unserved } = await createServed(sandbox, objects);
        expect(unserved).toEqual([]);
        expect(created.map((o) => o.kind).sort()).toEqual(['AnalysisTemplate', 'Namespace', 'Rollout', 'Service', 'Service']);
        expect(new Set(objects.filter((o) => o.kind !== 'Namespace').map((o) => o.metadata.namespace))).toEqual(new Set([namespace]));
      });

      it('given the Rollout and AnalysisTemplate, then Vane\'s validation passes and everything the Rollout names is beside it', () => {
        const objects = rendered.get(env)!;
        const rollout = rolloutOf(objects);
        expect(validateRollout(rollout)).toEqual([]);
        expect(validateAnalysisTemplate(onlyObject(objects, 'AnalysisTemplate'))).toEqual([]);
        const canary = rollout.spec.strategy.canary!;
        for (const service of [canary.stableService, canary.canaryService]) expect(onlyObject(objects, 'Service', service).metadata.namespace).toBe(namespace);
        const templates = (canary.steps ?? []).flatMap((s) => ('analysis' in s ? s.analysis.templates : [])).map((t) => t.templateName);
        expect(templates.length).toBeGreaterThan(0);
        for (const name of templates) expect(onlyObject(objects, 'AnalysisTemplate', name).metadata.namespace).toBe(namespace);
      });
    });
  }

  it('given both environments, then they differ in image tag, replicas and steps, and only production waits for a person', () => {
    const staging = rolloutOf(rendered.get('staging')!);
    const production = rolloutOf(rendered.get('production')!);
    const image = (r: Rollout): string | undefined => r.spec.template?.spec?.containers?.[0]?.image;
    expect([image(staging), image(production)]).toEqual(['ghcr.io/acme/shop:1.8.0', 'ghcr.io/acme/shop:1.7.2']);
    expect([staging.spec.replicas, production.spec.replicas]).toEqual([2, 6]);
    const waitsForPerson = (r: Rollout): boolean => (r.spec.strategy.canary?.steps ?? []).some((s) => 'pause' in s && s.pause.duration === undefined);
    expect([waitsForPerson(staging), waitsForPerson(production)]).toEqual([false, true]);
    expect(production.spec.rollback?.git?.push).toBe('branch');
  });
});
