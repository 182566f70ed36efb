import { join } from 'node:path';
import { modelWithoutHiddenStates } from '@easel/testing';
import { modelCapabilityErrors } from './model-capabilities';
import { model, MODELS, parse } from './test-helpers';
import { unsupportedFeatures } from './unsupported-features';

const INIT = 'https://example.com/a.png';

describe('the engine features the gateway now lets through', () => {
  it('highres_fix, panorama, self_attention, multi_lingual and enhance_prompt are accepted on text2img', () => {
    const req = parse({
      highres_fix: 'yes',
      panorama: 'yes',
      self_attention: 'yes',
      multi_lingual: 'yes',
      enhance_prompt: 'yes',
    });
    expect(unsupportedFeatures(req)).toEqual({});
  });

  it('highres_fix is text2img only, panorama is not for inpaint', () => {
    expect(unsupportedFeatures(parse({ highres_fix: 'yes', init_image: INIT }, 'img2img'))).toEqual({
      highres_fix: ['The highres fix option is only available for text2img.'],
    });
    expect(
      unsupportedFeatures(parse({ panorama: 'yes', init_image: INIT, mask_image: INIT }, 'inpaint')),
    ).toEqual({ panorama: ['The panorama option is not available for inpainting.'] });
    expect(unsupportedFeatures(parse({ panorama: 'yes', init_image: INIT }, 'img2img'))).toEqual({});
  });

  it('options still missing an engine are refused, naming the field', () => {
    expect(unsupportedFeatures(parse({ upscale: '2' }))).toEqual({});
    expect(unsupportedFeatures(parse({ vae: 'sd-vae-ft-mse' }))).toEqual({
      vae: ['The vae option is not available in this deployment.'],
    });
  });
});

describe('self_attention needs a UNet that exports mid_attention_probs', () => {
  it('is refused for sd15-random with a validation message naming self_attention', async () => {
    expect(await modelCapabilityErrors(parse({ self_attention: 'yes' }), model('sd15-random'))).toEqual({
      self_attention: [
        'The self attention option is unsupported for this model: its UNet does not output mid_attention_probs.',
      ],
    });
  });

  it('is accepted for easel-tiny, and not checked when not asked for', async () => {
    expect(await modelCapabilityErrors(parse({ self_attention: 'yes' }), model('easel-tiny'))).toEqual({});
    expect(await modelCapabilityErrors(parse({}), model('sd15-random'))).toEqual({});
  });

  it('leaves a model whose graph cannot be read to the worker', async () => {
    expect(await modelCapabilityErrors(parse({ self_attention: 'yes' }), model('no-such-model'))).toEqual({});
  });
});

describe('clip_skip 2 needs a text encoder that exports its hidden states', () => {
  it('is refused, naming clip_skip, for a model whose text encoder has none', async () => {
    const bare = model('bare', await modelWithoutHiddenStates(join(MODELS, 'sd15-random')));
    expect(await modelCapabilityErrors(parse({ clip_skip: 2 }), bare)).toEqual({
      clip_skip: [
        'The clip skip 2 option is unsupported for this model: its text encoder does not output its hidden states (hidden_states.N).',
      ],
    });
    expect(await modelCapabilityErrors(parse({ clip_skip: 1 }), bare)).toEqual({});
  });

  it('is accepted for the bundled models, which export them', async () => {
    for (const id of ['easel-tiny', 'sd15-random', 'sd15-random-inpaint']) {
      expect(await modelCapabilityErrors(parse({ clip_skip: '2' }), model(id))).toEqual({});
    }
  });
});

describe('options a model family cannot honour are a 422 naming the field, before credits are held', () => {
  it('FLUX: negative_prompt, scheduler, img2img, clip_skip and LoRAs', async () => {
    const flux = model('flux-random');
    expect(await modelCapabilityErrors(parse({ negative_prompt: 'blurry', scheduler: 'DDIMScheduler', clip_skip: 2 }), flux)).toMatchObject({
      negative_prompt: [expect.stringContaining('flux models')],
      scheduler: [expect.stringContaining('FlowMatchEulerDiscreteScheduler')],
      clip_skip: [expect.any(String)],
    });
    expect(Object.keys(await modelCapabilityErrors(parse({ init_image: INIT }, 'img2img'), flux))).toEqual(['init_image']);
    expect(await modelCapabilityErrors(parse({}), flux)).toEqual({});
  });

  it('SDXL: clip_skip 2; SD 1.x and 2.x keep it', async () => {
    expect(Object.keys(await modelCapabilityErrors(parse({ clip_skip: 2 }), model('sdxl-random')))).toEqual(['clip_skip']);
    expect(await modelCapabilityErrors(parse({}), model('sdxl-random'))).toEqual({});
    expect(await modelCapabilityErrors(parse({ clip_skip: 2 }), model('sd15-random-inpaint'))).toEqual({});
  });
});
