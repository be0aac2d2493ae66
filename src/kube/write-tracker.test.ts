import { describe, expect, it } from 'vitest';
import { WriteTracker } from './write-tracker.js';

describe('WriteTracker', () => {
  it('given a write over version 4, the cache at 4 is stale and any other version is fresh (and clears the mark)', () => {
    const tracker = new WriteTracker();
    expect(tracker.isStale('ns/a', '4')).toBe(false);
    tracker.wrote('ns/a', '4');
    expect(tracker.isStale('ns/a', '4')).toBe(true);
    expect(tracker.isStale('ns/b', '4')).toBe(false);
    expect(tracker.isStale('ns/a', '5')).toBe(false);
    expect(tracker.isStale('ns/a', '4')).toBe(false);
  });
});
