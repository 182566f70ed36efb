import { backgroundSpread } from './background-spread';
import type { RgbImage } from './image';
import { PALETTE } from './palette';

/** A 64×64 blue image with a red disc; `specks` scatters single cyan pixels over the background. */
function disc(specks: number): RgbImage {
  const size = 64;
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++)
      data.set((x - 32) ** 2 + (y - 32) ** 2 < 100 ? PALETTE.red : PALETTE.blue, (y * size + x) * 3);
  for (let k = 0; k < specks; k++) {
    const x = (k * 37) % size;
    const y = (k * 11 + 3) % 12; // the top rows: away from the disc
    data.set([0, 255, 255], (y * size + x) * 3);
  }
  return { width: size, height: size, data };
}

describe('backgroundSpread', () => {
  it('is 0 for a clean background around an object, whatever the object', () => {
    expect(backgroundSpread(disc(0))).toBe(0);
  });

  it('grows with the specks of other colours on the background (the object is not counted)', () => {
    const few = backgroundSpread(disc(10));
    const many = backgroundSpread(disc(40));
    expect(few).toBeGreaterThan(5);
    expect(many).toBeGreaterThan(1.5 * few);
  });
});
