// Specification of cutting managedFields out of JSON text: parsing the result equals parsing the text and deleting
// the key everywhere, for hand-picked traps and for thousands of generated documents.
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../seeded-random.js';
import { excludeManagedFields } from './managed-fields-excision.js';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** The reference: what JSON.parse and a recursive delete make of the text. */
function parsedWithout(text: string): unknown {
  const strip = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(strip);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) if (key !== 'managedFields') out[key] = strip(child);
    return out;
  };
  return strip(JSON.parse(text));
}

function expectSameAsReference(text: string): void {
  expect(JSON.parse(excludeManagedFields(text)), text).toEqual(parsedWithout(text));
}

const MANAGED = [{ manager: 'vane', operation: 'Update', fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } } }];

describe('excludeManagedFields', () => {
  it('given text without the key, then it returns the very same string', () => {
    const text = JSON.stringify({ metadata: { name: 'web' }, items: [] });
    expect(excludeManagedFields(text)).toBe(text);
  });

  it('given a list as the API server sends it, then every item loses managedFields and keeps the rest', () => {
    const item = (name: string): Json => ({ metadata: { name, managedFields: MANAGED, labels: { app: name } }, spec: { replicas: 1 } });
    const text = JSON.stringify({ kind: 'RolloutList', metadata: { resourceVersion: '7' }, items: [item('a'), item('b'), item('c')] });
    const parsed = JSON.parse(excludeManagedFields(text)) as { items: Array<{ metadata: Record<string, unknown> }> };
    expect(parsed.items.map((i) => i.metadata)).toEqual(['a', 'b', 'c'].map((name) => ({ name, labels: { app: name } })));
    expect(excludeManagedFields(text).length).toBeLessThan(text.length / 2);
  });

  it('given the key as the first, middle, last or only member, then the result is valid JSON without it', () => {
    for (const text of [
      '{"managedFields":[1],"a":1}',
      '{"a":1,"managedFields":[1],"b":2}',
      '{"a":1,"managedFields":[1]}',
      '{"managedFields":[1]}',
      '{ "a" : 1 ,\n\t"managedFields" :\r\n [ {"x":"]"} ] \n}',
      '[{"managedFields":{}},{"managedFields":null},{"managedFields":"s"},{"managedFields":-1.5e3},{"managedFields":true}]',
    ]) expectSameAsReference(text);
  });

  it('given the key repeated in one object, then every copy goes and the commas stay right', () => {
    for (const text of [
      '{"managedFields":1,"managedFields":2}',
      '{"managedFields":1,"managedFields":2,"b":3}',
      '{"a":1,"managedFields":1,"managedFields":2}',
      '{"managedFields":1, "managedFields":2 , "managedFields":3}',
    ]) expectSameAsReference(text);
  });

  it('given the text "managedFields": inside string values or other keys, then those are left exactly as they were', () => {
    const annotation = '{"metadata":{"managedFields":[{"manager":"kubectl"}]}}';
    const text = JSON.stringify({
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': annotation, quoted: '\\"managedFields":[' }, managedFields: MANAGED },
      data: { managedFields: 'a key in a ConfigMap is a key too', 'x"managedFields': 'a name that ends in it is another key' },
      list: ['managedFields', '"managedFields":', 'managedFields'],
      tail: 'managedFields',
    });
    const parsed = JSON.parse(excludeManagedFields(text)) as { metadata: { annotations: Record<string, string> }; list: string[]; tail: string };
    expect(parsed.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toBe(annotation);
    expect(parsed.metadata.annotations['quoted']).toBe('\\"managedFields":[');
    expect(parsed.list).toEqual(['managedFields', '"managedFields":', 'managedFields']);
    expect(parsed.tail).toBe('managedFields');
    expect(parsed).toHaveProperty(['data', 'x"managedFields']);
    expectSameAsReference(text);
  });

  it('given brackets, escaped quotes, backslashes and unicode inside the value, then the value is skipped whole', () => {
    const value = [{ manager: 'a"]}\\', f: '\\\\"{[', g: 'ünï©ødé 🚀 \u2028', h: [[], {}, [[{ 'k"]': '}' }]]] }];
    expectSameAsReference(JSON.stringify({ before: '\\', managedFields: value, after: '"' }));
    expectSameAsReference(JSON.stringify({ managedFields: value }, null, 2));
  });

  it('given a key spelled with escapes, then it is left in place (no API server writes one; cache-trim drops it)', () => {
    const text = '{"managedF\\u0069elds":[1],"a":1}';
    expect(excludeManagedFields(text)).toBe(text);
  });

  it('given text that is not JSON, then it is returned unchanged so that JSON.parse reports the original', () => {
    for (const text of ['{"managedFields":[1,2', '{"managedFields":"open', '"managedFields":1', '["managedFields":1]', '{"managedFields":}']) {
      expect(excludeManagedFields(text)).toBe(text);
    }
  });

  it('given thousands of generated documents, then parsing the result always equals parsing and deleting', () => {
    for (let seed = 1; seed <= 3000; seed++) {
      const random = seededRandom(seed);
      const doc = generate(random, 0);
      const indent = [undefined, 1, 2, '\t'][Math.floor(random() * 4)];
      expectSameAsReference(JSON.stringify(doc, null, indent));
    }
  });
});

const KEYS = ['managedFields', 'managedFields', 'x"managedFields', 'a', 'managedFieldsX', 'xmanagedFields', '"managedFields":', 'managedFields\\', 'ü', ''];
const STRINGS = ['managedFields', '"managedFields":', '\\', '\\"', '"', ']', '}', '{[', 'ünï 🚀', '\u0000\u001f', '\\\\"managedFields"', ''];

/** A random JSON value that favours the traps: the key at many depths, near-miss keys, quotes and backslashes. */
function generate(random: () => number, depth: number): Json {
  const pick = <T>(choices: readonly T[]): T => choices[Math.floor(random() * choices.length)] as T;
  const roll = random();
  if (depth > 4 || roll < 0.3) {
    return pick<Json>([null, true, false, 0, -1.25e-7, 42, pick(STRINGS), pick(STRINGS) + pick(STRINGS)]);
  }
  const size = Math.floor(random() * 5);
  if (roll < 0.55) return Array.from({ length: size }, () => generate(random, depth + 1));
  const obj: { [key: string]: Json } = {};
  for (let i = 0; i < size; i++) obj[pick(KEYS) + (random() < 0.2 ? pick(KEYS) : '')] = generate(random, depth + 1);
  return obj;
}
