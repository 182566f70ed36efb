import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseModel } from '../onnx/model-proto';
import { MODELS, maxAbsDiff } from '../pipeline/test-helpers';
import { specialiseShapes } from './static-shapes';

const UNET = join(MODELS, 'easel-tiny', 'unet', 'model.onnx');

function unetFeeds(latent: number): Record<string, ort.Tensor> {
  let s = 1;
  const random = (n: number) => Float32Array.from({ length: n }, () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5);
  const feeds: Record<string, ort.Tensor> = {
    sample: new ort.Tensor('float32', random(2 * 4 * latent * latent), [2, 4, latent, latent]),
    timestep: new ort.Tensor('int64', new BigInt64Array([500n]), [1]),
    encoder_hidden_states: new ort.Tensor('float32', random(2 * 77 * 128), [2, 77, 128]),
  };
  [64, 64, 64, 96, 96, 128].forEach((c, i) => (feeds[`down_block_additional_residual_${i}`] = new ort.Tensor('float32', new Float32Array(c), [1, c, 1, 1])));
  feeds['mid_block_additional_residual'] = new ort.Tensor('float32', new Float32Array(128), [1, 128, 1, 1]);
  return feeds;
}

describe('a UNet specialised to its feed shapes (bench/pipeline/flops.mjs, issue 31)', () => {
  it('folds every Shape node, fixes the input sizes and computes what the dynamic graph computes', async () => {
    const model = parseModel(readFileSync(UNET), UNET);
    const nodes = model.graph!.node.length;
    const feeds = unetFeeds(8);
    const folded = parseModel(await specialiseShapes(model, feeds), 'specialised');
    expect(model.graph!.node.some((n) => n.opType === 'Shape')).toBe(true);
    expect(folded.graph!.node.filter((n) => n.opType === 'Shape')).toHaveLength(0);
    const sample = folded.graph!.input.find((i) => i.name === 'sample')!.type!.value;
    expect(sample.case === 'tensorType' && sample.value.shape!.dim.map((d) => d.value.value)).toEqual([2n, 4n, 8n, 8n]);
    const [a, b] = await Promise.all([ort.InferenceSession.create(UNET), ort.InferenceSession.create(await specialiseShapes(model, feeds))]);
    const [x, y] = [await a.run(feeds, ['out_sample']), await b.run(feeds, ['out_sample'])];
    await Promise.all([a.release(), b.release()]);
    expect(maxAbsDiff(x['out_sample']!.data as Float32Array, y['out_sample']!.data as Float32Array)).toBeLessThan(1e-4);
    expect(model.graph!.node.length).toBe(nodes); // the model it was made from is untouched
  });
});
