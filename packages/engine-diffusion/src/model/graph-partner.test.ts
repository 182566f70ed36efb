import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { DiffusionEngine } from '../engine';
import { MODELS } from '../pipeline/test-helpers';
import { createGraph, type Graph } from './session';

const TINY = join(MODELS, 'easel-tiny');
const UNET = join(TINY, 'unet', 'model.onnx');

function unetFeeds(graph: Graph, batch: number, seed: number): Record<string, ort.Tensor> {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
  // ControlNet residual inputs get zeros of shape [1, C, 1, 1], as the pipeline feeds them without a ControlNet
  const residuals = [...graph.inputs.values()]
    .filter((m) => m.name.includes('_additional_residual'))
    .map((m) => [m.name, new ort.Tensor('float32', new Float32Array(m.shape[1] as number), [1, m.shape[1] as number, 1, 1])]);
  return {
    ...Object.fromEntries(residuals),
    sample: new ort.Tensor('float32', Float32Array.from({ length: batch * 4 * 16 * 16 }, next), [batch, 4, 16, 16]),
    timestep: new ort.Tensor('int64', new BigInt64Array([500n]), [1]),
    encoder_hidden_states: new ort.Tensor('float32', Float32Array.from({ length: batch * 77 * 128 }, next), [batch, 77, 128]),
  };
}

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
        const feeds = unetFeeds(whole, batch, batch);
        const a = (await whole.run(feeds, ['out_sample'])).out_sample;
        const b = (await split.run(feeds, ['out_sample'])).out_sample;
        expect(b.dims).toEqual(a.dims);
        const x = a.data as Float32Array;
        const y = b.data as Float32Array;
        let max = 0;
        for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
        expect(max).toBeLessThan(1e-4);
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
    let max = 0;
    for (let i = 0; i < images[0].length; i++) max = Math.max(max, Math.abs(images[0][i] - images[1][i]));
    expect(max).toBeLessThanOrEqual(1);
  });
});
