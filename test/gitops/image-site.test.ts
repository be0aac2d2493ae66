// Contract suite every ImageSite kind passes: read the image, restore another one in place, refuse structural edits.
import { describe, expect, it } from 'vitest';
import { ArgoCDHelmParameterSite, ArgoCDKustomizeImageSite } from '../../src/gitops/argocd-override-site.js';
import { HelmImageSite } from '../../src/gitops/helm-image-site.js';
import { HelmImageStringSite } from '../../src/gitops/helm-image-string-site.js';
import type { ImageSite } from '../../src/gitops/image-site.js';
import { KustomizeImageSite } from '../../src/gitops/kustomize-image-site.js';
import { ManifestImageSite } from '../../src/gitops/manifest-image-site.js';
import { applyScalarChanges } from '../../src/gitops/yaml-scalar-edit.js';

interface ContractCase {
  name: string;
  site: ImageSite;
  content: string;
  current: string;
  restoreTo: string;
  /** The single line the restore should leave changed, after the edit. */
  expectedLine: string;
  /** An image the site cannot produce by replacing values only (a manifest can always be rewritten). */
  structural?: string;
}

const cases: ContractCase[] = [
  {
    name: 'manifest',
    site: new ManifestImageSite('rollout.yaml', { kind: 'Rollout', name: 'web', namespace: 'shop' }, 'app'),
    content: [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata: {name: web}',
      'spec: {template: {spec: {containers: [{name: app, image: ghcr.io/acme/web:2.0.0}]}}}',
      '---',
      'apiVersion: vane.dev/v1alpha1',
      'kind: Rollout',
      'metadata:',
      '  name: web',
      '  namespace: shop',
      'spec:',
      '  template:',
      '    spec:',
      '      initContainers:',
      '        - name: migrate',
      '          image: ghcr.io/acme/web-migrate:2.0.0',
      '      containers:',
      '        - name: app',
      '          image: ghcr.io/acme/web:2.0.0',
      '',
    ].join('\n'),
    current: 'ghcr.io/acme/web:2.0.0',
    restoreTo: 'ghcr.io/acme/web:1.9.0',
    expectedLine: '          image: ghcr.io/acme/web:1.9.0',
  },
  {
    name: 'kustomize',
    site: new KustomizeImageSite('kustomization.yaml', 'web'),
    content: ['images:', '  - name: redis', '    newTag: "7"', '  - name: web', '    newName: ghcr.io/acme/web', '    digest: sha256:bbbb', ''].join('\n'),
    current: 'ghcr.io/acme/web@sha256:bbbb',
    restoreTo: 'ghcr.io/acme/web@sha256:aaaa',
    expectedLine: '    digest: sha256:aaaa',
    structural: 'ghcr.io/acme/web:1.9.0',
  },
  {
    name: 'helm',
    site: new HelmImageSite('values-prod.yaml', ['web', 'image'], 'ghcr.io/acme/web'),
    content: ['web:', '  replicaCount: 3', '  image:', '    tag: "2.0.0"  # bumped', ''].join('\n'),
    current: 'ghcr.io/acme/web:2.0.0',
    restoreTo: 'ghcr.io/acme/web:1.9.0',
    expectedLine: '    tag: "1.9.0"  # bumped',
    structural: 'quay.io/acme/web:1.9.0',
  },
  {
    name: 'helm image string',
    site: new HelmImageStringSite('values-prod.yaml', ['web', 'image']),
    content: ['web:', '  image: ghcr.io/acme/web:2.0.0  # bumped', '  sidecar: ghcr.io/acme/proxy:2.0.0', ''].join('\n'),
    current: 'ghcr.io/acme/web:2.0.0',
    restoreTo: 'ghcr.io/acme/web:1.9.0',
    expectedLine: '  image: ghcr.io/acme/web:1.9.0  # bumped',
  },
  {
    name: 'argocd helm parameters',
    site: new ArgoCDHelmParameterSite('.argocd-source-web.yaml', 'image', 'ghcr.io/acme/web'),
    content: ['helm:', '  parameters:', '  - name: image.tag', '    value: "2.0.0"', '    forcestring: true', '  - name: replicaCount', '    value: "2.0.0"', ''].join('\n'),
    current: 'ghcr.io/acme/web:2.0.0',
    restoreTo: 'ghcr.io/acme/web:1.9.0',
    expectedLine: '    value: "1.9.0"',
    structural: 'ghcr.io/acme/web@sha256:aaaa',
  },
  {
    name: 'argocd kustomize images',
    site: new ArgoCDKustomizeImageSite('.argocd-source-web.yaml', 'ghcr.io/acme/web'),
    content: ['kustomize:', '  images:', '  - ghcr.io/acme/redis:2.0.0', '  - ghcr.io/acme/web:2.0.0', ''].join('\n'),
    current: 'ghcr.io/acme/web:2.0.0',
    restoreTo: 'ghcr.io/acme/web:1.9.0',
    expectedLine: '  - ghcr.io/acme/web:1.9.0',
  },
];

