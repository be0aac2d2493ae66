// Specification of the linear-time matcher behind CEL's matches(): RE2 syntax, JS RegExp's answers, bounded steps.
import { describe, expect, it } from 'vitest';
import { compileLinearRegexp, MAX_REGEXP_PROGRAM, RegexpSyntaxError } from '../../../src/analysis/linear-regexp.js';

const free = (): void => undefined;

function matches(pattern: string, text: string): boolean {
  return compileLinearRegexp(pattern).test(text, free);
}

/** Patterns whose meaning is the same in RE2 and JS, with the JS spelling when it differs. */
const SHARED: Array<{ pattern: string; js?: string; flags?: string }> = [
  { pattern: 'a' },
  { pattern: '^a' },
  { pattern: 'a$' },
  { pattern: '^abc$' },
  { pattern: 'a|b' },
  { pattern: '(a|b)*c' },
  { pattern: 'a+b' },
  { pattern: 'a?b' },
  { pattern: 'a{2}' },
  { pattern: 'a{2,}' },
  { pattern: 'a{1,3}b' },
  { pattern: '[abc]+' },
  { pattern: '[^abc]' },
  { pattern: '[a-z]+\\d' },
  { pattern: '\\w+@\\w+\\.com' },
  { pattern: '\\bfoo\\b' },
  { pattern: '\\Bfoo' },
  { pattern: 'colou?r' },
  { pattern: '(?i)HELLO', js: 'HELLO', flags: 'i' },
  { pattern: '(?i:a)b', js: '[aA]b' },
  { pattern: '.' },
  { pattern: '^.*$' },
  { pattern: '\\S+' },
  { pattern: 'x*' },
  { pattern: '' },
  { pattern: '^(a+)+$' },
  { pattern: '(a|aa)+$' },
  { pattern: '[[:digit:]]+', js: '[0-9]+' },
  { pattern: '\\d{3}-\\d{4}' },
  { pattern: '(?s)a.b', js: 'a[^]b' },
  { pattern: '(?m)^b', js: '^b', flags: 'm' },
  { pattern: '[]a]', js: '[\\]a]' },
  { pattern: '[a-]' },
  { pattern: '^(ok|degraded)$' },
  { pattern: '\\x41' },
  { pattern: '\\x{263a}', js: '\\u{263a}' },
  { pattern: '\\pL+', js: '\\p{L}+' },
  { pattern: '\\p{Greek}', js: '\\p{Script=Greek}' },
  { pattern: '[\\d\\s]+' },
  { pattern: '(?:ab)+' },
  { pattern: '(?P<name>x)y', js: '(?<name>x)y' },
  { pattern: 'a{,3}', js: 'a\\{,3\\}' },
  { pattern: '\\Qa.b\\E', js: 'a\\.b' },
];

const TEXTS = ['', 'a', 'b', 'ab', 'aab', 'abc', 'xabcx', 'aaaa', 'c', 'hello', 'HELLO', 'Ab', '123-4567', 'foo bar', 'foobar', 'colour', 'x@y.com', 'a\nb', 'ok', 'degraded', 'A', '☺', 'αβγ', 'a.b', 'a{,3}', ']', '-', ' \t', 'xy', `${'a'.repeat(29)}!`];

describe('compileLinearRegexp: the same answers as a backtracking engine', () => {
  it.each(SHARED)('given $pattern, when tested on sample texts, then it agrees with JS RegExp', ({ pattern, js, flags }) => {
    const reference = new RegExp(js ?? pattern, `u${flags ?? ''}`);
    const compiled = compileLinearRegexp(pattern);

    for (const text of TEXTS) expect([text, compiled.test(text, free)]).toEqual([text, reference.test(text)]);
  });

  it('given RE2 anchors and classes, when tested, then they keep RE2 meaning', () => {
    expect(matches('\\Aab\\z', 'ab')).toBe(true);
    expect(matches('\\Aab\\z', 'ab\n')).toBe(false);
    expect(matches('a$', 'a\n')).toBe(false); // RE2's $ without (?m) is the end of the text only
    expect(matches('\\s', '\u000b')).toBe(false); // RE2's \s has no vertical tab
    expect(matches('[[:^alpha:]]', 'a1')).toBe(true);
    expect(matches('(?i)straße', 'STRAßE')).toBe(true);
  });
});

describe('compileLinearRegexp: what RE2 refuses', () => {
  it.each([
    { pattern: '(a)\\1', reason: 'backreferences are not supported' },
    { pattern: '(?=a)', reason: 'lookaround assertions are not supported' },
    { pattern: '(?<!a)b', reason: 'lookaround assertions are not supported' },
    { pattern: 'a**', reason: 'bad repetition operator' },
    { pattern: '*a', reason: 'missing argument to repetition operator' },
    { pattern: '(a', reason: 'missing closing )' },
    { pattern: '[a', reason: 'missing closing ]' },
    { pattern: 'a{1001}', reason: 'bad repetition count' },
    { pattern: '(a{1000}){1000}', reason: `more than ${MAX_REGEXP_PROGRAM} instructions` },
    { pattern: '\\p{Nope}', reason: 'unknown Unicode class' },
    { pattern: '\\C', reason: 'invalid escape sequence' },
  ])('given $pattern, when compiled, then RegexpSyntaxError: $reason', ({ pattern, reason }) => {
    expect(() => compileLinearRegexp(pattern)).toThrow(RegexpSyntaxError);
    expect(() => compileLinearRegexp(pattern)).toThrow(reason);
  });
});

describe('compileLinearRegexp: steps are linear in the text', () => {
  it.each(['^(a+)+$', '(a|aa)+$', '(.*a){20}', '(x+x+)+y'])('given %s over 20000 characters, when tested, then it takes at most (length + 1) × program size steps', (pattern) => {
    const compiled = compileLinearRegexp(pattern);
    let steps = 0;

    compiled.test(`${'a'.repeat(20_000)}!`, (taken) => {
      steps += taken;
    });

    expect(steps).toBeLessThanOrEqual(20_002 * (compiled.size + 1));
  });

  it('given a charge that throws, when tested, then the match stops there', () => {
    let steps = 0;
    const stop = (taken: number): void => {
      steps += taken;
      if (steps > 1_000) throw new Error('over budget');
    };

    expect(() => compileLinearRegexp('(a|aa)+$').test('a'.repeat(100_000), stop)).toThrow('over budget');
    expect(steps).toBeLessThan(1_100);
  });

  it('given a pattern anchored at the start, when it cannot match, then it stops reading the text', () => {
    let steps = 0;
    compileLinearRegexp('^ok').test(`no${'x'.repeat(100_000)}`, (taken) => {
      steps += taken;
    });

    expect(steps).toBeLessThan(10);
  });
});
