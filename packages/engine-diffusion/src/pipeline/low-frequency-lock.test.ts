import { lockLowFrequencies } from './low-frequency-lock';

describe('lockLowFrequencies (ILVR)', () => {
  it("gives each coarse cell the reference's mean and keeps the finer detail of the latents", () => {
    // one 4×4 plane, a 2×2 coarse grid: each coarse cell is a 2×2 block
    const latents = Float32Array.from({ length: 16 }, (_, i) => Math.sin(i));
    const reference = Float32Array.from({ length: 16 }, (_, i) => (i % 4 < 2 ? 1 : -1) + 0.1 * i);
    const before = latents.slice();
    lockLowFrequencies(latents, reference, 1, 4, 4, 2, 2);
    const block = (a: Float32Array, by: number, bx: number) =>
      [0, 1, 4, 5].map((k) => a[by * 8 + bx * 2 + k]);
    const mean = (v: number[]) => v.reduce((s, x) => s + x, 0) / v.length;
    for (const [by, bx] of [
      [0, 0],
      [0, 1],
      [1, 0],
      [1, 1],
    ]) {
      expect(mean(block(latents, by, bx))).toBeCloseTo(mean(block(reference, by, bx)), 5);
      // the detail inside the block (each cell minus the block mean) is the latents' own
      const own = block(before, by, bx).map((v, _, a) => v - mean(a));
      block(latents, by, bx).forEach((v, k, a) => expect(v - mean(a)).toBeCloseTo(own[k], 5));
    }
  });
});
