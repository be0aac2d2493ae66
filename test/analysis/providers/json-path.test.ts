// Specification of the JSON path subset the web provider selects values with.
import { describe, expect, it } from 'vitest';
import { MetricError } from '../../../src/analysis/metric-provider.js';
import { parseJsonPath, selectJsonPath } from '../../../src/analysis/providers/json-path.js';

const DOCUMENT = { a: { b: [10, { 'c-d': 'x' }] }, 'with space': 1, nil: null, $meta: 'm' };

describe('parseJsonPath', () => {
  it.each([
    { path: '$', segments: [] },
    { path: '$.a.b', segments: [{ kind: 'key', name: 'a' }, { kind: 'key', name: 'b' }] },
    { path: '$.a[0]', segments: [{ kind: 'key', name: 'a' }, { kind: 'index', index: 0 }] },
    { path: "$['a-b']", segments: [{ kind: 'key', name: 'a-b' }] },
    { path: '$["a.b"][12]', segments: [{ kind: 'key', name: 'a.b' }, { kind: 'index', index: 12 }] },
    { path: "$['it\\'s']", segments: [{ kind: 'key', name: "it's" }] },
  ])('given $path, when parsed, then its segments are $segments', ({ path, segments }) => {
    expect(parseJsonPath(path)).toEqual(segments);
  });

  it.each([
    { path: 'a.b', position: 0 },
    { path: '$.', position: 2 },
    { path: '$..a', position: 2 },
    { path: '$.a[-1]', position: 4 },
    { path: "$['a'", position: 5 },
    { path: "$['a", position: 2 },
    { path: "$['a']x", position: 6 },
    { path: '$.a b', position: 3 },
  ])('given $path, when parsed, then BadQuery at position $position', ({ path, position }) => {
    let thrown: unknown;
    try {
      parseJsonPath(path);
    } catch (err) {
      thrown = err;
    }

    expect(thrown).toBeInstanceOf(MetricError);
    expect((thrown as MetricError).metricCode).toBe('BadQuery');
    expect((thrown as MetricError).message).toContain(`${JSON.stringify(path)} at position ${position}`);
  });
});

describe('selectJsonPath', () => {
  it.each([
    { path: '$', value: DOCUMENT },
    { path: '$.a.b[0]', value: 10 },
    { path: "$.a.b[1]['c-d']", value: 'x' },
    { path: "$['with space']", value: 1 },
    { path: '$.nil', value: null },
    { path: '$.$meta', value: 'm' },
  ])('given $path, when selecting, then the value is found', ({ path, value }) => {
    expect(selectJsonPath(DOCUMENT, path)).toEqual({ found: true, value });
  });

  it.each([
    { path: '$.z', reason: '$ has no key "z"' },
    { path: '$.a.b[2]', reason: '$.a.b has 2 items, no index 2' },
    { path: '$.a[0]', reason: '$.a is an object, not a list' },
    { path: '$.a.b.c', reason: '$.a.b is a list, not an object' },
    { path: '$.nil.x', reason: '$.nil is null, not an object' },
    { path: "$.a.b[1]['c-d'].e", reason: '$.a.b[1]["c-d"] is a string, not an object' },
    { path: '$.toString', reason: '$ has no key "toString"' },
  ])('given $path, when selecting, then not found because $reason', ({ path, reason }) => {
    expect(selectJsonPath(DOCUMENT, path)).toEqual({ found: false, reason });
  });
});
