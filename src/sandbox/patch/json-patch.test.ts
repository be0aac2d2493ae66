// JSON patch: RFC 6902 operations, and the apiserver's statuses and texts when a patch does not apply.
import { describe, expect, it } from 'vitest';
import { PatchError, applyJsonPatch, escapeJsonPointerToken } from './json-patch.js';

function patchFailure(target: unknown, ops: unknown): PatchError {
  try {
    applyJsonPatch(target, ops);
  } catch (err) {
    if (err instanceof PatchError) return err;
    throw err;
  }
  throw new Error('expected the patch to fail');
}

const rollout = {
  metadata: { name: 'web', labels: { 'app.kubernetes.io/name': 'web' }, annotations: { 'a~b': 'x' } },
  spec: { replicas: 3, steps: [{ setWeight: 10 }, { pause: {} }, { setWeight: 50 }] },
};

describe('given each operation', () => {
  it('when add targets an object key, then it sets it; on a list index, then it inserts; on "-", then it appends', () => {
    const out = applyJsonPatch(rollout, [
      { op: 'add', path: '/spec/paused', value: true },
      { op: 'add', path: '/spec/steps/1', value: { setWeight: 20 } },
      { op: 'add', path: '/spec/steps/-', value: { setWeight: 100 } },
    ]);
    expect(out).toMatchObject({
      spec: { paused: true, steps: [{ setWeight: 10 }, { setWeight: 20 }, { pause: {} }, { setWeight: 50 }, { setWeight: 100 }] },
    });
  });

  it('when remove and replace run, then the key goes and the value changes', () => {
    const out = applyJsonPatch(rollout, [
      { op: 'remove', path: '/spec/steps/1' },
      { op: 'replace', path: '/spec/replicas', value: 5 },
    ]);
    expect(out).toMatchObject({ spec: { replicas: 5, steps: [{ setWeight: 10 }, { setWeight: 50 }] } });
  });

  it('when move and copy run, then values relocate and duplicate', () => {
    const out = applyJsonPatch({ a: { b: 1 }, c: [] }, [
      { op: 'copy', from: '/a/b', path: '/c/-' },
      { op: 'move', from: '/a', path: '/d' },
    ]);
    expect(out).toEqual({ c: [1], d: { b: 1 } });
  });

  it('when test matches, then the rest applies', () => {
    const out = applyJsonPatch(rollout, [
      { op: 'test', path: '/spec/replicas', value: 3 },
      { op: 'replace', path: '/spec/replicas', value: 4 },
    ]);
    expect(out).toMatchObject({ spec: { replicas: 4 } });
  });

  it('when a key holds / or ~, then the escaped pointer reaches it', () => {
    const out = applyJsonPatch(rollout, [
      { op: 'replace', path: '/metadata/labels/app.kubernetes.io~1name', value: 'api' },
      { op: 'remove', path: '/metadata/annotations/a~0b' },
    ]);
    expect(out).toMatchObject({ metadata: { labels: { 'app.kubernetes.io/name': 'api' }, annotations: {} } });
    expect(escapeJsonPointerToken('app.kubernetes.io/name~x')).toBe('app.kubernetes.io~1name~0x');
  });

  it('when an index is negative, then it counts from the end, as the apiserver library allows', () => {
    expect(applyJsonPatch(rollout, [{ op: 'remove', path: '/spec/steps/-1' }])).toMatchObject({
      spec: { steps: [{ setWeight: 10 }, { pause: {} }] },
    });
  });

  it('when the patch is applied, then the target is left as it was', () => {
    const before = JSON.stringify(rollout);
    applyJsonPatch(rollout, [{ op: 'add', path: '/spec/steps/0/pause', value: {} }]);
    expect(JSON.stringify(rollout)).toBe(before);
  });
});

describe('given a patch that does not apply', () => {
  it('when a test fails, then it is 422 Invalid with the library text in the detail', () => {
    const err = patchFailure(rollout, [{ op: 'test', path: '/spec/replicas', value: 2 }]);
    expect(err).toMatchObject({
      status: 422,
      reason: 'Invalid',
      code: 'InvalidSpec',
      statusMessage: 'the server rejected our request due to an error in our request',
      detail: 'testing value /spec/replicas failed: test failed',
    });
  });

  it.each([
    [[{ op: 'add', path: '/spec/missing/deep', value: 1 }], 'add operation does not apply: doc is missing path: "/spec/missing/deep": missing value'],
    [[{ op: 'remove', path: '/spec/nope' }], "error in remove for path: '/spec/nope': Unable to remove nonexistent key: nope: missing value"],
    [[{ op: 'replace', path: '/spec/nope', value: 1 }], 'replace operation does not apply: doc is missing key: /spec/nope: missing value'],
    [[{ op: 'add', path: '/spec/steps/9', value: {} }], "error in add for path: '/spec/steps/9': Unable to access invalid index: 9: invalid index referenced"],
    [[{ op: 'remove', path: '/spec/steps/x' }], `error in remove for path: '/spec/steps/x': strconv.Atoi: parsing "x": invalid syntax`],
    [[{ op: 'frob', path: '/spec' }], 'Unexpected kind: frob'],
    [[{ path: '/spec' }], 'Unexpected kind: unknown'],
    [[{ op: 'add', value: 1 }], 'add operation failed to decode path: missing value'],
    [[{ op: 'move', from: '/nope/x', path: '/a' }], 'move operation does not apply: doc is missing from path: /nope/x: missing value'],
    [[{ op: 'test', path: '/spec/steps/7', value: 1 }], "error in test for path: '/spec/steps/7': Unable to access invalid index: 7: invalid index referenced"],
  ])('when %j is applied, then it is 422 with "%s"', (ops, detail) => {
    const err = patchFailure(rollout, ops);
    expect(err.status).toBe(422);
    expect(err.detail).toBe(detail);
  });

  it('when an earlier operation succeeded before a later one failed, then nothing is applied', () => {
    const target = { a: 1 };
    patchFailure(target, [{ op: 'replace', path: '/a', value: 2 }, { op: 'test', path: '/a', value: 3 }]);
    expect(target).toEqual({ a: 1 });
  });
});

describe('given a malformed patch body', () => {
  it('when it is not a list, then it is 400 BadRequest', () => {
    expect(patchFailure(rollout, { op: 'add' })).toMatchObject({
      status: 400,
      reason: 'BadRequest',
      code: 'BadRequest',
      message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    });
  });

  it('when an element is not an object, then it is 400 BadRequest', () => {
    expect(patchFailure(rollout, ['add']).status).toBe(400);
  });
});
