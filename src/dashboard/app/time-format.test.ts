import { describe, expect, it } from 'vitest';
import { absoluteTime, formatAge, formatAgo, formatCountdown, formatDuration } from './time-format.js';

const NOW = Date.parse('2026-12-07T12:00:00Z');

describe('times on screen', () => {
  it('shows a duration in its two largest units', () => {
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(192_000)).toBe('3m12s');
    expect(formatDuration(65_000)).toBe('1m05s');
    expect(formatDuration(2 * 3_600_000)).toBe('2h');
    expect(formatDuration(2 * 3_600_000 + 5 * 60_000)).toBe('2h5m');
    expect(formatDuration(3 * 86_400_000 + 4 * 3_600_000)).toBe('3d4h');
  });

  it('shows an age, with "ago" where a sentence needs it', () => {
    expect(formatAgo('2026-12-07T11:56:48Z', NOW)).toBe('3m12s ago');
    expect(formatAge('2026-12-07T10:00:00Z', NOW)).toBe('2h');
  });

  it('reads a time ahead of the clock as just now, and a missing or broken time as a dash', () => {
    expect(formatAge('2026-12-07T12:00:05Z', NOW)).toBe('0s');
    expect(formatAge(undefined, NOW)).toBe('—');
    expect(formatAgo('not a time', NOW)).toBe('—');
  });

  it('counts down to a time, and says "ending" once it has passed', () => {
    expect(formatCountdown('2026-12-07T12:01:05Z', NOW)).toBe('1m05s left');
    expect(formatCountdown('2026-12-07T12:00:00.500Z', NOW)).toBe('1s left');
    expect(formatCountdown('2026-12-07T11:59:00Z', NOW)).toBe('ending');
  });

  it('gives the absolute UTC time for a tooltip', () => {
    expect(absoluteTime('2026-12-07T13:04:05.678+01:00')).toBe('2026-12-07T12:04:05Z');
    expect(absoluteTime(undefined)).toBe('');
  });
});
