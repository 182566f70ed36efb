import type { GenerateResult } from '@easel/engine-diffusion';
import { featureMeta } from './feature-meta';
import { phaseSeconds } from './phase-seconds';

const timings = { totalMs: 1500.4, textEncoderMs: 10, stepMs: [5, 5], unetMs: [400, 600], vaeEncodeMs: 0, vaeDecodeMs: 100, imageIoMs: 20, ortMs: 1100, phasesMs: { highres_refine: 900.2, multi_lingual: 0.4 } };
const result = { images: [], format: 'png', mimeType: 'image/png', seeds: [1], width: 256, height: 256, steps: 20, scheduler: 'PNDMScheduler', guidanceScale: 7.5, promptTokens: 8, timings } as GenerateResult;

describe('the worker reports what the engine features did', () => {
  it('phase seconds include each feature\'s own phase', () => {
    expect(phaseSeconds(timings)).toEqual({ total: 1.5, text_encoder: 0.01, unet: 1, vae_encode: 0, vae_decode: 0.1, image_io: 0.02, highres_refine: 0.9, multi_lingual: 0 });
  });

  it('no feature ran → no feature meta', () => {
    expect(featureMeta(result)).toBeUndefined();
  });

  it('translation, enhancement, highres fix, panorama and SAG under the meta\'s names', () => {
    const meta = featureMeta({
      ...result,
      prompt: { original: 'un cercle rouge', used: 'a red circle', detectedLanguage: 'fr', translated: true, translatedPrompt: 'a red circle', untranslatedWords: [], note: 'detected French' },
      highresFix: { baseWidth: 128, baseHeight: 128, strength: 0.4, upscaler: 'lanczos3', applied: true },
      panorama: { windows: 5, window: 16, stride: 8 },
      selfAttention: { scale: 0.75 },
    });
    expect(meta).toEqual({
      detected_language: 'fr',
      translated: 'yes',
      translated_prompt: 'a red circle',
      prompt_used: 'a red circle',
      prompt_note: 'detected French',
      highres_fix_strength: 0.4,
      highres_fix_base_size: '128x128',
      highres_fix_upscaler: 'lanczos3',
      highres_fix_applied: 'yes',
      panorama_windows: 5,
      sag_scale: 0.75,
    });
  });

  it('the refiner: how the schedule was split between base and refiner', () => {
    const refiner = { model: '/models/sdxl-refiner-random', switchAt: 0.8, baseSteps: 4, refinerSteps: 1 };
    expect(featureMeta({ ...result, refiner })).toEqual({ refiner_applied: 'yes', refiner_switch_at: refiner.switchAt, refiner_base_steps: refiner.baseSteps, refiner_steps: refiner.refinerSteps });
  });
});
