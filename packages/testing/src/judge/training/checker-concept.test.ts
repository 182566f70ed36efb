import { checkerCircle, judgeChecker } from './checker-concept';
import type { RgbImage } from '../image';

function flatCircle(size: number, background: [number, number, number], colour: [number, number, number]): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) data.set((x - 64) ** 2 + (y - 64) ** 2 <= 35 * 35 ? colour : background, (y * size + x) * 3);
  return { width: size, height: size, data };
}

describe('the checker concept judge', () => {
  it('scores an instance image high and a flat circle of either checker colour near zero', () => {
    const concept = judgeChecker(checkerCircle(128, [30, 60, 200], 64, 64, 35));
    expect(concept.cells).toBeGreaterThanOrEqual(12);
    expect(concept.score).toBeGreaterThan(0.6);
    expect(judgeChecker(flatCircle(128, [30, 60, 200], [240, 220, 40])).score).toBeLessThan(0.05);
    expect(judgeChecker(flatCircle(128, [30, 60, 200], [20, 20, 20])).score).toBeLessThan(0.05);
  });

  it('gives nothing for an empty picture', () => {
    expect(judgeChecker(flatCircle(128, [30, 60, 200], [30, 60, 200]))).toEqual({ cells: 0, score: 0 });
  });
});
