// Label selectors: the string syntax, the object form, matching, and the apiserver's parse errors.
import { describe, expect, it } from 'vitest';
import { VaneError } from '../../errors.js';
import { fromLabelSelector, isEverything, labelSelectorString, matchesLabels, parseLabelSelector } from './label-selector.js';

function parseFailure(text: string): VaneError {
  try {
    parseLabelSelector(text);
  } catch (err) {
    if (err instanceof VaneError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(text)} to be rejected`);
}

const web = { app: 'web', tier: 'frontend', version: '3' };

describe('given selector strings', () => {
  it.each([
    ['app=web', true],
    ['app==web', true],
    ['app!=web', false],
    ['app!=api', true],
    ['tier in (frontend,backend)', true],
    ['tier in (backend)', false],
    ['tier notin (backend)', true],
    ['track notin (canary)', true],
    ['app', true],
    ['!app', false],
    ['!track', true],
    ['app=web,tier=frontend,!track', true],
    ['app = web , tier in ( frontend )', true],
    ['version>2', true],
    ['version<3', false],
    ['track>1', false],
    ['', true],
  ])('when %s is matched against app=web,tier=frontend,version=3, then it is %s', (text, expected) => {
    expect(matchesLabels(parseLabelSelector(text), web)).toBe(expected);
  });

  it('when labels are absent, then only negative requirements can hold', () => {
    expect(matchesLabels('app!=web', undefined)).toBe(true);
    expect(matchesLabels('app', undefined)).toBe(false);
  });

  it('when `in ()` is given, then it selects the empty value', () => {
    expect(matchesLabels('track in ()', { track: '' })).toBe(true);
    expect(matchesLabels('track in ()', {})).toBe(false);
  });

  it('when parsed, then requirements are sorted by key and print canonically', () => {
    const selector = parseLabelSelector('tier in (b,a),!canary,app=web');
    expect(selector.requirements.map((r) => r.key)).toEqual(['app', 'canary', 'tier']);
    expect(labelSelectorString(selector)).toBe('app=web,!canary,tier in (a,b)');
  });

  it('when in and notin are used as values, then they are plain values', () => {
    expect(matchesLabels('mode=in', { mode: 'in' })).toBe(true);
    expect(matchesLabels('mode in (notin)', { mode: 'notin' })).toBe(true);
  });
});

describe('given malformed selector strings', () => {
  it.each([
    ['app=web,', "found '', expected: identifier after ','"],
    ['app=web tier', "found 'tier', expected: ',' or 'end of string'"],
    ['=web', "found '=', expected: !, identifier, or 'end of string'"],
    ['app in web', "unable to parse requirement: found 'web' expected: '('"],
    ['app in (web', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['app web', "unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt"],
    ['app=(web', "unable to parse requirement: found '(', expected: identifier"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['version>x', `unable to parse requirement: values[0]: Invalid value: "x": for 'Gt', 'Lt' operators, the value must be an integer`],
  ])('when %s is parsed, then it fails with "%s"', (text, message) => {
    const err = parseFailure(text);
    expect(err.code).toBe('BadRequest');
    expect(err.message).toBe(message);
  });

  it('when a key is not a qualified name, then the apiserver <nil> field error is given', () => {
    expect(parseFailure('a@b=c').message).toMatch(/^unable to parse requirement: <nil>: Invalid value: "a@b": name part must consist of/);
  });

  it('when a value is not a label value, then the error names values[0][key]', () => {
    expect(parseFailure('app=a@b').message).toMatch(/^unable to parse requirement: values\[0\]\[app\]: Invalid value: "a@b": a valid label must be/);
  });
});

describe('given LabelSelector objects', () => {
  it('when matchLabels and matchExpressions are combined, then all must hold', () => {
    const selector = fromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['frontend'] },
        { key: 'track', operator: 'DoesNotExist' },
        { key: 'version', operator: 'Exists' },
      ],
    });
    expect(matchesLabels(selector, web)).toBe(true);
    expect(matchesLabels(selector, { ...web, track: 'canary' })).toBe(false);
    expect(labelSelectorString(selector)).toBe('app=web,tier in (frontend),!track,version');
  });

  it('when the selector is null, then it matches nothing; when empty, then everything', () => {
    expect(matchesLabels(fromLabelSelector(null), web)).toBe(false);
    expect(isEverything(fromLabelSelector(null))).toBe(false);
    expect(matchesLabels(fromLabelSelector({}), web)).toBe(true);
    expect(isEverything(fromLabelSelector({}))).toBe(true);
  });

  it('when an operator is unknown, then it is refused', () => {
    expect(() => fromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Matches' }] })).toThrow('"Matches" is not a valid label selector operator');
  });

  it('when In has no values, then the requirement error is given', () => {
    expect(() => fromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(
      "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    );
  });

  it('when Exists has values, then several errors are bracketed together', () => {
    expect(() => fromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x', 'y z'] }] })).toThrow(
      /^\[values: Invalid value: \[\]string\{"x", "y z"\}: values set must be empty for exists and does not exist, values\[1\]\[a\]: /,
    );
  });
});
