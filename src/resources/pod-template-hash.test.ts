import { describe, expect, it } from 'vitest';
import { SHOP_TEMPLATE_HASH, shopTemplate } from './fixtures/pod-templates.js';
import type { PodTemplateSpec } from './meta.js';
import { canonicalJson } from './canonical-json.js';
import { podTemplateHash, POD_TEMPLATE_HASH_LABEL, templateImages } from './pod-template-hash.js';

describe('podTemplateHash', () => {
  it('given a known template, then it equals the hash computed independently (stable across processes)', () => {
    expect(podTemplateHash(shopTemplate())).toBe(SHOP_TEMPLATE_HASH);
  });

  it('given the same template with keys in another order, then the hash is the same', () => {
    const reordered: PodTemplateSpec = {
      spec: { containers: [{ env: [{ value: 'blue', name: 'MODE' }], name: 'web', image: 'ghcr.io/acme/shop:1.4.2' }] },
      metadata: { labels: { app: 'shop' } },
    };
    expect(podTemplateHash(reordered)).toBe(podTemplateHash(shopTemplate()));
  });

  it('given the template carries a pod-template-hash label, then the label is ignored', () => {
    const labelled = shopTemplate();
    labelled.metadata = { labels: { app: 'shop', [POD_TEMPLATE_HASH_LABEL]: 'abc123' } };
    expect(podTemplateHash(labelled)).toBe(SHOP_TEMPLATE_HASH);
  });

  it('given metadata.creationTimestamp: null, as kube-apiserver serves a Deployment\'s template, then it hashes as if absent', () => {
    const served = shopTemplate();
    served.metadata = { creationTimestamp: null, labels: { app: 'shop' } } as PodTemplateSpec['metadata'];
    expect(podTemplateHash(served)).toBe(SHOP_TEMPLATE_HASH);
    const bare: PodTemplateSpec = { spec: shopTemplate().spec };
    const nullOnly = { metadata: { creationTimestamp: null }, spec: shopTemplate().spec } as unknown as PodTemplateSpec;
    expect(podTemplateHash(nullOnly)).toBe(podTemplateHash(bare));
  });

  it('given templates without a null creationTimestamp, then their hashes are what they were (no running rollout moves)', () => {
    // Golden values of the hash as it was before null creationTimestamps were dropped.
    expect(podTemplateHash(shopTemplate())).toBe(SHOP_TEMPLATE_HASH);
    expect(podTemplateHash({ metadata: {}, spec: shopTemplate().spec })).toBe('5f96bf7c58');
    const stamped = shopTemplate();
    stamped.metadata = { creationTimestamp: '2024-01-01T00:00:00Z', labels: { app: 'shop' } } as PodTemplateSpec['metadata'];
    expect(podTemplateHash(stamped)).toBe('69fd9f664c');
  });

  it('given an image or env change, then the hash changes', () => {
    const newImage = shopTemplate();
    newImage.spec.containers[0]!.image = 'ghcr.io/acme/shop:1.4.3';
    const newEnv = shopTemplate();
    newEnv.spec.containers[0]!.env = [{ name: 'MODE', value: 'green' }];
    const hashes = new Set([podTemplateHash(shopTemplate()), podTemplateHash(newImage), podTemplateHash(newEnv)]);
    expect(hashes.size).toBe(3);
  });

  it('given any template, then the hash uses only the safe alphabet and has at most 10 characters', () => {
    for (let i = 0; i < 50; i++) {
      const t = shopTemplate();
      t.spec.containers[0]!.image = `shop:${i}`;
      expect(podTemplateHash(t)).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    }
  });
});

describe('canonicalJson', () => {
  it('given nested objects, then keys are sorted at every level and arrays keep their order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe('{"a":{"d":[3,{"y":2,"z":1}]},"b":1}');
  });
});

describe('templateImages', () => {
  it('given containers and init containers, then it maps each container name to its image', () => {
    const t = shopTemplate();
    t.spec.containers.push({ name: 'sidecar', image: 'envoy:1.30' });
    t.spec.initContainers = [{ name: 'migrate', image: 'ghcr.io/acme/migrate:7' }];
    expect(templateImages(t)).toEqual({
      migrate: 'ghcr.io/acme/migrate:7',
      web: 'ghcr.io/acme/shop:1.4.2',
      sidecar: 'envoy:1.30',
    });
  });
});
