import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { create } from '@bufbuild/protobuf';
import * as ort from 'onnxruntime-node';
import { NodeProtoSchema } from '../gen/onnx/onnx_pb';
import { parseModel, serializeModel, type ModelProto } from '../onnx/model-proto';
import { MODELS, easelTinyUnetFeeds, maxAbsDiff } from '../pipeline/test-helpers';
import { fuseLayerNorm } from './fuse-layer-norm';

const TINY_UNET = join(MODELS, 'easel-tiny', 'unet', 'model.onnx');
const load = (): ModelProto => parseModel(readFileSync(TINY_UNET), TINY_UNET);
const ops = (model: ModelProto, opType: string) => model.graph!.node.filter((n) => n.opType === opType);

async function outSample(source: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(source, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  try {
    return (await session.run(feeds, ['out_sample'])).out_sample!.data as Float32Array;
  } finally {
    await session.release();
  }
}

describe('layer norms written out op by op, fused into LayerNormalization (issue 31)', () => {
  it('fuses all 27 of easel-tiny\'s, including the 10 onnxruntime leaves half done, and computes what the graph computed', async () => {
    const model = load();
    const nodes = model.graph!.node.length;
    const fused = fuseLayerNorm(model);
    expect(fused.fused).toBe(27);
    expect(ops(fused.model, 'LayerNormalization')).toHaveLength(27);
    for (const op of ['ReduceMean', 'Sqrt']) expect(ops(fused.model, op)).toHaveLength(0);
    expect(model.graph!.node.length).toBe(nodes); // the model it was made from is untouched

    const bytes = serializeModel(fused.model);
    for (const [batch, latent] of [[2, 16], [1, 24]] as const) {
      const feeds = easelTinyUnetFeeds(batch, latent, 5);
      const [a, b] = await Promise.all([outSample(readFileSync(TINY_UNET), feeds), outSample(bytes, feeds)]);
      expect(maxAbsDiff(a, b)).toBeLessThan(1e-4);
      expect(maxAbsDiff(a, new Float32Array(a.length))).toBeGreaterThan(0.01); // not a zero output
    }
  });

  it('leaves a norm alone where the arithmetic is not exactly a layer norm over the last axis', () => {
    const meanOf = (model: ModelProto, block: string) => model.graph!.node.find((n) => n.name === `/${block}/ReduceMean`)!;

    const otherAxis = load();
    meanOf(otherAxis, 'down.0.1/norm2').attribute.find((a) => a.name === 'axes')!.ints = [1n];
    expect(fuseLayerNorm(otherAxis).fused).toBe(26);

    // γ computed, not a constant the kernel can take as its scale
    const computedScale = load();
    const scale = computedScale.graph!.node.find((n) => n.name === '/up.7.1/norm3/Mul')!;
    const gamma = scale.input[1]!;
    computedScale.graph!.node.unshift(create(NodeProtoSchema, { opType: 'Identity', input: [gamma], output: [`${gamma}/copy`] }));
    scale.input[1] = `${gamma}/copy`;
    expect(fuseLayerNorm(computedScale).fused).toBe(26);

    const squareRootOnly = load();
    const pow = squareRootOnly.graph!.node.find((n) => n.name === '/mid_attn/norm2/Pow')!;
    const exponent = squareRootOnly.graph!.node.find((n) => n.output[0] === pow.input[1])!;
    exponent.attribute[0]!.t!.rawData = new Uint8Array(new Float32Array([3]).buffer);
    expect(fuseLayerNorm(squareRootOnly).fused).toBe(26);
  });
});
