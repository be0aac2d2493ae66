import { describe, expect, it } from 'vitest';
import { VaneError } from '../errors.js';
import { isDuration, parseDuration } from './duration.js';

describe('parseDuration', () => {
  it.each([
    [30, 30_000],
    [0, 0],
    ['500ms', 500],
    ['30s', 30_000],
    ['5m', 300_000],
    ['1h', 3_600_000],
    ['1h30m', 5_400_000],
    ['2m30s250ms', 150_250],
    ['1.5s', 1500],
    ['45', 45_000],
    [' 10s ', 10_000],
  ])('given %j, then it is %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each(['ten', '', '10x', '-5s', '5 m', 's', '1h-30m', '1d'])(
    'given %j, when parsed, then it throws InvalidSpec naming the value',
    (input) => {
      let thrown: unknown;
      try {
        parseDuration(input);
      } catch (err) {
        thrown = err;
      }
      expect(thrown).toBeInstanceOf(VaneError);
      expect((thrown as VaneError).code).toBe('InvalidSpec');
      expect((thrown as VaneError).message).toContain(JSON.stringify(input));
    },
  );

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('given the number %d, then it throws InvalidSpec', (input) => {
    expect(() => parseDuration(input)).toThrow(/invalid duration/);
  });
});

describe('isDuration', () => {
  it('given durations and non-durations, then it tells them apart', () => {
    expect([10, '10s', '1h30m', '0'].map(isDuration)).toEqual([true, true, true, true]);
    expect(['ten', null, undefined, {}, -3, true].map(isDuration)).toEqual([false, false, false, false, false, false]);
  });
});
