import { closedAtBounds } from './closed-at-bounds';

describe('closedAtBounds', () => {
  it("puts the grid's outer faces outside, so a shape that reaches the edge is capped there, and leaves the inside alone", () => {
    const whole = closedAtBounds(new Float32Array(27).fill(-1), 2, 0, 2);
    expect(Array.from(whole).filter((v) => v < 0)).toEqual([-1]);
    expect(whole[13]).toBe(-1); // the one interior point of a 3x3x3 grid
    expect(whole.filter((v) => v > 0).length).toBe(26);
  });

  it('knows which slab of the grid it is given (marching cubes asks slice by slice)', () => {
    const middle = closedAtBounds(new Float32Array(9).fill(-1), 2, 1, 1);
    expect(Array.from(middle).map((v) => (v < 0 ? '-' : '+')).join('')).toBe('++++-++++');
    const outsideAlready = closedAtBounds(new Float32Array(9).fill(0.5), 2, 0, 0);
    expect(Array.from(outsideAlready).every((v) => v === 0.5)).toBe(true);
  });
});
