// Structural pruning of unknown fields, as the apiserver prunes custom resources before storing them.
import { describe, expect, it } from 'vitest';
import { pruneUnknownFields } from './structural-schema.js';
import type { JSONSchemaProps } from './structural-schema.js';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer' },
        steps: { type: 'array', items: { type: 'object', properties: { setWeight: { type: 'integer' } } } },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        ports: { type: 'object', additionalProperties: { type: 'object', properties: { port: { type: 'integer' } } } },
        anything: { type: 'object', additionalProperties: true },
        raw: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { known: { type: 'object', properties: { a: { type: 'string' } } } } },
        template: {
          type: 'object',
          'x-kubernetes-embedded-resource': true,
          properties: { spec: { type: 'object', properties: { image: { type: 'string' } } } },
        },
      },
    },
  },
};

describe('given an object with fields its schema does not specify', () => {
  const obj = {
    apiVersion: 'vane.dev/v1alpha1',
    kind: 'Rollout',
    metadata: { name: 'web', labels: { app: 'web' }, bogus: true },
    spec: {
      replicas: 3,
      colour: 'blue',
      steps: [{ setWeight: 10, pause: {} }, { setWeight: 50 }],
      labels: { app: 'web' },
      ports: { http: { port: 80, protocol: 'TCP' } },
    },
    extra: 1,
  };

  it('when pruned, then unknown fields go at every depth and the root keeps apiVersion/kind/metadata', () => {
    const { pruned, removedPaths } = pruneUnknownFields(schema, obj);
    expect(pruned).toEqual({
      apiVersion: 'vane.dev/v1alpha1',
      kind: 'Rollout',
      metadata: { name: 'web', labels: { app: 'web' } },
      spec: { replicas: 3, steps: [{ setWeight: 10 }, { setWeight: 50 }], labels: { app: 'web' }, ports: { http: { port: 80 } } },
    });
    expect(removedPaths).toEqual(['extra', 'metadata.bogus', 'spec.colour', 'spec.ports.http.protocol', 'spec.steps[0].pause']);
  });

  it('when pruned, then the input is left untouched', () => {
    const before = JSON.stringify(obj);
    pruneUnknownFields(schema, obj);
    expect(JSON.stringify(obj)).toBe(before);
  });
});

describe('given x-kubernetes-preserve-unknown-fields', () => {
  it('when unknown keys sit under it, then they stay, but its known fields are still pruned inside', () => {
    const { pruned, removedPaths } = pruneUnknownFields(schema, { spec: { raw: { free: { form: 1 }, known: { a: 'x', b: 'y' } } } });
    expect(pruned).toEqual({ spec: { raw: { free: { form: 1 }, known: { a: 'x' } } } });
    expect(removedPaths).toEqual(['spec.raw.known.b']);
  });
});

describe('given additionalProperties: true (no schema for the values)', () => {
  it('when values are scalars, then they stay; when they are objects, then their contents are pruned, as the apiserver does', () => {
    const { pruned } = pruneUnknownFields(schema, { spec: { anything: { a: 1, b: { c: 2 } } } });
    expect(pruned).toEqual({ spec: { anything: { a: 1, b: {} } } });
  });
});

describe('given an embedded resource', () => {
  it('when it carries apiVersion, kind and metadata it does not declare, then they stay and the rest is pruned', () => {
    const template = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', junk: 1 }, spec: { image: 'nginx', x: 1 }, y: 2 };
    const { pruned, removedPaths } = pruneUnknownFields(schema, { spec: { template } });
    expect(pruned).toEqual({ spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { image: 'nginx' } } } });
    expect(removedPaths).toEqual(['spec.template.metadata.junk', 'spec.template.spec.x', 'spec.template.y']);
  });
});

describe('given a value of the wrong shape', () => {
  it('when a scalar sits where an object is specified, then pruning leaves it for validation to reject', () => {
    expect(pruneUnknownFields(schema, { spec: 'oops' }).pruned).toEqual({ spec: 'oops' });
  });
});
