// Value validation of custom resources, keyword by keyword, with the apiserver's paths and messages.
import { describe, expect, it } from 'vitest';
import { validateObject } from './structural-schema.js';
import type { JSONSchemaProps } from './structural-schema.js';

/** A root object schema whose `spec` is `spec`. */
function withSpec(spec: JSONSchemaProps): JSONSchemaProps {
  return { type: 'object', properties: { spec } };
}

function messages(schema: JSONSchemaProps, obj: unknown): string[] {
  return validateObject(schema, obj).map((e) => e.message);
}

function specField(field: JSONSchemaProps): JSONSchemaProps {
  return withSpec({ type: 'object', properties: { x: field } });
}

describe('given a schema with typed fields', () => {
  const schema = withSpec({
    type: 'object',
    properties: {
      replicas: { type: 'integer' },
      ratio: { type: 'number' },
      name: { type: 'string' },
      paused: { type: 'boolean' },
      tags: { type: 'array', items: { type: 'string' } },
      selector: { type: 'object' },
    },
  });

  it('when every field has its type, then there are no errors', () => {
    const spec = { replicas: 3, ratio: 0.5, name: 'web', paused: false, tags: ['a'], selector: {} };
    expect(validateObject(schema, { spec })).toEqual([]);
  });

  it('when replicas is a string, then the message matches the apiserver word for word', () => {
    expect(validateObject(schema, { spec: { replicas: 'three' } })).toEqual([
      {
        path: 'spec.replicas',
        type: 'Invalid',
        body: 'Invalid value: "string": spec.replicas in body must be of type integer: "string"',
        message: 'spec.replicas: Invalid value: "string": spec.replicas in body must be of type integer: "string"',
      },
    ]);
  });

  it('when an integer field holds a fraction, then the reported type is number', () => {
    expect(messages(schema, { spec: { replicas: 1.5 } })).toEqual([
      'spec.replicas: Invalid value: "number": spec.replicas in body must be of type integer: "number"',
    ]);
  });

  it('when a number field holds a whole number, then it is accepted', () => {
    expect(messages(schema, { spec: { ratio: 2 } })).toEqual([]);
  });

  it.each([
    ['name', 5, 'string', 'integer'],
    ['paused', 'yes', 'boolean', 'string'],
    ['tags', 'a', 'array', 'string'],
    ['selector', [], 'object', 'array'],
    ['ratio', true, 'number', 'boolean'],
  ])('when %s holds %j, then it must be of type %s', (field, value, expected, actual) => {
    expect(messages(schema, { spec: { [field]: value } })).toEqual([
      `spec.${field}: Invalid value: "${actual}": spec.${field} in body must be of type ${expected}: "${actual}"`,
    ]);
  });

  it('when a field is null and not nullable, then the type error says null', () => {
    expect(messages(schema, { spec: { name: null } })).toEqual([
      'spec.name: Invalid value: "null": spec.name in body must be of type string: "null"',
    ]);
  });

  it('when a nullable field is null, then it is accepted', () => {
    expect(messages(specField({ type: 'string', nullable: true }), { spec: { x: null } })).toEqual([]);
  });

  it('when a list item has the wrong type, then the path indexes the item', () => {
    expect(messages(schema, { spec: { tags: ['a', 2] } })).toEqual([
      'spec.tags[1]: Invalid value: "integer": spec.tags[1] in body must be of type string: "integer"',
    ]);
  });
});

describe('given required fields', () => {
  const schema: JSONSchemaProps = {
    type: 'object',
    required: ['apiVersion', 'spec'],
    properties: { apiVersion: { type: 'string' }, spec: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } } },
  };

  it('when root fields are missing, then the root-level paths have no leading dot', () => {
    expect(messages(schema, {})).toEqual(['apiVersion: Required value', 'spec: Required value']);
  });

  it('when a nested field is missing, then its full path is required', () => {
    expect(validateObject(schema, { apiVersion: 'v1', spec: {} })).toEqual([
      { path: 'spec.name', type: 'Required', body: 'Required value', message: 'spec.name: Required value' },
    ]);
  });
});

