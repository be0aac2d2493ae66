import { describe, expect, it } from 'vitest';
import { canonicalJson, sameJson } from './canonical-json.js';

const shared = { a: [1, { b: 2 }] };

/** Pairs whose JSON texts, keys sorted, are equal (true) or differ (false); sameJson must agree with the texts. */
const PAIRS: Array<[string, unknown, unknown, boolean]> = [
  ['keys in another order', { a: 1, b: { c: [1, 2], d: 'x' } }, { b: { d: 'x', c: [1, 2] }, a: 1 }, true],
  ['an undefined member against an absent one', { a: 1, b: undefined }, { a: 1 }, true],
  ['a function member against an absent one', { a: 1, f: () => 1 }, { a: 1 }, true],
  ['an undefined array item against null', [1, undefined], [1, null], true],
  ['NaN against null', { n: Number.NaN }, { n: null }, true],
  ['Infinity against null in an array', [Number.POSITIVE_INFINITY], [null], true],
  ['minus zero against zero', { z: -0 }, { z: 0 }, true],
  ['a Date against its ISO text', { at: new Date(0) }, { at: '1970-01-01T00:00:00.000Z' }, true],
  ['a toJSON member against its result', { v: { toJSON: () => 'x' } }, { v: 'x' }, true],
  ['an object without a prototype against a plain one', Object.assign(Object.create(null) as object, { a: 1 }), { a: 1 }, true],
  ['the same object twice', shared, shared, true],
  ['a different leaf deep down', { a: { b: [{ c: 1 }] } }, { a: { b: [{ c: 2 }] } }, false],
  ['an extra member on the right', { a: 1 }, { a: 1, b: 2 }, false],
  ['an extra member on the left', { a: 1, b: null }, { a: 1 }, false],
  ['null against an absent member', { a: null }, {}, false],
  ['arrays of another length', [1, 2], [1, 2, 3], false],
  ['arrays in another order', [1, 2], [2, 1], false],
  ['an array against an object', [], {}, false],
  ['a number against its text', { a: 1 }, { a: '1' }, false],
  ['a string against an object', 'a', { a: 1 }, false],
  ['a non-enumerable member on the right', { a: 1 }, Object.defineProperty({}, 'a', { value: 1, enumerable: false }), false],
  ['a Map against an empty object', new Map([['a', 1]]), {}, true],
  ['undefined against undefined', undefined, undefined, true],
  ['undefined against null', undefined, null, false],
];

describe('sameJson', () => {
  it.each(PAIRS)('given %s, then it agrees with comparing the canonical JSON texts', (_name, a, b, equal) => {
    expect(canonicalJson(a) === canonicalJson(b)).toBe(equal);
    expect(sameJson(a, b)).toBe(equal);
    expect(sameJson(b, a)).toBe(equal);
  });

  it('given two copies of a Rollout status differing in one condition time, then they differ, and equal once it is the same', () => {
    const status = { phase: 'Healthy', conditions: [{ type: 'Available', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }], machine: { snapshot: { context: { at: { progressAt: 1 } } } } };
    const later = structuredClone(status);
    later.conditions[0]!.lastTransitionTime = '2026-01-01T00:00:01Z';
    expect(sameJson(status, later)).toBe(false);
    later.conditions[0]!.lastTransitionTime = '2026-01-01T00:00:00Z';
    expect(sameJson(status, later)).toBe(true);
  });
});
