import { parseGenerationRequest, type GenerationKind, type GenerationRequest } from './generation-request';
import { echoMeta, resultMeta, type MetaExtras } from './meta';

function parse(body: Record<string, unknown>, kind: GenerationKind = 'text2img'): GenerationRequest {
  const result = parseGenerationRequest(kind, body);
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  return result.value;
}

const EXTRAS: MetaExtras = { seed: 1234, width: 512, height: 512, modelId: 'easel-tiny' };

describe('echoMeta', () => {
  it('echoes every parameter of a default text2img under the API names', () => {
    expect(echoMeta(parse({ prompt: 'a red circle' }), { ...EXTRAS, scheduler: 'PNDMScheduler' })).toEqual({
      prompt: 'a red circle',
      negative_prompt: null,
      model_id: 'easel-tiny',
      W: 512,
      H: 512,
      steps: 20,
      guidance_scale: 7.5,
      seed: 1234,
      n_samples: 1,
      scheduler: 'PNDMScheduler',
      use_karras_sigmas: 'no',
      algorithm_type: null,
      clip_skip: 1,
      safety_checker: 'yes',
      safety_checker_type: 'blank',
      enhance_prompt: 'no',
      multi_lingual: 'no',
      panorama: 'no',
      self_attention: 'no',
      upscale: 'no',
      highres_fix: 'no',
      refiner: 'no',
      tomesd: 'no',
      lora_model: null,
      lora_strength: null,
      embeddings_model: null,
      vae: null,
      base64: 'no',
      temp: 'no',
      output_format: 'png',
    });
  });

  it('reports what the client set, with yes/no strings and joined lists', () => {
    const req = parse({
      prompt: 'a cat',
      negative_prompt: 'blurry',
      width: '768',
      height: '512',
      samples: '2',
      num_inference_steps: '30',
      guidance_scale: '9',
      seed: '42',
      scheduler: 'DPM++ 2M Karras',
      clip_skip: 2,
      safety_checker: 'no',
      safety_checker_type: 'blur',
      enhance_prompt: true,
      upscale: '4',
      lora_model: 'a, b',
      lora_strength: '0.5,0.75',
      embeddings: 'easynegative',
      vae: 'sd-vae-ft-mse',
      base64: 'yes',
      temp: 1,
      output_format: 'webp',
      webhook: 'https://example.com/hook',
      track_id: 't-1',
    });
    const meta = echoMeta(req, { ...EXTRAS, seed: 42, width: 768, height: 512 });
    expect(meta).toMatchObject({
      negative_prompt: 'blurry',
      W: 768,
      H: 512,
      steps: 30,
      guidance_scale: 9,
      seed: 42,
      n_samples: 2,
      scheduler: 'DPMSolverMultistepScheduler',
      use_karras_sigmas: 'yes',
      clip_skip: 2,
      safety_checker: 'no',
      safety_checker_type: 'blur',
      enhance_prompt: 'yes',
      upscale: '4',
      lora_model: 'a,b',
      lora_strength: '0.5,0.75',
      embeddings_model: 'easynegative',
      vae: 'sd-vae-ft-mse',
      base64: 'yes',
      temp: 'yes',
      output_format: 'webp',
    });
    expect(meta).not.toHaveProperty('webhook');
    expect(meta).not.toHaveProperty('track_id');
    expect(meta).not.toHaveProperty('key');
    expect(meta).not.toHaveProperty('init_image');
  });

  it.each([
    ['dpmsolver++', 'DPMSolverMultistepScheduler'],
    ['DPMSolverMultistep', 'DPMSolverMultistepScheduler'],
    ['Euler a', 'EulerAncestralDiscreteScheduler'],
    ['SomethingNew', 'SomethingNew'],
  ])('names the scheduler %s as %s', (scheduler, display) => {
    expect(echoMeta(parse({ prompt: 'x', scheduler }), EXTRAS).scheduler).toBe(display);
  });

  it('prefers the scheduler that ran, and says null when nothing is known', () => {
    expect(
      echoMeta(parse({ prompt: 'x', scheduler: 'Euler' }), { ...EXTRAS, scheduler: 'EulerDiscreteScheduler' })
        .scheduler,
    ).toBe('EulerDiscreteScheduler');
    expect(echoMeta(parse({ prompt: 'x' }), EXTRAS).scheduler).toBeNull();
  });

  it('adds init_image and strength for img2img, mask_image for inpaint', () => {
    const url = 'https://example.com/in.png';
    const img2img = parse({ prompt: 'x', init_image: url, strength: '0.6' }, 'img2img');
    expect(echoMeta(img2img, EXTRAS)).toMatchObject({ init_image: url, strength: 0.6 });
    expect(echoMeta(img2img, EXTRAS)).not.toHaveProperty('mask_image');

    const inpaint = parse(
      { prompt: 'x', init_image: url, mask_image: 'https://example.com/mask.png' },
      'inpaint',
    );
    expect(echoMeta(inpaint, { ...EXTRAS, strength: 1 })).toMatchObject({
      init_image: url,
      mask_image: 'https://example.com/mask.png',
      strength: 1,
    });
  });

  it('does not echo base64 images, only where they were stored', () => {
    const base64 =
      'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const req = parse({ prompt: 'x', init_image: base64, mask_image: base64 }, 'inpaint');
    expect(echoMeta(req, EXTRAS)).toMatchObject({ init_image: null, mask_image: null, strength: null });
    expect(
      echoMeta(req, {
        ...EXTRAS,
        initImageUrl: 'https://easel/a/init.png',
        maskImageUrl: 'https://easel/a/mask.png',
        strength: 0.8,
      }),
    ).toMatchObject({
      init_image: 'https://easel/a/init.png',
      mask_image: 'https://easel/a/mask.png',
      strength: 0.8,
    });
  });

  it('is plain JSON', () => {
    const meta = echoMeta(parse({ prompt: 'x', lora_model: 'a' }), EXTRAS);
    expect(JSON.parse(JSON.stringify(meta))).toEqual(meta);
  });
});

describe('resultMeta', () => {
  it('merges what the features did and the phase split of generationTime', () => {
    const timings = { total: 1.5, text_encoder: 0.01, unet: 1.2, vae_encode: 0, vae_decode: 0.1, image_io: 0.02, highres_refine: 0.9 };
    const result = { seeds: [1], width: 256, height: 256, steps: 20, scheduler: 'PNDMScheduler', modelId: 'easel-tiny', format: 'png', generationTime: 1.5, nsfwContentDetected: false, timings };
    expect(resultMeta(result)).toEqual({ generation_time_by_phase: timings });
    expect(resultMeta({ ...result, featureMeta: { translated_prompt: 'a red circle', detected_language: 'fr' } })).toEqual({ translated_prompt: 'a red circle', detected_language: 'fr', generation_time_by_phase: timings });
  });

  it('echoes highres_fix_strength only when highres_fix is asked', () => {
    expect(echoMeta(parse({ prompt: 'p', highres_fix: 'yes', highres_fix_strength: 0.3 }), EXTRAS)).toMatchObject({ highres_fix: 'yes', highres_fix_strength: 0.3 });
    expect(echoMeta(parse({ prompt: 'p' }), EXTRAS)).not.toHaveProperty('highres_fix_strength');
  });
});
