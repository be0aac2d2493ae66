import { describe, expect, it } from 'vitest';
import { visibleRange } from './visible-range.js';

describe('the windowed list', () => {
  it('renders the rows in view plus the overscan on each side', () => {
    expect(visibleRange(0, 440, 44, 5000, 8)).toEqual({ start: 0, end: 19 });
    expect(visibleRange(44 * 1000, 440, 44, 5000, 8)).toEqual({ start: 992, end: 1019 });
  });

  it('stays inside the list at its end and renders nothing for an empty list', () => {
    expect(visibleRange(44 * 5000, 440, 44, 5000, 8)).toEqual({ start: 4991, end: 5000 });
    expect(visibleRange(0, 440, 44, 0, 8)).toEqual({ start: 0, end: 0 });
  });
});
