import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DiffusionEngine } from '../engine';
import { MODELS, maxAbsDiff } from '../pipeline/test-helpers';
import { SCHEDULER_NAMES } from '../schedulers';
import { loadDiffusionModel } from './load-model';
import { prepareUnet } from './prepare-unet';

const TINY = join(MODELS, 'easel-tiny');

(existsSync(TINY) ? describe : describe.skip)('the UNet prepared at load (attention fused, issue 31)', () => {
  it('draws every scheduler\'s image within 1/255 of the graph as exported, and self-attention guidance too', async () => {
    const fused = new DiffusionEngine({ intraOpNumThreads: 2 });
    const exported = new DiffusionEngine({ intraOpNumThreads: 2, fuseAttention: false });
    try {
      const requests = [
        ...SCHEDULER_NAMES.map((scheduler) => ({ scheduler })),
        { scheduler: 'DPMSolverMultistepScheduler', selfAttention: true },
      ];
      for (const extra of requests) {
        const request = { prompt: 'a red circle on a blue background', steps: 6, seed: 11, returnPixels: true, ...extra };
        const [a, b] = [await fused.generate(TINY, request), await exported.generate(TINY, request)];
        const diff = maxAbsDiff(a.pixels!, b.pixels!);
        expect({ ...extra, diff: diff <= 1 / 255 ? 'within 1/255' : diff }).toEqual({ ...extra, diff: 'within 1/255' });
      }
    } finally {
      await Promise.all([fused.dispose(), exported.dispose()]);
    }
  });

  it('is what loading does by default, and fuseAttention: false leaves the graph as exported', async () => {
    for (const [fuseAttention, fusedBlocks] of [[undefined, 16], [false, 0]] as const) {
      const model = await loadDiffusionModel(TINY, { intraOpNumThreads: 1, splitUnetRows: false, fuseAttention });
      try {
        expect(model.unetPreparation).toEqual({ fusedAttention: fusedBlocks, error: undefined });
      } finally {
        await model.release();
      }
    }
  });

  it('keeps the graph as given, with the reason, when it cannot be prepared', async () => {
    const garbage = new Uint8Array([1, 2, 3, 4, 5]);
    const prepared = await prepareUnet('/nowhere/unet/model.onnx', garbage);
    expect(prepared.source).toBe(garbage);
    expect(prepared.fusedAttention).toBe(0);
    expect(prepared.error).toMatch(/parse/i);
  });
});