describe('given enums', () => {
  it('when a string is outside the enum, then the supported values are quoted', () => {
    expect(messages(specField({ type: 'string', enum: ['a', 'b'] }), { spec: { x: 'foo' } })).toEqual([
      'spec.x: Unsupported value: "foo": supported values: "a", "b"',
    ]);
  });

  it('when a number is outside a numeric enum, then the values are listed as JSON', () => {
    expect(messages(specField({ type: 'integer', enum: [1, 2] }), { spec: { x: 3 } })).toEqual([
      'spec.x: Unsupported value: 3: supported values: "1", "2"',
    ]);
  });

  it('when the value is in the enum, then it passes', () => {
    expect(messages(specField({ type: 'string', enum: ['a', 'b'] }), { spec: { x: 'b' } })).toEqual([]);
  });
});

describe('given numeric bounds', () => {
  it.each([
    [{ minimum: 1 }, 0, 'should be greater than or equal to 1'],
    [{ minimum: 1, exclusiveMinimum: true }, 1, 'should be greater than 1'],
    [{ maximum: 100 }, 101, 'should be less than or equal to 100'],
    [{ maximum: 100, exclusiveMaximum: true }, 100, 'should be less than 100'],
    [{ multipleOf: 5 }, 12, 'should be a multiple of 5'],
    [{ multipleOf: 0.5 }, 1.25, 'should be a multiple of 0.5'],
  ] as Array<[JSONSchemaProps, number, string]>)('when %j meets %j, then "%s"', (bounds, value, detail) => {
    expect(messages(specField({ type: 'number', ...bounds }), { spec: { x: value } })).toEqual([
      `spec.x: Invalid value: ${value}: spec.x in body ${detail}`,
    ]);
  });

  it('when values sit on inclusive bounds and multiples, then they pass', () => {
    const schema = specField({ type: 'number', minimum: 0, maximum: 100, multipleOf: 0.1 });
    for (const x of [0, 100, 0.3, 25]) expect(messages(schema, { spec: { x } })).toEqual([]);
  });
});

describe('given string constraints', () => {
  it('when a string is longer than maxLength, then it is Too long, counted in characters', () => {
    const schema = specField({ type: 'string', maxLength: 3 });
    expect(messages(schema, { spec: { x: 'abcd' } })).toEqual(['spec.x: Too long: may not be more than 3 bytes']);
    expect(messages(schema, { spec: { x: 'äöü' } })).toEqual([]);
  });

  it('when a string is shorter than minLength, then the message gives the bound', () => {
    expect(messages(specField({ type: 'string', minLength: 2 }), { spec: { x: 'a' } })).toEqual([
      'spec.x: Invalid value: "a": spec.x in body should be at least 2 chars long',
    ]);
  });

  it('when a string breaks the pattern, then the pattern is quoted', () => {
    expect(messages(specField({ type: 'string', pattern: '^[a-z]+$' }), { spec: { x: 'ABC' } })).toEqual([
      "spec.x: Invalid value: \"ABC\": spec.x in body should match '^[a-z]+$'",
    ]);
  });

  it('when a string is both too long and off-pattern, then only the first failure is reported', () => {
    expect(messages(specField({ type: 'string', maxLength: 2, pattern: '^[a-z]+$' }), { spec: { x: 'ABC' } })).toEqual([
      'spec.x: Too long: may not be more than 2 bytes',
    ]);
  });
});

