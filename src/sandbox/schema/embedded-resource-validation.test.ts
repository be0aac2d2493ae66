// apiVersion, kind and metadata of resources embedded in custom resources (x-kubernetes-embedded-resource).
import { describe, expect, it } from 'vitest';
import { validateObject } from './structural-schema.js';
import type { JSONSchemaProps } from './structural-schema.js';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        extra: {
          type: 'array',
          items: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
        },
      },
    },
  },
};

function messages(template: unknown): string[] {
  return validateObject(schema, { spec: { template } }).map((e) => e.message);
}

describe('given an embedded resource', () => {
  it('when it has a valid apiVersion, kind and metadata, then it passes', () => {
    expect(messages({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', labels: { app: 'web' } } })).toEqual([]);
  });

  it('when apiVersion and kind are missing, then both are required', () => {
    expect(messages({ metadata: { name: 'x' } })).toEqual(['spec.template.apiVersion: Required value', 'spec.template.kind: Required value']);
  });

  it('when apiVersion has two slashes and kind is not a DNS label, then both are invalid', () => {
    expect(messages({ apiVersion: 'a/b/c', kind: 'My_Kind' })).toEqual([
      'spec.template.apiVersion: Invalid value: "a/b/c": unexpected GroupVersion string: a/b/c',
      expect.stringMatching(/^spec\.template\.kind: Invalid value: "My_Kind": may have mixed case, but should otherwise match: a DNS-1035 label/),
    ]);
  });

  it('when kind is not a string, then it must be a string', () => {
    expect(messages({ apiVersion: 'v1', kind: 3 })).toEqual(['spec.template.kind: Invalid value: 3: must be a string']);
  });

  it('when metadata has a bad name, namespace and label, then each is reported at its field', () => {
    const result = messages({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'a/b', namespace: 'Bad_NS', labels: { 'bad key!': 'v' } } });
    expect(result[0]).toBe(`spec.template.metadata.name: Invalid value: "a/b": may not contain '/'`);
    expect(result[1]).toMatch(/^spec\.template\.metadata\.namespace: Invalid value: "Bad_NS": a lowercase RFC 1123 label/);
    expect(result[2]).toMatch(/^spec\.template\.metadata\.labels: Invalid value: "bad key!": name part must consist of/);
  });

  it('when metadata labels hold a number, then the decode error is reported on metadata', () => {
    expect(messages({ apiVersion: 'v1', kind: 'Pod', metadata: { labels: { a: 1 } } })).toEqual([
      'spec.template.metadata: Invalid value: {"labels":{"a":1}}: json: cannot unmarshal number into Go struct field ObjectMeta.labels of type string',
    ]);
  });

  it('when embedded resources sit in a list, then the item path is indexed', () => {
    const errors = validateObject(schema, { spec: { extra: [{ apiVersion: 'v1', kind: 'ConfigMap' }, { kind: 'Secret' }] } });
    expect(errors.map((e) => e.path)).toEqual(['spec.extra[1].apiVersion']);
  });
});
