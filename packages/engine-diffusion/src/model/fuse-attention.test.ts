import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parseModel } from '../onnx/model-proto';
import { MODELS, easelTinyUnetFeeds, maxAbsDiff } from '../pipeline/test-helpers';
import { fuseAttention } from './fuse-attention';
import { probeFeeds } from './probe-feeds';

const TINY_UNET = join(MODELS, 'easel-tiny', 'unet', 'model.onnx');

async function outputs(source: string | Uint8Array, feeds: Record<string, ort.Tensor>, names: string[]): Promise<Record<string, Float32Array>> {
  const session = await ort.InferenceSession.create(source as Uint8Array, { executionProviders: ['cpu'], intraOpNumThreads: 1 });
  try {
    const got = await session.run(feeds, names);
    return Object.fromEntries(names.map((n) => [n, got[n]!.data as Float32Array]));
  } finally {
    await session.release();
  }
}

const opTypes = (bytes: Uint8Array) => parseModel(bytes, 'fused').graph!.node.map((n) => n.opType);

describe('attention fused into MultiHeadAttention (issue 31)', () => {
  it('fuses easel-tiny\'s 16 attention blocks, leaves the one whose probabilities are an output, and computes what the graph computed', async () => {
    const model = parseModel(readFileSync(TINY_UNET), TINY_UNET);
    const nodes = model.graph!.node.length;
    const fused = await fuseAttention(model, probeFeeds(model));
    expect(fused.fused).toBe(16);
    expect(fused.leftAlone).toBe(1); // the mid block's self-attention: self-attention guidance reads its probabilities
    const ops = opTypes(fused.bytes);
    expect(ops.filter((o) => o === 'MultiHeadAttention')).toHaveLength(16);
    expect(ops.filter((o) => o === 'Softmax')).toHaveLength(1);
    expect(ops.length).toBeLessThan(nodes - 16 * 8);
    expect(model.graph!.node.length).toBe(nodes); // the model it was made from is untouched

    for (const [batch, latent] of [[2, 16], [1, 24]] as const) {
      const feeds = easelTinyUnetFeeds(batch, latent, 3);
      const [a, b] = await Promise.all([outputs(TINY_UNET, feeds, ['out_sample', 'mid_attention_probs']), outputs(fused.bytes, feeds, ['out_sample', 'mid_attention_probs'])]);
      expect(maxAbsDiff(a.out_sample!, b.out_sample!)).toBeLessThan(1e-4);
      expect(maxAbsDiff(a.mid_attention_probs!, b.mid_attention_probs!)).toBeLessThan(1e-5);
      expect(maxAbsDiff(a.out_sample!, new Float32Array(a.out_sample!.length))).toBeGreaterThan(0.01); // not a zero output
    }
  });

  it.each(['sd15-random', 'sd2-random', 'sdxl-random'])('fuses %s\'s one-head attention (scores divided by a constant) with the same output', async (name) => {
    const path = join(MODELS, name, 'unet', 'model.onnx');
    const model = parseModel(readFileSync(path), path);
    const feeds = probeFeeds(model);
    const fused = await fuseAttention(model, feeds);
    expect(fused.fused).toBe(1);
    expect(opTypes(fused.bytes)).not.toContain('Softmax');
    const probe = await ort.InferenceSession.create(path);
    const out = probe.outputNames[0]!;
    await probe.release();
    const [a, b] = await Promise.all([outputs(path, feeds, [out]), outputs(fused.bytes, feeds, [out])]);
    expect(maxAbsDiff(a[out]!, b[out]!)).toBeLessThan(1e-4);
  });

  it('leaves attention over a batch other axes were folded into alone: a motion module\'s, across frames at every pixel', async () => {
    const path = join(MODELS, 'easel-tiny-motion', 'unet', 'model.onnx');
    const model = parseModel(readFileSync(path), path);
    const feeds = probeFeeds(model);
    expect(feeds.sample!.dims).toEqual([1, 4, 2, 16, 16]); // 2 frames: the named "frames" dimension agrees with frame_times
    expect(feeds.frame_times!.dims).toEqual([2]);
    const fused = await fuseAttention(model, feeds);
    expect(fused.fused).toBe(17);
    expect(fused.leftAlone).toBe(20);
    const [a, b] = await Promise.all([outputs(path, feeds, ['out_sample']), outputs(fused.bytes, feeds, ['out_sample'])]);
    expect(maxAbsDiff(a.out_sample!, b.out_sample!)).toBeLessThan(1e-4);
  });

  it.each(['matmul-scale', 'baddbmm', 'sdpa'])('fuses attention as %s exports write it (reference/attention/make_graphs.py), self and cross', async (name) => {
    const path = join(__dirname, '..', '..', 'reference', 'attention', `${name}.onnx`);
    const model = parseModel(readFileSync(path), path);
    const fused = await fuseAttention(model, probeFeeds(model));
    expect(fused).toMatchObject({ fused: 2, leftAlone: 0 });
    expect(opTypes(fused.bytes)).not.toContain('Softmax');
    let s = 7;
    const random = (n: number) => Float32Array.from({ length: n }, () => (s = (s * 16807) % 2147483647) / 2147483647 - 0.5);
    const feeds = {
      hidden_states: new ort.Tensor('float32', random(2 * 24 * 64), [2, 24, 64]),
      encoder_hidden_states: new ort.Tensor('float32', random(2 * 9 * 48), [2, 9, 48]),
    };
    const [a, b] = await Promise.all([outputs(path, feeds, ['out']), outputs(fused.bytes, feeds, ['out'])]);
    expect(maxAbsDiff(a.out!, b.out!)).toBeLessThan(1e-5);
  });
});
