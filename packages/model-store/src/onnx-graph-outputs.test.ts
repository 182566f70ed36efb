import { writeFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onnxGraphOutputs, cachedOnnxGraphOutputs } from './onnx-graph-outputs';

const MODELS = join(__dirname, '..', '..', '..', 'models');

describe('onnxGraphOutputs', () => {
  it('reads the UNet outputs of the bundled models without loading them', async () => {
    expect(await onnxGraphOutputs(join(MODELS, 'easel-tiny', 'unet', 'model.onnx'))).toEqual(['out_sample', 'mid_attention_probs']);
    expect(await cachedOnnxGraphOutputs(join(MODELS, 'sd15-random', 'unet', 'model.onnx'))).toEqual(['out_sample']);
    expect(await onnxGraphOutputs(join(MODELS, 'easel-tiny', 'vae_decoder', 'model.onnx'))).toEqual(['sample']);
  });

  it('fails on a file that is not an ONNX model', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'onnx-'));
    const path = join(dir, 'model.onnx');
    await writeFile(path, Buffer.from([0x08, 0x07]));
    await expect(onnxGraphOutputs(path)).rejects.toThrow(/no graph/);
    await rm(dir, { recursive: true, force: true });
  });
});
