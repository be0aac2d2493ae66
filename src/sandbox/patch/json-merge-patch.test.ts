// JSON merge patch: the RFC 7386 examples and the ways Kubernetes clients use it.
import { describe, expect, it } from 'vitest';
import { applyMergePatch } from './json-merge-patch.js';

describe('given the RFC 7386 appendix A examples', () => {
  it.each([
    [{ a: 'b' }, { a: 'c' }, { a: 'c' }],
    [{ a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
    [{ a: 'b' }, { a: null }, {}],
    [{ a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
    [{ a: ['b'] }, { a: 'c' }, { a: 'c' }],
    [{ a: 'c' }, { a: ['b'] }, { a: ['b'] }],
    [{ a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
    [{ a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
    [['a', 'b'], ['c', 'd'], ['c', 'd']],
    [{ a: 'b' }, ['c'], ['c']],
    [{ a: 'foo' }, null, null],
    [{ a: 'foo' }, 'bar', 'bar'],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: 'b', c: null }, { a: 'b' }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ])('when %j is patched with %j, then the result is %j', (target, patch, expected) => {
    expect(applyMergePatch(target, patch)).toEqual(expected);
  });
});

describe('given a Deployment', () => {
  const deployment = {
    metadata: { name: 'web', labels: { app: 'web', tier: 'frontend' } },
    spec: { replicas: 2, template: { spec: { containers: [{ name: 'app', image: 'web:1' }, { name: 'sidecar', image: 'proxy:1' }] } } },
  };

  it('when a label is set to null and another added, then one goes and one arrives', () => {
    const out = applyMergePatch(deployment, { metadata: { labels: { tier: null, track: 'canary' } } });
    expect(out).toMatchObject({ metadata: { labels: { app: 'web', track: 'canary' } } });
    expect(out).not.toHaveProperty('metadata.labels.tier');
  });

  it('when the containers list is patched, then it is replaced whole (no merge by name)', () => {
    const out = applyMergePatch(deployment, { spec: { template: { spec: { containers: [{ name: 'app', image: 'web:2' }] } } } });
    expect(out).toMatchObject({ spec: { template: { spec: { containers: [{ name: 'app', image: 'web:2' }] } } } });
  });

  it('when patched, then keys keep their order and new keys follow', () => {
    const out = applyMergePatch(deployment, { status: { replicas: 2 }, spec: { replicas: 3 } }) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['metadata', 'spec', 'status']);
  });

  it('when the result is changed, then neither the target nor the patch changes', () => {
    const patch = { spec: { template: { metadata: { annotations: { a: 'b' } } } } };
    const out = applyMergePatch(deployment, patch) as { metadata: { labels: Record<string, string> }; spec: { template: { metadata: { annotations: Record<string, string> } } } };
    out.metadata.labels.app = 'changed';
    out.spec.template.metadata.annotations.a = 'changed';
    expect(deployment.metadata.labels.app).toBe('web');
    expect(patch.spec.template.metadata.annotations.a).toBe('b');
  });
});
