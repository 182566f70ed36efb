import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DiffusionEngine } from '../engine';
import { MODELS, readNpyFloat32 } from './test-helpers';

/**
 * Pixel parity with the PyTorch reference sampler (models/training/reference_sampler.py) on
 * easel-tiny: same initial noise, prompt, steps and guidance; fixtures made by
 * reference/parity/make_fixtures.py. The reference uses "leading" spacing (SD 1.5's own), so the
 * TS run asks for it explicitly (diffusers' Euler/DPM++ default to "linspace" for this config). Tolerance on the 0–255 scale: max |diff| ≤ 2, mean ≤ 0.5.
 */
const FIXTURES = join(__dirname, '..', '..', 'reference', 'parity');
const MODEL = join(MODELS, 'easel-tiny');
const meta = JSON.parse(readFileSync(join(FIXTURES, 'fixtures.json'), 'utf8')) as {
  prompt: string; negative_prompt: string; steps: number; guidance: number; height: number; width: number;
  schedulers: Record<string, string>; onnx_sha256: Record<string, string>;
};
const haveModel = existsSync(join(MODEL, 'unet', 'model.onnx'));

(haveModel ? describe : describe.skip)('parity with the PyTorch reference on easel-tiny', () => {
  const engine = new DiffusionEngine();
  afterAll(() => engine.dispose());
  const noise = readNpyFloat32(readFileSync(join(FIXTURES, 'noise.npy'))).data;

  it('the fixtures belong to the committed easel-tiny graphs (else re-run make_fixtures.py)', () => {
    for (const [graph, sha] of Object.entries(meta.onnx_sha256)) {
      expect(`${graph} ${createHash('sha256').update(readFileSync(join(MODEL, graph, 'model.onnx'))).digest('hex')}`).toBe(`${graph} ${sha}`);
    }
  });

  it.each(Object.entries(meta.schedulers))('%s (%s): decoded pixels match within 2/255 max, 0.5/255 mean', async (file, scheduler) => {
    const ref = readNpyFloat32(readFileSync(join(FIXTURES, `${file}.npy`))).data;
    const r = await engine.generate(MODEL, {
      prompt: meta.prompt, negativePrompt: meta.negative_prompt, steps: meta.steps, guidanceScale: meta.guidance,
      width: meta.width, height: meta.height, scheduler, timestepSpacing: 'leading', initialNoise: noise, returnPixels: true, seed: 0,
    });
    const px = r.pixels!;
    expect(px.length).toBe(ref.length);
    let max = 0;
    let sum = 0;
    for (let i = 0; i < px.length; i++) {
      const refPx = Math.min(1, Math.max(0, ref[i] / 2 + 0.5));
      const d = Math.abs(px[i] - refPx) * 255;
      sum += d;
      if (d > max) max = d;
    }
    const mean = sum / px.length;
    console.log(`parity ${file}: max |diff| ${max.toFixed(4)}/255, mean ${mean.toFixed(5)}/255`);
    expect(max).toBeLessThanOrEqual(2);
    expect(mean).toBeLessThanOrEqual(0.5);
  });
});
