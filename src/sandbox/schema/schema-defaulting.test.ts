// Structural defaulting, as the apiserver applies CRD defaults on read and write.
import { describe, expect, it } from 'vitest';
import { applyDefaults, pruneNonNullableNullsWithoutDefaults } from './structural-schema.js';
import type { JSONSchemaProps } from './structural-schema.js';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        replicas: { type: 'integer', default: 1 },
        strategy: {
          type: 'object',
          properties: { type: { type: 'string', default: 'Canary' }, maxSurge: { 'x-kubernetes-int-or-string': true, default: '25%' } },
        },
        steps: { type: 'array', items: { type: 'object', properties: { pause: { type: 'object', default: {} }, setWeight: { type: 'integer' } } } },
        ports: { type: 'object', additionalProperties: { type: 'object', properties: { protocol: { type: 'string', default: 'TCP' } } } },
        note: { type: 'string', nullable: true, default: 'n/a' },
        selector: { type: 'object', default: { matchLabels: { app: 'web' } } },
      },
    },
  },
};

describe('given a schema with defaults', () => {
  it('when fields are missing from present objects, then they get their defaults', () => {
    expect(applyDefaults(schema, { spec: { strategy: {} } })).toEqual({
      spec: {
        replicas: 1,
        strategy: { type: 'Canary', maxSurge: '25%' },
        note: 'n/a',
        selector: { matchLabels: { app: 'web' } },
      },
    });
  });

  it('when a parent object is absent, then defaults do not create it', () => {
    expect(applyDefaults(schema, {})).toEqual({});
    expect(applyDefaults(schema, { spec: {} })).not.toHaveProperty('spec.strategy');
  });

  it('when values are set, then they are kept', () => {
    const spec = { replicas: 5, strategy: { type: 'BlueGreen', maxSurge: 1 }, note: 'x', selector: {} };
    expect(applyDefaults(schema, { spec })).toEqual({ spec });
  });

  it('when list items and map values miss fields, then each gets the default', () => {
    const out = applyDefaults(schema, { spec: { steps: [{ setWeight: 10 }, { pause: { duration: '1m' } }], ports: { http: {}, grpc: { protocol: 'UDP' } } } });
    expect(out).toMatchObject({
      spec: {
        steps: [{ setWeight: 10, pause: {} }, { pause: { duration: '1m' } }],
        ports: { http: { protocol: 'TCP' }, grpc: { protocol: 'UDP' } },
      },
    });
  });

  it('when a non-nullable field is null, then it gets the default; a nullable null stays null', () => {
    expect(applyDefaults(schema, { spec: { replicas: null, note: null } })).toMatchObject({ spec: { replicas: 1, note: null } });
  });

  it('when the defaulted result is changed, then neither the input nor the schema default changes', () => {
    const input = { spec: {} };
    const out = applyDefaults(schema, input) as { spec: { selector: { matchLabels: Record<string, string> } } };
    out.spec.selector.matchLabels.app = 'changed';
    expect(input).toEqual({ spec: {} });
    expect(applyDefaults(schema, { spec: {} })).toMatchObject({ spec: { selector: { matchLabels: { app: 'web' } } } });
  });
});

describe('given nulls for fields without defaults', () => {
  const nullable: JSONSchemaProps = {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          paused: { type: 'boolean' },
          reason: { type: 'string', nullable: true },
          replicas: { type: 'integer', default: 1 },
          tags: { type: 'array', items: { type: 'string' } },
        },
      },
    },
  };

  it('when pruned, then non-nullable nulls without defaults go, the others stay', () => {
    const out = pruneNonNullableNullsWithoutDefaults(nullable, { spec: { paused: null, reason: null, replicas: null, tags: [null] } });
    expect(out).toEqual({ spec: { reason: null, replicas: null, tags: [null] } });
  });
});
