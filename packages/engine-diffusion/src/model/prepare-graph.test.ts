import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DiffusionEngine } from '../engine';
import { MODELS, maxAbsDiff } from '../pipeline/test-helpers';
import { SCHEDULER_NAMES } from '../schedulers';
import sharp from 'sharp';
import { loadControlNet } from '../controlnet/controlnet-model';
import { loadDiffusionModel } from './load-model';
import { prepareGraph } from './prepare-graph';

const TINY = join(MODELS, 'easel-tiny');
const TINY_CANNY = join(MODELS, 'easel-tiny-controlnet', 'canny');

/** A 128² canny-style hint: a white square outline on black. */
function squareHint(): Promise<Buffer> {
  const size = 128;
  const g = Buffer.alloc(size * size);
  for (let y = 32; y < 96; y++) for (let x = 32; x < 96; x++) if (y === 32 || y === 95 || x === 32 || x === 95) g[y * size + x] = 255;
  return sharp(g, { raw: { width: size, height: size, channels: 1 } }).png().toBuffer();
}

(existsSync(TINY) ? describe : describe.skip)('the UNet prepared at load (attention and layer norms fused, issue 31)', () => {
  it('draws every scheduler\'s image within 1/255 of the graph as exported, and self-attention guidance too', async () => {
    const fused = new DiffusionEngine({ intraOpNumThreads: 2 });
    const exported = new DiffusionEngine({ intraOpNumThreads: 2, fuseAttention: false });
    try {
      const requests = [
        ...SCHEDULER_NAMES.map((scheduler) => ({ scheduler })),
        { scheduler: 'DPMSolverMultistepScheduler', selfAttention: true },
        { scheduler: 'DPMSolverMultistepScheduler', controlNets: [{ path: TINY_CANNY, name: 'canny', image: await squareHint() }] },
      ];
      for (const extra of requests) {
        const request = { prompt: 'a red circle on a blue background', steps: 6, seed: 11, returnPixels: true, ...extra };
        const [a, b] = [await fused.generate(TINY, request), await exported.generate(TINY, request)];
        const diff = maxAbsDiff(a.pixels!, b.pixels!);
        const label = { scheduler: extra.scheduler, with: Object.keys(extra).filter((k) => k !== 'scheduler') };
        expect({ ...label, diff: diff <= 1 / 255 ? 'within 1/255' : diff }).toEqual({ ...label, diff: 'within 1/255' });
      }
    } finally {
      await Promise.all([fused.dispose(), exported.dispose()]);
    }
  });

  it('is what loading does by default, and fuseAttention: false leaves the graph as exported', async () => {
    for (const [fuseAttention, fusedBlocks, fusedNorms] of [[undefined, 16, 27], [false, 0, 0]] as const) {
      const model = await loadDiffusionModel(TINY, { intraOpNumThreads: 1, splitUnetRows: false, fuseAttention });
      try {
        expect(model.unetPreparation).toEqual({ fusedAttention: fusedBlocks, fusedLayerNorm: fusedNorms, error: undefined });
      } finally {
        await model.release();
      }
    }
  });

  it('fuses a ControlNet\'s attention and layer norms before its hint path is split off', async () => {
    for (const [fuseAttention, fusedBlocks, fusedNorms] of [[undefined, 7, 11], [false, 0, 0]] as const) {
      const controlnet = await loadControlNet(TINY_CANNY, { intraOpNumThreads: 1, fuseAttention });
      try {
        expect(controlnet.preparation).toEqual({ fusedAttention: fusedBlocks, fusedLayerNorm: fusedNorms, error: undefined });
        expect(controlnet.hint).toBeDefined();
      } finally {
        await controlnet.release();
      }
    }
  });

  it('keeps the graph as given, with the reason, when it cannot be prepared', async () => {
    const garbage = new Uint8Array([1, 2, 3, 4, 5]);
    const prepared = await prepareGraph('/nowhere/unet/model.onnx', garbage);
    expect(prepared.source).toBe(garbage);
    expect(prepared.report).toMatchObject({ fusedAttention: 0, fusedLayerNorm: 0 });
    expect(prepared.report.error).toMatch(/parse/i);
  });
});