describe('given formats', () => {
  it.each([
    ['date-time', '2024-02-29T10:00:00Z', '2024-02-30T10:00:00Z'],
    ['date', '2024-01-31', '2024-13-01'],
    ['duration', '1h30m', 'soon'],
    ['byte', 'aGVsbG8=', 'not base64!'],
    ['uuid', '123e4567-e89b-12d3-a456-426614174000', '123e4567'],
    ['ipv4', '10.0.0.1', '10.0.0.256'],
    ['cidr', '10.0.0.0/8', '10.0.0.0/33'],
  ])('when format %s is checked, then %s passes and %s fails', (format, good, bad) => {
    const schema = specField({ type: 'string', format });
    expect(messages(schema, { spec: { x: good } })).toEqual([]);
    expect(messages(schema, { spec: { x: bad } })).toEqual([
      `spec.x: Invalid value: ${JSON.stringify(bad)}: spec.x in body must be of type ${format}: ${JSON.stringify(bad)}`,
    ]);
  });

  it('when an integer declares int32, then the apiserver does not range-check it', () => {
    expect(messages(specField({ type: 'integer', format: 'int32' }), { spec: { x: 2 ** 40 } })).toEqual([]);
  });

  it('when a number is given for a date-time string, then the format type error names the Go format', () => {
    expect(messages(specField({ type: 'string', format: 'date-time' }), { spec: { x: 5 } })).toEqual([
      'spec.x: Invalid value: "int64": spec.x in body must be of type date-time: "int64"',
    ]);
  });
});

describe('given list bounds', () => {
  const schema = specField({ type: 'array', minItems: 1, maxItems: 2, items: { type: 'string' } });

  it('when the list is empty, then minItems reports the count', () => {
    expect(messages(schema, { spec: { x: [] } })).toEqual(['spec.x: Invalid value: 0: spec.x in body should have at least 1 items']);
  });

  it('when the list is too long, then it is Too many', () => {
    expect(messages(schema, { spec: { x: ['a', 'b', 'c'] } })).toEqual(['spec.x: Too many: 3: must have at most 2 items']);
  });

  it('when a one-item maximum is exceeded, then the noun is singular', () => {
    expect(messages(specField({ type: 'array', maxItems: 1, items: { type: 'string' } }), { spec: { x: ['a', 'b'] } })).toEqual([
      'spec.x: Too many: 2: must have at most 1 item',
    ]);
  });
});

describe('given object bounds and maps', () => {
  it('when an object has too few properties, then inner fields are not checked', () => {
    const schema = specField({ type: 'object', minProperties: 2, properties: { a: { type: 'string' } } });
    expect(messages(schema, { spec: { x: { a: 1 } } })).toEqual(['spec.x: Invalid value: 1: spec.x in body should have at least 2 properties']);
  });

  it('when an object has too many properties, then it is Too many', () => {
    const schema = specField({ type: 'object', maxProperties: 1, additionalProperties: { type: 'string' } });
    expect(messages(schema, { spec: { x: { a: 'x', b: 'y' } } })).toEqual(['spec.x: Too many: 2: must have at most 1 item']);
  });

  it('when a map value has the wrong type, then its path is dotted as kube-openapi prints it', () => {
    const schema = specField({ type: 'object', additionalProperties: { type: 'string' } });
    expect(messages(schema, { spec: { x: { 'app.kubernetes.io/name': 3 } } })).toEqual([
      'spec.x.app.kubernetes.io/name: Invalid value: "integer": spec.x.app.kubernetes.io/name in body must be of type string: "integer"',
    ]);
  });

  it('when additionalProperties is false and an extra key appears, then it is a forbidden property', () => {
    const schema = specField({ type: 'object', additionalProperties: false });
    expect(messages(schema, { spec: { x: { extra: 1 } } })).toEqual([
      'spec.x: Invalid value: "extra": spec.x.extra in body is a forbidden property',
    ]);
  });
});

