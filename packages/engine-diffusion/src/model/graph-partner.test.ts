import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DiffusionEngine } from '../engine';
import { MODELS, easelTinyUnetFeeds, maxAbsDiff } from '../pipeline/test-helpers';
import { createGraph } from './session';

const TINY = join(MODELS, 'easel-tiny');
const UNET = join(TINY, 'unet', 'model.onnx');

(existsSync(UNET) ? describe : describe.skip)('a UNet split over two sessions (splitRows)', () => {
  it('gives the batched graph\'s output for each row, batch 2 split and batch 1 whole', async () => {
    const whole = await createGraph('unet', UNET, 0, { intraOpNumThreads: 2 });
    const split = await createGraph('unet', UNET, 0, { intraOpNumThreads: 2, splitRows: true });
    try {
      expect(split.partner).toBeDefined();
      expect(whole.partner).toBeUndefined();
      const width = whole.input('encoder_hidden_states').shape[2];
      expect(width).toBe(128); // the feeds above are laid out for easel-tiny
      for (const batch of [2, 1]) {
        const feeds = easelTinyUnetFeeds(batch, 16, batch);
        const a = (await whole.run(feeds, ['out_sample'])).out_sample;
        const b = (await split.run(feeds, ['out_sample'])).out_sample;
        expect(b.dims).toEqual(a.dims);
        const x = a.data as Float32Array;
        expect(maxAbsDiff(x, b.data as Float32Array)).toBeLessThan(1e-4);
        // the rows differ, so a swapped join would have failed the comparison above
        if (batch === 2) expect(x.subarray(0, x.length / 2)).not.toEqual(x.subarray(x.length / 2));
      }
    } finally {
      await Promise.all([whole.release(), split.release()]);
    }
  });

  it('draws the same image through the engine, within 1/255', async () => {
    const request = { prompt: 'a red circle on a blue background', steps: 6, seed: 5, returnPixels: true };
    const images = [];
    for (const splitUnetRows of [false, true]) {
      const engine = new DiffusionEngine({ intraOpNumThreads: 2, splitUnetRows });
      try {
        images.push((await engine.generate(TINY, request)).pixels!);
      } finally {
        await engine.dispose();
      }
    }
    expect(maxAbsDiff(images[0], images[1])).toBeLessThanOrEqual(1 / 255); // pixels are floats in [0, 1]
  });
});
