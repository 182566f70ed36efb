import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DiffusionEngine } from '../engine';
import { MODELS } from './test-helpers';

/** The bundled model through the TS pipeline draws what the prompt asks (not only "a PNG came back"). */
const MODEL = join(MODELS, 'easel-tiny');

(existsSync(join(MODEL, 'unet', 'model.onnx')) ? describe : describe.skip)('easel-tiny through the pipeline', () => {
  const engine = new DiffusionEngine();
  afterAll(() => engine.dispose());

  it('"a red circle on a blue background": red centre, blue corners', async () => {
    const r = await engine.generate(MODEL, { prompt: 'a red circle on a blue background', seed: 3, steps: 12, scheduler: 'dpm++ 2m', returnPixels: true });
    expect([r.width, r.height]).toEqual([128, 128]);
    const px = r.pixels!;
    const plane = 128 * 128;
    const mean = (x0: number, y0: number, size: number): number[] =>
      [0, 1, 2].map((c) => {
        let s = 0;
        for (let y = y0; y < y0 + size; y++) for (let x = x0; x < x0 + size; x++) s += px[c * plane + y * 128 + x];
        return s / (size * size);
      });
    const centre = mean(56, 56, 16);
    const corner = mean(0, 0, 12);
    expect(centre[0]).toBeGreaterThan(centre[2] + 0.3);
    expect(corner[2]).toBeGreaterThan(corner[0] + 0.3);
  });
});
