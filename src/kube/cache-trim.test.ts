// Specification of what an informer cache keeps of an object.
import { describe, expect, it } from 'vitest';
import { LAST_APPLIED_ANNOTATION, trimForCache } from './cache-trim.js';
import type { KubeObject } from './kube-object.js';

function replicaSet(): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: 'web-6d4f8',
      namespace: 'shop',
      resourceVersion: '42',
      labels: { app: 'web', 'rollouts-pod-template-hash': '6d4f8' },
      annotations: { [LAST_APPLIED_ANNOTATION]: '{"kind":"ReplicaSet"}', 'vane.dev/revision': '3' },
      ownerReferences: [{ apiVersion: 'vane.dev/v1alpha1', kind: 'Rollout', name: 'web', uid: 'u-1', controller: true }],
      managedFields: [{ manager: 'vane', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } }],
    } as KubeObject['metadata'],
    spec: { replicas: 3, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'web:2' }] } } },
    status: { replicas: 3, readyReplicas: 3 },
  };
}

describe('trimForCache', () => {
  it('given an object with managedFields and a last-applied annotation, then the copy has neither and everything else is equal', () => {
    const input = replicaSet();
    const trimmed = trimForCache(input);
    expect(trimmed.metadata).not.toHaveProperty('managedFields');
    expect(trimmed.metadata.annotations).toEqual({ 'vane.dev/revision': '3' });
    const { managedFields: _mf, annotations: _a, ...metaRest } = input.metadata as KubeObject['metadata'] & { managedFields?: unknown };
    const { annotations: _b, ...trimmedMetaRest } = trimmed.metadata;
    expect(trimmedMetaRest).toEqual(metaRest);
    expect({ ...trimmed, metadata: undefined }).toEqual({ ...input, metadata: undefined });
  });

  it('never edits the object it was given', () => {
    const input = replicaSet();
    const before = structuredClone(input);
    trimForCache(input);
    expect(input).toEqual(before);
  });

  it('given an object with only the last-applied annotation, then its annotations become empty rather than missing', () => {
    const input: KubeObject = { metadata: { name: 'cm', annotations: { [LAST_APPLIED_ANNOTATION]: '{}' } }, data: { k: 'v' } };
    expect(trimForCache(input)).toEqual({ metadata: { name: 'cm', annotations: {} }, data: { k: 'v' } });
  });

  it('given an object with nothing to trim, then it is returned as is, without a copy', () => {
    const input: KubeObject = { metadata: { name: 'cm', annotations: { keep: 'me' } }, data: { k: 'v' } };
    expect(trimForCache(input)).toBe(input);
  });
});
