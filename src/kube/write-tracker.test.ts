import { describe, expect, it } from 'vitest';
import { WriteTracker } from './write-tracker.js';

describe('WriteTracker', () => {
  it('given a write over version 4, the cache at 4 is stale and any other version is fresh (and clears the mark)', () => {
    const tracker = new WriteTracker();
    expect(tracker.isStale('ns/a', '4')).toBe(false);
    tracker.wrote('ns/a', '4', '5');
    expect(tracker.isStale('ns/a', '4')).toBe(true);
    expect(tracker.isStale('ns/b', '4')).toBe(false);
    expect(tracker.isStale('ns/a', '5')).toBe(false);
    expect(tracker.isStale('ns/a', '4')).toBe(false);
  });

  it('given a write the server answered with the version it replaced (a no-op: no watch event will come), nothing is stale', () => {
    const tracker = new WriteTracker();
    tracker.wrote('ns/a', '4', '4');
    expect(tracker.isStale('ns/a', '4')).toBe(false);
  });

  it('given the watch event of a write never arrives, the mark expires and the key is fresh again', () => {
    let now = 1_000;
    const tracker = new WriteTracker({ expiryMs: 10_000, clock: () => now });
    tracker.wrote('ns/a', '4', '5');
    expect(tracker.isStale('ns/a', '4')).toBe(true);
    now += 9_999;
    expect(tracker.isStale('ns/a', '4')).toBe(true);
    now += 1;
    expect(tracker.isStale('ns/a', '4')).toBe(false);
  });

  it('a pass skipped as stale is told to look again within a second, never later than the mark expires', () => {
    let now = 0;
    const tracker = new WriteTracker({ expiryMs: 10_000, clock: () => now });
    expect(tracker.recheckAfterMs('ns/a')).toBe(0);
    tracker.wrote('ns/a', '4', '5');
    expect(tracker.recheckAfterMs('ns/a')).toBe(1_000);
    now = 9_700;
    expect(tracker.recheckAfterMs('ns/a')).toBe(300);
  });
});
