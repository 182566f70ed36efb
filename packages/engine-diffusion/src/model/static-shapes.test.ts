import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseModel } from '../onnx/model-proto';
import { MODELS, easelTinyUnetFeeds, maxAbsDiff } from '../pipeline/test-helpers';
import { specialiseShapes } from './static-shapes';

const UNET = join(MODELS, 'easel-tiny', 'unet', 'model.onnx');

describe('a UNet specialised to its feed shapes (bench/pipeline/flops.mjs, issue 31)', () => {
  it('folds every Shape node, fixes the input sizes and computes what the dynamic graph computes', async () => {
    const model = parseModel(readFileSync(UNET), UNET);
    const nodes = model.graph!.node.length;
    const feeds = easelTinyUnetFeeds(2, 8);
    const specialised = await specialiseShapes(model, feeds);
    const folded = parseModel(specialised, 'specialised');
    expect(model.graph!.node.some((n) => n.opType === 'Shape')).toBe(true);
    expect(folded.graph!.node.filter((n) => n.opType === 'Shape')).toHaveLength(0);
    const sample = folded.graph!.input.find((i) => i.name === 'sample')!.type!.value;
    expect(sample.case === 'tensorType' && sample.value.shape!.dim.map((d) => d.value.value)).toEqual([2n, 4n, 8n, 8n]);
    const [a, b] = await Promise.all([ort.InferenceSession.create(UNET), ort.InferenceSession.create(specialised)]);
    const [x, y] = [await a.run(feeds, ['out_sample']), await b.run(feeds, ['out_sample'])];
    await Promise.all([a.release(), b.release()]);
    expect(maxAbsDiff(x['out_sample']!.data as Float32Array, y['out_sample']!.data as Float32Array)).toBeLessThan(1e-4);
    expect(model.graph!.node.length).toBe(nodes); // the model it was made from is untouched
  });
});
