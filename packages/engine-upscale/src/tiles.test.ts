import { blendWeights, tileStarts } from './tiles';

describe('tileStarts', () => {
  it('covers the length with tiles overlapping by at least the overlap', () => {
    for (const length of [10, 48, 49, 100, 513]) {
      const starts = tileStarts(length, 48, 16);
      expect(starts[0]).toBe(0);
      expect(Math.min(length, starts[starts.length - 1] + 48)).toBe(length);
      for (let i = 1; i < starts.length; i++) expect(starts[i - 1] + 48 - starts[i]).toBeGreaterThanOrEqual(16);
    }
  });
});

describe('blendWeights', () => {
  it('two neighbours overlapping by exactly the overlap have weights summing to one', () => {
    const left = blendWeights(96, 32, false, true);
    const right = blendWeights(96, 32, true, false);
    // right starts 64 output px after left
    for (let x = 64; x < 96; x++) expect(left[x] + right[x - 64]).toBeCloseTo(1, 5);
    expect(left[0]).toBe(1);
    expect(left[95]).toBe(0);
  });
});
