// Specification of surgical YAML edits: one value changes, every other byte stays.
import { describe, expect, it } from 'vitest';
import { applyScalarChanges } from '../../src/gitops/yaml-scalar-edit.js';
import { VaneError } from '../../src/errors.js';

/** Lines that differ between two texts of equal line count. */
function changedLines(before: string, after: string): Array<[string, string]> {
  const a = before.split('\n');
  const b = after.split('\n');
  expect(b).toHaveLength(a.length);
  return a.flatMap((line, index) => (line === b[index] ? [] : [[line, b[index] ?? '']]));
}

describe('applyScalarChanges', () => {
  it('given a plain value with a trailing comment, when replaced, then only that value changes and the comment stays', () => {
    const text = 'spec:\n  image: app:1.4.0   # pinned by CI\n  other: app:1.4.0x\n';
    const result = applyScalarChanges(text, [{ doc: 0, path: ['spec', 'image'], from: 'app:1.4.0', to: 'app:1.3.9' }]);
    expect(changedLines(text, result)).toEqual([['  image: app:1.4.0   # pinned by CI', '  image: app:1.3.9   # pinned by CI']]);
  });

  it('given double- and single-quoted values, when replaced, then the quoting style is kept', () => {
    const text = `a: "v2"\nb: 'v2'\n`;
    const once = applyScalarChanges(text, [{ doc: 0, path: ['a'], from: 'v2', to: 'v1' }]);
    const twice = applyScalarChanges(once, [{ doc: 0, path: ['b'], from: 'v2', to: "it's" }]);
    expect(twice).toBe(`a: "v1"\nb: 'it''s'\n`);
  });

  it('given the same value in two documents, when the second is targeted, then the first document is untouched', () => {
    const text = 'kind: A\nimage: app:2\n---\nkind: B\nimage: app:2\n';
    const result = applyScalarChanges(text, [{ doc: 1, path: ['image'], from: 'app:2', to: 'app:1' }]);
    expect(result).toBe('kind: A\nimage: app:2\n---\nkind: B\nimage: app:1\n');
  });

  it('given an unquoted tag, when the new tag would read as a number, then it is quoted so Helm still sees a string', () => {
    const result = applyScalarChanges('tag: v1\n', [{ doc: 0, path: ['tag'], from: 'v1', to: '1.10' }]);
    expect(result).toBe('tag: "1.10"\n');
  });

  it.each([
    ['2.0', '1.10', 'tag: "1.10"\n'],
    ['2.0', 'yes', 'tag: "yes"\n'],
    ['v2', '010', 'tag: "010"\n'],
    ['v2', '1_000', 'tag: "1_000"\n'],
    ['v2', '2024-01-01', 'tag: "2024-01-01"\n'],
    ['v2', '1.2.3', 'tag: 1.2.3\n'],
  ])('given plain tag: %s, when %s is written, then the text is %j, which every tool reads back as that string', (from, to, expected) => {
    expect(applyScalarChanges(`tag: ${from}\n`, [{ doc: 0, path: ['tag'], from, to }])).toBe(expected);
  });

  it('given a single-quoted value, when a value Helm would retype is written, then the single quotes are kept', () => {
    expect(applyScalarChanges("tag: '2.0'\n", [{ doc: 0, path: ['tag'], from: '2.0', to: '1.10' }])).toBe("tag: '1.10'\n");
  });

  it('given a plain value the tools retype, when it is restored to its own text, then only that occurrence is quoted', () => {
    const text = 'legacy: 1.10\nimage:\n  tag: 1.10 # deployed as 1.1\n';
    const result = applyScalarChanges(text, [{ doc: 0, path: ['image', 'tag'], from: '1.10', to: '1.10' }]);
    expect(result).toBe('legacy: 1.10\nimage:\n  tag: "1.10" # deployed as 1.1\n');
  });

  it('given a plain value every tool reads as text, when it is restored to its own text, then the file is unchanged', () => {
    const text = 'tag: v1.10\n';
    expect(applyScalarChanges(text, [{ doc: 0, path: ['tag'], from: 'v1.10', to: 'v1.10' }])).toBe(text);
  });

  it('given a value inside a flow mapping, when replaced, then the flow style survives', () => {
    const text = 'containers: [{name: app, image: app:2}]\n';
    const result = applyScalarChanges(text, [{ doc: 0, path: ['containers', 0, 'image'], from: 'app:2', to: 'app:1' }]);
    expect(result).toBe('containers: [{name: app, image: app:1}]\n');
  });

  it('given a stale expectation, when the file holds another value, then it refuses with a Conflict', () => {
    const attempt = (): string => applyScalarChanges('image: app:3\n', [{ doc: 0, path: ['image'], from: 'app:2', to: 'app:1' }]);
    expect(attempt).toThrow(VaneError);
    expect(attempt).toThrow(/expected "app:2"/);
  });
});
