import { elongation } from './elongation';
import type { Mask } from './mask';

function ellipse(a: number, b: number, angle: number): Mask {
  const size = 96;
  const data = new Uint8Array(size * size);
  const [c, s] = [Math.cos(angle), Math.sin(angle)];
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const u = (x - 48) * c + (y - 48) * s;
      const v = -(x - 48) * s + (y - 48) * c;
      if ((u / a) ** 2 + (v / b) ** 2 <= 1) data[y * size + x] = 1;
    }
  return { width: size, height: size, data };
}

describe('elongation', () => {
  it('is about 1 for a disc and the axis ratio for an ellipse, tilted or not', () => {
    expect(elongation(ellipse(20, 20, 0))).toBeCloseTo(1, 1);
    expect(elongation(ellipse(30, 15, 0))).toBeCloseTo(2, 1);
    expect(elongation(ellipse(30, 15, Math.PI / 5))).toBeCloseTo(2, 1);
  });
});
