import { describe, expect, it } from 'vitest';
import { MUTE_ANNOTATION } from '../resources/notifier.js';
import { isMuted, muteValue } from './rollout-mute.js';

const NOW = Date.parse('2025-01-01T12:00:00Z');

describe('rollout mute annotation', () => {
  it('given "true", then the Rollout is muted for good', () => {
    expect(isMuted({ [MUTE_ANNOTATION]: 'true' }, NOW)).toBe(true);
  });

  it('given a time in the future, then it is muted until then, and not after', () => {
    const annotations = { [MUTE_ANNOTATION]: '2025-01-01T14:00:00Z' };
    expect(isMuted(annotations, NOW)).toBe(true);
    expect(isMuted(annotations, Date.parse('2025-01-01T14:00:01Z'))).toBe(false);
  });

  it('given no annotation, "false" or something that is not a time, then it is not muted', () => {
    expect(isMuted(undefined, NOW)).toBe(false);
    expect(isMuted({ [MUTE_ANNOTATION]: 'false' }, NOW)).toBe(false);
    expect(isMuted({ [MUTE_ANNOTATION]: 'soon' }, NOW)).toBe(false);
  });

  it('given vane mute --for 2h, then the value is the RFC 3339 time two hours on; without --for, "true"', () => {
    expect(muteValue(NOW, 2 * 3_600_000)).toBe('2025-01-01T14:00:00Z');
    expect(muteValue(NOW)).toBe('true');
  });
});
