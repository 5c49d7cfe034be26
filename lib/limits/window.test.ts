import { describe, expect, it } from 'vitest';
import { pruneWindow, secondsUntilSlotFrees } from './window';

describe('sliding minute window', () => {
  it('keeps only the times of the last 60 s', () => {
    const times = [1_000, 20_000, 59_000, 70_000];
    expect(pruneWindow(times, 80_000)).toBe(2);
    expect(times).toEqual([59_000, 70_000]);
  });

  it('says when the oldest slot frees, in whole seconds', () => {
    expect(secondsUntilSlotFrees([10_000, 30_000], 40_500)).toBe(30);
    expect(secondsUntilSlotFrees([10_000], 69_999)).toBe(1);
  });
});
