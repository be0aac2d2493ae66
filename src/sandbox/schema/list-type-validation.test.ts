// Uniqueness in x-kubernetes-list-type set and map lists, checked after schema validation.
import { describe, expect, it } from 'vitest';
import { validateObject } from './structural-schema.js';
import type { JSONSchemaProps } from './structural-schema.js';

const schema: JSONSchemaProps = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        hosts: { type: 'array', 'x-kubernetes-list-type': 'set', items: { type: 'string' } },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['port', 'protocol'],
          items: {
            type: 'object',
            required: ['port'],
            properties: { port: { type: 'integer' }, protocol: { type: 'string', default: 'TCP' } },
          },
        },
        byService: {
          type: 'object',
          additionalProperties: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
          },
        },
        atomic: { type: 'array', items: { type: 'string' } },
      },
    },
  },
};

function errorsOf(spec: unknown): Array<{ path: string; message: string }> {
  return validateObject(schema, { spec }).map(({ path, message }) => ({ path, message }));
}

describe('given a set list', () => {
  it('when a value repeats, then its second appearance is a Duplicate', () => {
    expect(errorsOf({ hosts: ['a', 'b', 'a', 'a'] })).toEqual([{ path: 'spec.hosts[2]', message: 'spec.hosts[2]: Duplicate value: "a"' }]);
  });

  it('when values are distinct, then it passes', () => {
    expect(errorsOf({ hosts: ['a', 'b'] })).toEqual([]);
  });

  it('when an atomic list repeats values, then nobody minds', () => {
    expect(errorsOf({ atomic: ['a', 'a'] })).toEqual([]);
  });
});

describe('given a map list with two keys', () => {
  it('when two items share both key values, then the duplicate names the keys', () => {
    expect(errorsOf({ ports: [{ port: 80, protocol: 'TCP' }, { port: 80, protocol: 'UDP' }, { port: 80, protocol: 'TCP' }] })).toEqual([
      { path: 'spec.ports[2]', message: 'spec.ports[2]: Duplicate value: {"port":80,"protocol":"TCP"}' },
    ]);
  });

  it('when a key is left out, then its default counts as its value', () => {
    expect(errorsOf({ ports: [{ port: 80 }, { port: 80, protocol: 'TCP' }] })).toHaveLength(1);
  });

  it('when an item is not an object, then that is reported instead', () => {
    const errors = validateObject(
      { type: 'object', properties: { l: { type: 'array', 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['k'], items: {} } } },
      { l: [{ k: 'a' }, 'b'] },
    );
    expect(errors.map((e) => e.message)).toEqual(['l[1]: Invalid value: "b": must be an object for an array of list-type map']);
  });
});

describe('given map lists inside a map', () => {
  it('when a value list has duplicates, then the path uses the key in brackets', () => {
    expect(errorsOf({ byService: { web: [{ name: 'x' }, { name: 'x' }] } })).toEqual([
      { path: 'spec.byService[web][1]', message: 'spec.byService[web][1]: Duplicate value: {"name":"x"}' },
    ]);
  });
});
