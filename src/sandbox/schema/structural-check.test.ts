// Which CRD schemas a real apiserver refuses, and with which messages.
import { describe, expect, it } from 'vitest';
import { checkStructural } from './structural-schema.js';
import type { JSONSchemaProps } from './structural-schema.js';

function root(properties: Record<string, JSONSchemaProps>, extra: JSONSchemaProps = {}): JSONSchemaProps {
  return { type: 'object', properties, ...extra };
}

function messages(schema: JSONSchemaProps, base?: string): string[] {
  return checkStructural(schema, base).map((e) => e.message);
}

describe('given a well-formed structural schema', () => {
  it('when checked, then there is nothing to report', () => {
    const schema = root({
      metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 40 } } },
      spec: {
        type: 'object',
        required: ['replicas'],
        properties: {
          replicas: { type: 'integer', minimum: 0, default: 1 },
          maxSurge: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
          steps: {
            type: 'array',
            items: { type: 'object', properties: { setWeight: { type: 'integer' } }, oneOf: [{ required: ['setWeight'] }] },
          },
          hosts: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
          template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
          labels: { type: 'object', additionalProperties: { type: 'string' } },
        },
      },
      status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
    });
    expect(checkStructural(schema)).toEqual([]);
  });
});

describe('given schemas that are not structural', () => {
  it.each([
    [root({ spec: { properties: { a: { type: 'string' } } } }), 'properties[spec].type: Required value: must not be empty for specified object fields'],
    [root({ spec: { type: 'array', items: {} } }), 'properties[spec].items.type: Required value: must not be empty for specified array items'],
    [{ properties: { spec: { type: 'object' } } }, 'type: Required value: must not be empty at the root'],
    [{ type: 'array', items: { type: 'string' } }, 'type: Invalid value: "array": must be object at the root'],
    [root({ spec: { type: 'array' } }), 'properties[spec].items: Required value: must be specified'],
    [root({}, { additionalProperties: { type: 'string' } }), 'additionalProperties: Forbidden: must not be used at the root'],
    [
      root({ spec: { type: 'object', anyOf: [{ type: 'object' }] } }),
      'properties[spec].anyOf[0].type: Forbidden: must be empty to be structural',
    ],
    [
      root({ spec: { type: 'object', allOf: [{ description: 'no' }] } }),
      'properties[spec].allOf[0].description: Forbidden: must be empty to be structural',
    ],
    [
      root({ spec: { type: 'object', properties: { a: { type: 'string' } }, not: { properties: { a: { type: 'string', nullable: true } } } } }),
      'properties[spec].not.properties[a].nullable: Forbidden: must be false to be structural',
    ],
    [
      root({ spec: { type: 'object', oneOf: [{ required: ['a'], properties: { a: { minLength: 1 } } }] } }),
      'properties[spec].properties[a]: Required value: because it is defined in properties[spec].oneOf[0].properties[a]',
    ],
    [root({ spec: { 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true } }), 'properties[spec].type: Required value: must be object if x-kubernetes-embedded-resource is true'],
    [
      root({ spec: { type: 'object', 'x-kubernetes-embedded-resource': true } }),
      'properties[spec].properties: Required value: must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
    ],
    [
      root({ metadata: { type: 'object', properties: { labels: { type: 'object' } } } }),
      'properties[metadata]: Forbidden: must not specify anything other than name and generateName, but metadata is implicitly specified',
    ],
    [root({ kind: { type: 'integer' } }), 'properties[kind].type: Invalid value: "integer": must be string'],
  ] as Array<[JSONSchemaProps, string]>)('when %j is checked, then it reports "%s"', (schema, expected) => {
    expect(messages(schema).some((m) => m.startsWith(expected))).toBe(true);
  });
});

describe('given the v1 OpenAPI restrictions', () => {
  it.each([
    [root({ spec: { type: 'array', items: { type: 'string' }, uniqueItems: true } }), 'properties[spec].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic'],
    [
      root({ spec: { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: { type: 'string' } } }),
      'properties[spec].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive',
    ],
    [root({ spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': false } }), 'properties[spec].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined'],
    [root({ spec: { $ref: '#/definitions/x' } }), 'properties[spec].$ref: Forbidden: $ref is not supported'],
    [root({ spec: { type: 'null' } }), 'properties[spec].type: Forbidden: type cannot be set to null, use nullable as an alternative'],
    [
      root({ spec: { type: 'thing' } }),
      'properties[spec].type: Unsupported value: "thing": supported values: "array", "boolean", "integer", "number", "object", "string"',
    ],
    [root({ spec: { type: 'array', items: [{ type: 'string' }] } }), 'properties[spec].items: Forbidden: items must be a schema object and not an array'],
    [root({ metadata: { type: 'object', default: {} } }), 'properties[metadata].default: Forbidden: must not be set in top-level metadata'],
    [
      root({ spec: { type: 'array', 'x-kubernetes-list-type': 'map', items: { type: 'object', properties: { name: { type: 'string' } } } } }),
      'properties[spec].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map',
    ],
    [
      root({ spec: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'], items: { type: 'object', properties: { name: { type: 'string' } } } } }),
      'properties[spec].items.properties[name].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
    ],
    [root({ spec: { type: 'object', 'x-kubernetes-list-type': 'set' } }), 'properties[spec].type: Invalid value: "object": must be array if x-kubernetes-list-type is specified'],
    [
      root({ spec: { type: 'array', 'x-kubernetes-list-type': 'bag', items: { type: 'string' } } }),
      'properties[spec].x-kubernetes-list-type: Unsupported value: "bag": supported values: "atomic", "set", "map"',
    ],
    [
      root({ spec: { type: 'object', 'x-kubernetes-validations': [{ rule: ' ' }] } }),
      'properties[spec].x-kubernetes-validations[0].rule: Required value: rule is not specified',
    ],
  ] as Array<[JSONSchemaProps, string]>)('when %j is checked, then it reports "%s"', (schema, expected) => {
    expect(messages(schema)).toContain(expected);
  });
});

describe('given defaults', () => {
  it('when a default does not validate against its own schema, then the default path is reported', () => {
    const schema = root({ spec: { type: 'object', properties: { replicas: { type: 'integer', default: 'one' } } } });
    expect(messages(schema)).toEqual([
      // The validator's own path is empty here, hence kube-openapi's " in body" with a leading space.
      'properties[spec].properties[replicas].default: Invalid value: "string":  in body must be of type integer: "string"',
    ]);
  });

  it('when a default holds fields the schema prunes, then it must not have unknown fields', () => {
    const schema = root({ spec: { type: 'object', properties: { a: { type: 'string' } }, default: { a: 'x', b: 'y' } } });
    expect(messages(schema)).toEqual(['properties[spec].default: Invalid value: {"a":"x","b":"y"}: must not have unknown fields']);
  });
});

describe('given a base path', () => {
  it('when errors are reported, then they are located inside the CRD', () => {
    const schema = root({ spec: { properties: {} } });
    expect(messages(schema, 'spec.versions[0].schema.openAPIV3Schema')).toEqual([
      'spec.versions[0].schema.openAPIV3Schema.properties[spec].type: Required value: must not be empty for specified object fields',
    ]);
  });
});
