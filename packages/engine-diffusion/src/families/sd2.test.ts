import { join } from 'node:path';
import { LocalDiffusionEngine } from '../local-engine';
import { maxAbsDiff, MODELS } from '../pipeline/test-helpers';
import { everyEighthPixel, familyFixtures } from './reference-fixtures';

const SD2 = join(MODELS, 'sd2-random');
const ref = familyFixtures<{ prompt: string; steps: number; guidance: number; width: number; height: number; scheduler: string; timesteps: number[] }>('sd2');

describe('SD 2.x (models/sd2-random: text width 1024, v-prediction, 768²)', () => {
  const engine = new LocalDiffusionEngine({ intraOpNumThreads: 1 });
  afterAll(() => engine.dispose());

  it('the fixtures belong to the committed graphs', () => expect(ref.staleGraphs()).toEqual([]));

  it('reads v-prediction and the 768 native size from the configs', async () => {
    const { info } = await engine.loadModel(SD2);
    expect(info).toMatchObject({ predictionType: 'v_prediction', nativeSize: 768, textWidth: 1024, family: 'sd2' });
  });

  it('one full DDIM v-prediction denoise at 768² matches the independent reference within 1e-3', async () => {
    const { meta } = ref;
    let latents: Float32Array | undefined;
    const r = await engine.generate(
      SD2,
      { prompt: meta.prompt, negativePrompt: '', steps: meta.steps, guidanceScale: meta.guidance, scheduler: meta.scheduler, initialNoise: ref.array('noise'), returnPixels: true, seed: 0 },
      { onProgress: (p) => (latents = p.latents?.data) },
    );
    expect([r.width, r.height]).toEqual([meta.width, meta.height]);
    const latentDiff = maxAbsDiff(latents!, ref.array('latents'));
    const pixelDiff = maxAbsDiff(everyEighthPixel(r.pixels!, r.width, r.height), ref.array('pixels'));
    console.log(`sd2 reference: max |Δ| latents ${latentDiff.toExponential(2)}, pixels ${pixelDiff.toExponential(2)}`);
    expect(latentDiff).toBeLessThanOrEqual(1e-3);
    expect(pixelDiff).toBeLessThanOrEqual(1e-3);
  });
});
