import { describe, expect, it } from 'vitest';
import { parseFieldReference, resolveFieldPath } from './field-reference.js';

const rollout = {
  metadata: { name: 'shop', namespace: 'shop-staging', uid: 'u-1', labels: { 'app.kubernetes.io/part-of': 'shop' }, annotations: { team: 'payments' } },
  spec: { replicas: 2, template: { spec: { containers: [{ name: 'shop', image: 'ghcr.io/acme/shop:1.8.0' }] } }, paused: false },
};

describe('resolveFieldPath', () => {
  it.each([
    ['metadata.name', 'shop'],
    ['metadata.namespace', 'shop-staging'],
    ['metadata.uid', 'u-1'],
    ["metadata.labels['app.kubernetes.io/part-of']", 'shop'],
    ['metadata.annotations["team"]', 'payments'],
    ['spec.replicas', '2'],
    ['spec.paused', 'false'],
    ['spec.template.spec.containers[0].image', 'ghcr.io/acme/shop:1.8.0'],
  ])('given %s, then it resolves to %s as Argo Rollouts does', (path, value) => {
    expect(resolveFieldPath(rollout, path)).toEqual({ value });
  });

  it.each([
    ["metadata.labels['missing']"],
    ["metadata.annotations['missing']"],
  ])('given %s, a label or annotation the Rollout lacks, then it resolves to an empty string as kubectl and Argo Rollouts read it', (path) => {
    expect(resolveFieldPath(rollout, path)).toEqual({ value: '' });
  });

  it.each([
    ['spec.strategy.canary', 'spec.strategy.canary is not set in the Rollout'],
    ['spec.template.spec.containers[3].image', 'spec.template.spec.containers[3].image is not set in the Rollout'],
    ['spec.template', 'spec.template is an object; the path must end at a string, number or boolean'],
  ])('given %s, which names nothing usable, then the problem says why', (path, problem) => {
    expect(resolveFieldPath(rollout, path)).toEqual({ problem });
  });

  it('given metadata.namespace on an object without one, then it is not set (never an empty value)', () => {
    expect(resolveFieldPath({ metadata: { name: 'x' } }, 'metadata.namespace')).toEqual({ problem: 'metadata.namespace is not set' });
  });
});

describe('parseFieldReference', () => {
  it.each(['metadata.generation', 'metadata.labels', "metadata.labels[app]", 'metadata', '', "spec.x['y']"])(
    'given the unsupported path %j, then the problem lists what is supported',
    (path) => {
      const parsed = parseFieldReference(path);
      expect(parsed).toHaveProperty('problem');
      expect((parsed as { problem: string }).problem).toContain("metadata.labels['KEY']");
    },
  );

  it('given a label path, then the key is taken whole, dots and slashes included', () => {
    expect(parseFieldReference("metadata.labels['app.kubernetes.io/name']")).toEqual({ kind: 'label', key: 'app.kubernetes.io/name' });
  });
});
