// Specification of `vane set image`'s patch: only the named containers change, each change guarded by a test of the
// container's name, and a Rollout without its own pod template is refused with where to set the image instead.
import { describe, expect, it } from 'vitest';
import type { Rollout } from '../resources/rollout.js';
import { imagePatch, parseImageChanges } from './image-patch.js';

function rollout(spec: Partial<Rollout['spec']>): Rollout {
  return {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', namespace: 'shop' },
    spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, strategy: { canary: { steps: [] } }, ...spec } as Rollout['spec'],
  };
}

const twoContainers = rollout({
  template: {
    metadata: { labels: { app: 'web' } },
    spec: {
      initContainers: [{ name: 'migrate', image: 'acme/migrate:1' }],
      containers: [
        { name: 'web', image: 'acme/web:1' },
        { name: 'proxy', image: 'envoy:1.30' },
      ],
    },
  },
});

describe('parseImageChanges', () => {
  it('reads CONTAINER=IMAGE pairs, an image with a registry port and a digest included', () => {
    expect(parseImageChanges(['web=registry.local:5000/acme/web@sha256:abc', '*=x:2'])).toEqual([
      { container: 'web', image: 'registry.local:5000/acme/web@sha256:abc' },
      { container: '*', image: 'x:2' },
    ]);
  });

  it.each([
    [[], /name at least one CONTAINER=IMAGE/],
    [['web'], /"web" is not CONTAINER=IMAGE/],
    [['=acme/web:2'], /is not CONTAINER=IMAGE/],
    [['web='], /is not CONTAINER=IMAGE/],
    [['web=acme/web:2', 'web=acme/web:3'], /container web is named twice/],
  ])('given %j, then a BadRequest saying what is wrong', (args, message) => {
    expect(() => parseImageChanges(args)).toThrowError(message);
  });
});

describe('imagePatch', () => {
  it('given one container, then a test of its name and an add of its image at its index, and what changed', () => {
    const { patch, changed } = imagePatch(twoContainers, [{ container: 'proxy', image: 'envoy:1.31' }]);
    expect(patch).toEqual([
      { op: 'test', path: '/spec/template/spec/containers/1/name', value: 'proxy' },
      { op: 'add', path: '/spec/template/spec/containers/1/image', value: 'envoy:1.31' },
    ]);
    expect(changed).toEqual([{ container: 'proxy', from: 'envoy:1.30', to: 'envoy:1.31' }]);
  });

  it('given *, then every container, init containers included, and none already on the image', () => {
    const { changed } = imagePatch(twoContainers, [{ container: '*', image: 'envoy:1.30' }]);
    expect(changed.map((c) => c.container)).toEqual(['migrate', 'web']);
  });

  it('given the image a container already runs, then an empty patch', () => {
    expect(imagePatch(twoContainers, [{ container: 'web', image: 'acme/web:1' }])).toEqual({ patch: [], changed: [] });
  });

  it('given a container the template lacks, then an error listing the containers there are', () => {
    expect(() => imagePatch(twoContainers, [{ container: 'wbe', image: 'acme/web:2' }])).toThrowError('rollout shop/web has no container wbe (its containers: migrate, web, proxy)');
  });

  it('given a Rollout whose template comes from a Deployment, then an error pointing at the Deployment', () => {
    const referencing = rollout({ workloadRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web-template' } });
    expect(() => imagePatch(referencing, [{ container: 'web', image: 'acme/web:2' }])).toThrowError(
      'rollout shop/web takes its pod template from Deployment web-template (spec.workloadRef), so vane set image cannot change it; set the image there, e.g. kubectl set image deployment/web-template CONTAINER=IMAGE -n shop',
    );
  });
});