describe('given x-kubernetes-int-or-string', () => {
  const schema = specField({ 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] });

  it('when the value is an integer or a string, then it passes', () => {
    expect(messages(schema, { spec: { x: 3 } })).toEqual([]);
    expect(messages(schema, { spec: { x: '25%' } })).toEqual([]);
  });

  it('when the value is a boolean, then both types are named and anyOf fails too', () => {
    expect(messages(schema, { spec: { x: true } })).toEqual([
      'spec.x: Invalid value: "boolean": spec.x in body must be of type integer,string: "boolean"',
      '<nil>: Invalid value: "": "spec.x" must validate at least one schema (anyOf)',
      'spec.x: Invalid value: "boolean": spec.x in body must be of type integer: "boolean"',
    ]);
  });
});

describe('given combinators', () => {
  const exactlyOne: JSONSchemaProps = {
    type: 'object',
    properties: { a: { type: 'string' }, b: { type: 'string' } },
    oneOf: [{ required: ['a'] }, { required: ['b'] }],
  };

  it('when oneOf matches none, then the composite error is followed by the best failure', () => {
    expect(messages(specField(exactlyOne), { spec: { x: {} } })).toEqual([
      '<nil>: Invalid value: "": "spec.x" must validate one and only one schema (oneOf). Found none valid',
      'spec.x.a: Required value',
    ]);
  });

  it('when oneOf matches two, then the count is given', () => {
    expect(messages(specField(exactlyOne), { spec: { x: { a: '1', b: '2' } } })).toEqual([
      '<nil>: Invalid value: "": "spec.x" must validate one and only one schema (oneOf). Found 2 valid alternatives',
    ]);
  });

  it('when oneOf matches exactly one, then it passes', () => {
    expect(messages(specField(exactlyOne), { spec: { x: { b: '2' } } })).toEqual([]);
  });

  it('when allOf fails in one branch, then the branch error and the allOf error appear', () => {
    const schema = specField({ type: 'integer', allOf: [{ minimum: 1 }, { maximum: 5 }] });
    expect(messages(schema, { spec: { x: 9 } })).toEqual([
      'spec.x: Invalid value: 9: spec.x in body should be less than or equal to 5',
      '<nil>: Invalid value: "": "spec.x" must validate all the schemas (allOf)',
    ]);
  });

  it('when every allOf branch fails, then it says none validated', () => {
    const schema = specField({ type: 'integer', allOf: [{ minimum: 10 }, { maximum: 5 }, { multipleOf: 2 }] });
    expect(messages(schema, { spec: { x: 7 } })).toContain('<nil>: Invalid value: "": "spec.x" must validate all the schemas (allOf). None validated');
  });

  it('when a value matches `not`, then it is rejected', () => {
    const schema = specField({ type: 'string', not: { enum: ['forbidden'] } });
    expect(messages(schema, { spec: { x: 'forbidden' } })).toEqual(['<nil>: Invalid value: "": "spec.x" must not validate the schema (not)']);
    expect(messages(schema, { spec: { x: 'fine' } })).toEqual([]);
  });

  it('when a base path is given, then composite errors sit there instead of <nil>', () => {
    const errors = validateObject({ type: 'integer', not: { minimum: 0 } }, 5, 'spec.x');
    expect(errors.map((e) => e.message)).toEqual(['spec.x: Invalid value: "": "" must not validate the schema (not)']);
  });
});

describe('given x-kubernetes-preserve-unknown-fields', () => {
  it('when unknown fields are present, then validation does not care', () => {
    const schema = specField({ type: 'object', 'x-kubernetes-preserve-unknown-fields': true, properties: { n: { type: 'integer' } } });
    expect(messages(schema, { spec: { x: { whatever: [1, 2], n: 1 } } })).toEqual([]);
    expect(messages(schema, { spec: { x: { n: 'one' } } })).toHaveLength(1);
  });
});

describe('given a base path', () => {
  it('when a sub-tree is validated, then every path starts with the base', () => {
    const schema: JSONSchemaProps = { type: 'object', required: ['name'], properties: { port: { type: 'integer' } } };
    expect(validateObject(schema, { port: 'x' }, 'spec.template').map((e) => e.path)).toEqual([
      'spec.template.port',
      'spec.template.name',
    ]);
  });
});