describe.each(cases)('ImageSite contract: $name', (testCase) => {
  it('given the file, when reading, then the site reports the image it produces', () => {
    expect(testCase.site.imageIn(testCase.content)).toBe(testCase.current);
  });

  it('given another image, when restoring it in place, then exactly one line changes and the site reads the new image', () => {
    const restored = applyScalarChanges(testCase.content, testCase.site.changesFor(testCase.content, testCase.restoreTo));
    const before = testCase.content.split('\n');
    const after = restored.split('\n');
    const changed = after.filter((line, index) => line !== before[index]);
    expect(changed).toEqual([testCase.expectedLine]);
    expect(testCase.site.imageIn(restored)).toBe(testCase.restoreTo);
  });

  it('given a file without the site, when reading, then there is no image', () => {
    expect(testCase.site.imageIn('unrelated: true\n')).toBeUndefined();
  });
});

describe.each(cases.filter((testCase) => testCase.structural !== undefined))('ImageSite contract: $name refuses structural edits', (testCase) => {
  it('given an image that needs a new or removed key, when planning the change, then it is refused', () => {
    expect(() => testCase.site.changesFor(testCase.content, testCase.structural ?? '')).toThrow(/only in-place edits/);
  });
});

describe('HelmImageSite with a registry key', () => {
  it('given registry and repository keys, when the repository changes under the same registry, then only repository and tag change', () => {
    const site = new HelmImageSite('values.yaml', ['image']);
    const content = 'image:\n  registry: docker.io\n  repository: bitnami/nginx\n  tag: 1.25.4\n';
    const restored = applyScalarChanges(content, site.changesFor(content, 'docker.io/acme/nginx:1.25.3'));
    expect(restored).toBe('image:\n  registry: docker.io\n  repository: acme/nginx\n  tag: 1.25.3\n');
  });
});

describe('image sites read values as the GitOps tool does', () => {
  it('given Helm values with a plain tag: 1.10, when reading, then the image is the one Helm renders, with tag 1.1', () => {
    const site = new HelmImageSite('values.yaml', ['image']);
    expect(site.imageIn('image:\n  repository: ghcr.io/acme/web\n  tag: 1.10\n')).toBe('ghcr.io/acme/web:1.1');
    expect(site.imageIn('image:\n  repository: ghcr.io/acme/web\n  tag: "1.10"\n')).toBe('ghcr.io/acme/web:1.10');
  });

  it('given Helm values with a plain tag: 2.0, when restoring 1.10, then the tag is written quoted so Helm renders 1.10', () => {
    const site = new HelmImageSite('values.yaml', ['image']);
    const content = 'image:\n  repository: ghcr.io/acme/web\n  tag: 2.0\n';
    expect(site.imageIn(content)).toBe('ghcr.io/acme/web:2');
    const restored = applyScalarChanges(content, site.changesFor(content, 'ghcr.io/acme/web:1.10'));
    expect(restored).toBe('image:\n  repository: ghcr.io/acme/web\n  tag: "1.10"\n');
    expect(site.imageIn(restored)).toBe('ghcr.io/acme/web:1.10');
  });

  it('given Helm values whose plain tag: 1.10 renders 1.1, when restoring 1.10, then the same text is quoted', () => {
    const site = new HelmImageSite('values.yaml', ['image']);
    const content = 'image:\n  repository: ghcr.io/acme/web\n  tag: 1.10\n';
    const restored = applyScalarChanges(content, site.changesFor(content, 'ghcr.io/acme/web:1.10'));
    expect(restored).toBe('image:\n  repository: ghcr.io/acme/web\n  tag: "1.10"\n');
  });

  it('given a null tag in Helm values, when reading, then the mapping sets no image', () => {
    expect(new HelmImageSite('values.yaml', ['image']).imageIn('image:\n  repository: ghcr.io/acme/web\n  tag: ~\n')).toBeUndefined();
  });

  it('given a kustomization with a plain newTag: 1.10, when reading, then the image has the tag kustomize reads, 1.1', () => {
    const site = new KustomizeImageSite('kustomization.yaml', 'ghcr.io/acme/web');
    expect(site.imageIn('images:\n  - name: ghcr.io/acme/web\n    newTag: 1.10\n')).toBe('ghcr.io/acme/web:1.1');
  });

  it('given a manifest whose image is a plain number, when reading, then it sets no image (the cluster would refuse it)', () => {
    const site = new ManifestImageSite('rollout.yaml', { kind: 'Rollout', name: 'web', namespace: 'shop' }, 'app');
    const content = 'kind: Rollout\nmetadata: {name: web}\nspec: {template: {spec: {containers: [{name: app, image: 1.10}]}}}\n';
    expect(site.imageIn(content)).toBeUndefined();
  });
});
