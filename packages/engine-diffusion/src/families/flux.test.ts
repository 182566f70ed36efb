import { join } from 'node:path';
import { latentImageIds, packLatents } from '../flux/latent-packing';
import { LocalDiffusionEngine } from '../local-engine';
import { FlowMatchEulerDiscreteScheduler } from '../schedulers/flow-match-euler-discrete';
import { T5Tokenizer } from '../text/t5-tokenizer';
import { maxAbsDiff, MODELS } from '../pipeline/test-helpers';
import { everyEighthPixel, familyFixtures, reportDiff } from './reference-fixtures';

const FLUX = join(MODELS, 'flux-random');
interface Meta { prompt: string; steps: number; guidance: number; width: number; height: number; mu: number; sigmas: number[]; t5_ids: number[]; img_ids_tail: number[][] }
const ref = familyFixtures<Meta>('flux');
const { meta } = ref;
const h = meta.height / 8;
const w = meta.width / 8;

const report = (what: string, diff: number) => reportDiff('flux', what, diff);

describe('FLUX.1 (models/flux-random: CLIP pooled + T5, packed latents, flow matching)', () => {
  const engine = new LocalDiffusionEngine({ intraOpNumThreads: 1 });
  afterAll(() => engine.dispose());

  it('the fixtures belong to the committed graphs', () => expect(ref.staleGraphs()).toEqual([]));

  it('T5 ids come from the model\'s tokenizer.json (tokenizers.js), "</s>" appended, padded to 512', async () => {
    const t5 = await T5Tokenizer.fromDirectory(join(FLUX, 'tokenizer_2'));
    const ids = t5.tokenize(meta.prompt, 512);
    expect(ids.length).toBe(512);
    expect([...ids.subarray(0, meta.t5_ids.length)]).toEqual(meta.t5_ids);
  });

  it('conditioning: dynamic-shift sigmas, packed latents and image position ids match the reference', () => {
    const scheduler = new FlowMatchEulerDiscreteScheduler({ use_dynamic_shifting: true, base_shift: 0.5, max_shift: 1.15, base_image_seq_len: 256, max_image_seq_len: 4096 }, (h / 2) * (w / 2));
    scheduler.setTimesteps(meta.steps);
    expect(report('sigmas', maxAbsDiff(scheduler.sigmas, meta.sigmas))).toBeLessThanOrEqual(1e-6);
    expect(report('packed latents', maxAbsDiff(packLatents(ref.array('noise'), 16, h, w), ref.array('packed_noise')))).toBe(0);
    expect([...latentImageIds(h, w).subarray(-6)]).toEqual(meta.img_ids_tail.flat());
  });

  it('one full text-to-image denoise matches the independent reference within 1e-3', async () => {
    let latents: Float32Array | undefined;
    const r = await engine.generate(FLUX, { prompt: meta.prompt, steps: meta.steps, guidanceScale: meta.guidance, width: meta.width, height: meta.height, initialNoise: ref.array('noise'), returnPixels: true, seed: 0 }, { onProgress: (p) => (latents = p.latents?.data) });
    expect(r.scheduler).toBe('FlowMatchEulerDiscreteScheduler');
    expect(report('latents', maxAbsDiff(latents!, ref.array('latents')))).toBeLessThanOrEqual(1e-3);
    expect(report('pixels', maxAbsDiff(everyEighthPixel(r.pixels!, r.width, r.height), ref.array('pixels')))).toBeLessThanOrEqual(1e-3);
  });

  it.each([
    ['negative_prompt', { negativePrompt: 'blurry' }],
    ['scheduler', { scheduler: 'DDIMScheduler' }],
    ['init_image', { initImage: Buffer.from('x') }],
  ])('refuses %s, naming the field', async (field, extra) => {
    await expect(engine.generate(FLUX, { prompt: 'a cat', steps: 1, width: 64, height: 64, ...extra })).rejects.toMatchObject({ field });
  });
});
