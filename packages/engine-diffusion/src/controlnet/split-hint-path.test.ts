import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseModel, serializeModel } from '../onnx/model-proto';
import { MODELS } from '../pipeline/test-helpers';
import { splitHintPath } from './split-hint-path';

const filled = (dims: number[], f: (i: number) => number) => new ort.Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => f(i)), dims);

/** The whole export and its two parts (hint embedding, then the rest) give the same residuals. */
describe.each([
  ['sd15-random-controlnet', join(MODELS, 'sd15-random-controlnet', 'model.onnx'), 768],
  ['easel-tiny canny', join(MODELS, 'easel-tiny-controlnet', 'canny', 'model.onnx'), 128],
])('splitHintPath on %s', (_name, file, width) => {
  it('cuts after the hint embedding; hint part then rest = the whole graph', async () => {
    const bytes = readFileSync(file);
    const split = splitHintPath(parseModel(bytes, file))!;
    expect(split).not.toBeNull();
    expect(split.embedding.length).toBeGreaterThanOrEqual(1);
    const whole = await ort.InferenceSession.create(bytes);
    const hint = await ort.InferenceSession.create(serializeModel(split.hint));
    const main = await ort.InferenceSession.create(serializeModel(split.main));
    const feeds = {
      sample: filled([2, 4, 16, 16], (i) => Math.sin(i)),
      timestep: new ort.Tensor('int64', BigInt64Array.from([400n]), [1]),
      encoder_hidden_states: filled([2, 77, width], (i) => Math.cos(i) * 0.5),
      conditioning_scale: new ort.Tensor('float32', Float32Array.from([1]), [1]),
    };
    const cond = filled([2, 3, 128, 128], (i) => (i % 7) / 7);
    const expected = await whole.run({ ...feeds, controlnet_cond: cond });
    const embedding = await hint.run({ controlnet_cond: cond });
    const got = await main.run({ ...feeds, ...Object.fromEntries(split.embedding.map((n) => [n, embedding[n]!])) });
    expect(main.inputNames).not.toContain('controlnet_cond');
    for (const name of whole.outputNames) {
      const a = expected[name]!.data as Float32Array;
      const b = got[name]!.data as Float32Array;
      let diff = 0;
      for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
      expect(diff).toBeLessThan(1e-5);
    }
    await Promise.all([whole.release(), hint.release(), main.release()]);
  });
});
