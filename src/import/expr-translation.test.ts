import { describe, expect, it } from 'vitest';
import { compileCondition } from '../analysis/cel-condition.js';
import { ExprTranslationError, translateCondition } from './expr-translation.js';

/** The CEL a condition becomes. */
function cel(source: string): string {
  return translateCondition(source).cel;
}

describe('translateCondition: Argo conditions (expr-lang) as CEL', () => {
  it('keeps what both languages spell the same (Argo docs analysis.md: `result[0] >= 0.95`)', () => {
    expect(cel('result[0] >= 0.95')).toBe('result[0] >= 0.95');
    expect(cel('result.Status == 999')).toBe('result.Status == 999');
    expect(cel('result == true')).toBe('result == true');
  });

  it('spells the word operators and, or and not as &&, || and !', () => {
    expect(cel('result[0] > 0.9 and result[1] < 5')).toBe('result[0] > 0.9 && result[1] < 5');
    expect(cel('result[0] > 0.9 or result[1] < 5')).toBe('result[0] > 0.9 || result[1] < 5');
    expect(cel('not (result[0] > 0.9)')).toBe('!(result[0] > 0.9)');
    expect(cel('not result.ok')).toBe('!result.ok');
  });

  it('keeps the grouping of mixed and/or, adding parentheses only where CEL needs them', () => {
    expect(cel('(result[0] > 1 or result[0] < -1) and result[1] == 0')).toBe('(result[0] > 1 || result[0] < -1) && result[1] == 0');
    expect(cel('result[0] > 1 or result[0] < -1 and result[1] == 0')).toBe('result[0] > 1 || result[0] < -1 && result[1] == 0');
    expect(cel('1 - (2 - result)')).toBe('1 - (2 - result)');
    expect(cel('(1 - 2) - result')).toBe('1 - 2 - result');
  });

  it("keeps Argo's recommended empty-result idiom `len(result) == 0 || result[0] >= 0.95` and default/isNaN/isInf as calls", () => {
    expect(cel('len(result) == 0 || result[0] >= 0.95')).toBe('len(result) == 0 || result[0] >= 0.95');
    expect(cel('default(result, 0) < 0.05')).toBe('default(result, 0) < 0.05');
    expect(cel('isNaN(result) || result >= 0.95')).toBe('isNaN(result) || result >= 0.95');
    expect(cel('isInf(result[0]) == false')).toBe('isInf(result[0]) == false');
  });

  it('turns asInt and asFloat into CEL conversions', () => {
    expect(cel('asInt(result) == 1')).toBe('int(result) == 1');
    expect(cel('asFloat(result.value) >= 0.5')).toBe('double(result.value) >= 0.5');
    expect(cel('float(result) > 1')).toBe('double(result) > 1');
  });

  it('rewrites single-quoted and backquoted strings as double-quoted CEL strings, escapes decoded and re-encoded', () => {
    expect(cel("result == 'It worked!'")).toBe('result == "It worked!"');
    expect(cel("result.major == '1'")).toBe('result.major == "1"');
    expect(cel(String.raw`result == 'say "hi"\n'`)).toBe(String.raw`result == "say \"hi\"\n"`);
    expect(cel('result == `a\\b`')).toBe(String.raw`result == "a\\b"`);
  });

  it('leaves Argo argument placeholders as written, since they are substituted before compiling', () => {
    expect(cel('result == "{{args.success-condition}}"')).toBe('result == "{{args.success-condition}}"');
    expect(cel('result[0] >= {{args.threshold}}')).toBe('result[0] >= {{args.threshold}}');
  });

  it('turns infix string operators and not in into CEL methods and a negated in', () => {
    expect(cel("result.status matches '^ok'")).toBe('result.status.matches("^ok")');
    expect(cel("result.msg contains 'done'")).toBe('result.msg.contains("done")');
    expect(cel("result.msg startsWith 'a' and result.msg endsWith 'z'")).toBe('result.msg.startsWith("a") && result.msg.endsWith("z")');
    expect(cel('result not in [1, 2]')).toBe('!(result in [1, 2])');
  });

  it('turns the predicate builtins all, any, one, none, filter, map and count into CEL macros', () => {
    expect(cel('all(result, {# > 0.9})')).toBe('result.all(x, x > 0.9)');
    expect(cel('any(result, {# < 0})')).toBe('result.exists(x, x < 0)');
    expect(cel('one(result, {# == 1})')).toBe('result.exists_one(x, x == 1)');
    expect(cel('none(result, {# < 0})')).toBe('!result.exists(x, x < 0)');
    expect(cel('count(result, {# > 1}) >= 2')).toBe('size(result.filter(x, x > 1)) >= 2');
    expect(cel('any(result, {# > x})')).toBe('result.exists(xx, xx > x)');
    expect(cel('all(result.items, {#.x > 1})')).toBe('result.items.all(x, x.x > 1)');
  });

  it('spells nil coalescing and nil as default() and null', () => {
    expect(cel('(result ?? 0) < 5')).toBe('default(result, 0) < 5');
    expect(cel('result != nil')).toBe('result != null');
  });

  it('refuses what CEL cannot say, naming the construct', () => {
    expect(() => translateCondition('abs(result) < 1')).toThrow(/abs\(\) has no CEL spelling/);
    expect(() => translateCondition('result ** 2 > 4')).toThrow(/operator "\*\*"/);
    expect(() => translateCondition('result?.x == 1')).toThrow(ExprTranslationError);
    expect(() => translateCondition('result[0] >=')).toThrow(/ends too early/);
    expect(() => translateCondition("result == 'open")).toThrow(/unclosed string/);
  });

  it('produces CEL that Vane compiles for every idiom that needs no new function', () => {
    const idioms = [
      'result[0] >= 0.95 and result[0] <= 1',
      "not (result == 'down') or result == 'It worked!'",
      'asInt(result) == 1',
      'all(result, {# > 0.9})',
      'result not in [1, 2]',
      "result.status matches '^ok'",
    ];
    for (const idiom of idioms) expect(() => compileCondition(cel(idiom)), idiom).not.toThrow();
  });
});
