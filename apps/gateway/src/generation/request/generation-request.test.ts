import {
  GENERATION_DEFAULTS,
  type GenerationKind,
  type GenerationRequest,
  isImageReference,
  isOnlyMissingModelId,
  parseGenerationRequest,
} from './generation-request';

const URL_IMAGE = 'https://example.com/cat.png';
const BASE64 =
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

function ok(
  body: Record<string, unknown>,
  kind: GenerationKind = 'text2img',
  requireModelId = false,
): GenerationRequest {
  const result = parseGenerationRequest(kind, body, { requireModelId });
  if (!result.ok) throw new Error(`expected success, got ${JSON.stringify(result.errors)}`);
  return result.value;
}

function errors(body: Record<string, unknown>, kind: GenerationKind = 'text2img', requireModelId = false) {
  const result = parseGenerationRequest(kind, body, { requireModelId });
  if (result.ok) throw new Error(`expected errors, got ${JSON.stringify(result.value)}`);
  return result.errors;
}

describe('parseGenerationRequest — defaults', () => {
  it('fills every unset field with its documented default', () => {
    expect(ok({ key: 'k', prompt: 'a red circle' })).toEqual({
      kind: 'text2img',
      prompt: 'a red circle',
      negativePrompt: null,
      width: null, // the model's native size
      height: null,
      samples: 1,
      steps: 20,
      guidanceScale: 7.5,
      seed: null, // random, reported back
      scheduler: null, // the model's scheduler_config.json
      useKarrasSigmas: false,
      algorithmType: null,
      clipSkip: 1,
      strength: null, // the engine decides (img2img 0.8, inpaint 1)
      initImage: null,
      maskImage: null,
      base64: false,
      temp: false,
      webhook: null,
      trackId: null,
      modelId: null, // the deployment's default model
      safetyChecker: true,
      safetyCheckerType: 'blank',
      enhancePrompt: false,
      multiLingual: false,
      panorama: false,
      selfAttention: false,
      highresFix: false,
      highresFixStrength: null, // the engine's default (0.35)
      tomesd: false,
      upscale: null,
      loraModel: [],
      loraStrength: [],
      embeddingsModel: [],
      vae: null,
      refiner: false,
      refinerModel: null,
      outputFormat: 'png',
    } satisfies GenerationRequest);
  });

  it('treats null, "" and whitespace as unset', () => {
    const unset = ok({
      prompt: 'x',
      negative_prompt: null,
      width: '',
      height: null,
      samples: null,
      num_inference_steps: '',
      guidance_scale: null,
      seed: null,
      scheduler: '  ',
      safety_checker: null,
      safety_checker_type: '',
      upscale: null,
      lora_model: null,
      lora_strength: '',
      webhook: '',
      track_id: null,
      model_id: '',
      base64: null,
    });
    expect(unset).toEqual(ok({ prompt: 'x' }));
  });

  it('exports the defaults it applies', () => {
    const parsed = ok({ prompt: 'x' });
    for (const [name, value] of Object.entries(GENERATION_DEFAULTS)) {
      expect([name, parsed[name as keyof GenerationRequest]]).toEqual([name, value]);
    }
  });

  it('ignores fields it does not know, and the key', () => {
    expect(ok({ prompt: 'x', key: 'secret', instant_response: 'yes', foo: { bar: 1 } })).toEqual(
      ok({ prompt: 'x' }),
    );
  });

  it('ignores image fields on text2img and the mask on img2img', () => {
    expect(ok({ prompt: 'x', init_image: 5, mask_image: [], strength: 'lots' })).toEqual(ok({ prompt: 'x' }));
    expect(ok({ prompt: 'x', init_image: URL_IMAGE, mask_image: 5 }, 'img2img').maskImage).toBeNull();
  });
});

describe('parseGenerationRequest — tolerant input', () => {
  const cases: [string, Record<string, unknown>, Partial<GenerationRequest>][] = [
    ['prompt is trimmed', { prompt: '  a cat  ' }, { prompt: 'a cat' }],
    ['negative_prompt string', { negative_prompt: 'blurry' }, { negativePrompt: 'blurry' }],
    ['width/height as strings', { width: '768', height: '512' }, { width: 768, height: 512 }],
    ['width/height as numbers', { width: 512, height: 768 }, { width: 512, height: 768 }],
    ['1024×768', { width: 1024, height: 768 }, { width: 1024, height: 768 }],
    ['768×1024', { width: '768', height: '1024' }, { width: 768, height: 1024 }],
    ['the smallest size', { width: 64, height: 64 }, { width: 64, height: 64 }],
    ['one side only', { width: 1024 }, { width: 1024, height: null }],
    ['samples as a string', { samples: '4' }, { samples: 4 }],
    ['samples as "2.0"', { samples: '2.0' }, { samples: 2 }],
    ['num_inference_steps', { num_inference_steps: '50' }, { steps: 50 }],
    ['guidance_scale as a string', { guidance_scale: '7.5' }, { guidanceScale: 7.5 }],
    ['guidance_scale as an integer', { guidance_scale: 1 }, { guidanceScale: 1 }],
    ['seed as a string', { seed: '12345' }, { seed: 12345 }],
    ['seed 0', { seed: 0 }, { seed: 0 }],
    ['seed 2^32-1', { seed: 4294967295 }, { seed: 4294967295 }],
    ['seed -1 means random', { seed: -1 }, { seed: null }],
    ['seed "-1" means random', { seed: '-1' }, { seed: null }],
    ['scheduler is trimmed, kept as written', { scheduler: ' DPM++ 2M ' }, { scheduler: 'DPM++ 2M' }],
    ['unknown scheduler left to the engine', { scheduler: 'Whatever' }, { scheduler: 'Whatever' }],
    [
      'scheduler label implies Karras',
      { scheduler: 'DPM++ 2M Karras' },
      { useKarrasSigmas: true, algorithmType: null },
    ],
    [
      'scheduler label implies SDE',
      { scheduler: 'DPM++ 2M SDE Karras' },
      { useKarrasSigmas: true, algorithmType: 'sde-dpmsolver++' },
    ],
    [
      'explicit use_karras_sigmas wins over the label',
      { scheduler: 'DPM++ 2M Karras', use_karras_sigmas: 'no' },
      { useKarrasSigmas: false },
    ],
    [
      'explicit algorithm_type wins over the label',
      { scheduler: 'DPM++ 2M SDE', algorithm_type: 'dpmsolver++' },
      { algorithmType: 'dpmsolver++' },
    ],
    ['use_karras_sigmas yes', { use_karras_sigmas: 'yes' }, { useKarrasSigmas: true }],
    ['algorithm_type any case', { algorithm_type: 'SDE-DPMSolver++' }, { algorithmType: 'sde-dpmsolver++' }],
    [
      'algorithm_type as the public docs spell it',
      { algorithm_type: 'dpmsolver+++' },
      { algorithmType: 'dpmsolver++' },
    ],
    ['algorithm_type none', { algorithm_type: 'none' }, { algorithmType: null }],
    ['clip_skip "2"', { clip_skip: '2' }, { clipSkip: 2 }],
    ['safety_checker "no"', { safety_checker: 'no' }, { safetyChecker: false }],
    ['safety_checker false', { safety_checker: false }, { safetyChecker: false }],
    ['safety_checker "false"', { safety_checker: 'false' }, { safetyChecker: false }],
    ['safety_checker 0', { safety_checker: 0 }, { safetyChecker: false }],
    ['safety_checker "0"', { safety_checker: '0' }, { safetyChecker: false }],
    ['safety_checker "No"', { safety_checker: 'No' }, { safetyChecker: false }],
    ['safety_checker_type blur', { safety_checker_type: 'blur' }, { safetyCheckerType: 'blur' }],
    ['safety_checker_type any case', { safety_checker_type: 'Pixelate' }, { safetyCheckerType: 'pixelate' }],
    ['safety_checker_type black', { safety_checker_type: 'black' }, { safetyCheckerType: 'black' }],
    [
      'the service default safety_checker_type',
      { safety_checker_type: 'sensitive_content_text' },
      { safetyCheckerType: 'blank' },
    ],
    ['enhance_prompt yes', { enhance_prompt: 'yes' }, { enhancePrompt: true }],
    ['multi_lingual true', { multi_lingual: true }, { multiLingual: true }],
    ['panorama "true"', { panorama: 'true' }, { panorama: true }],
    ['self_attention 1', { self_attention: 1 }, { selfAttention: true }],
    ['highres_fix "1"', { highres_fix: '1' }, { highresFix: true }],
    ['tomesd "YES"', { tomesd: 'YES' }, { tomesd: true }],
    ['upscale 2', { upscale: 2 }, { upscale: 2 }],
    ['upscale "3"', { upscale: '3' }, { upscale: 3 }],
    ['upscale "4x"', { upscale: '4x' }, { upscale: 4 }],
    ['upscale "2.0"', { upscale: '2.0' }, { upscale: 2 }],
    ['upscale "no"', { upscale: 'no' }, { upscale: null }],
    ['upscale false', { upscale: false }, { upscale: null }],
    ['upscale 0', { upscale: 0 }, { upscale: null }],
    ['upscale 1 (a factor of one)', { upscale: '1' }, { upscale: null }],
    ['upscale "yes" means 2', { upscale: 'yes' }, { upscale: 2 }],
    ['upscale true means 2', { upscale: true }, { upscale: 2 }],
    [
      'lora_model list, default strength 1',
      { lora_model: 'more_details, animie' },
      { loraModel: ['more_details', 'animie'], loraStrength: [1, 1] },
    ],
    ['lora_model as an array', { lora_model: ['a', 'b'] }, { loraModel: ['a', 'b'], loraStrength: [1, 1] }],
    [
      'lora_strength per LoRA',
      { lora_model: 'a,b', lora_strength: '0.6, 0.8' },
      { loraModel: ['a', 'b'], loraStrength: [0.6, 0.8] },
    ],
    [
      'one lora_strength for every LoRA',
      { lora_model: 'a,b', lora_strength: 0.7 },
      { loraStrength: [0.7, 0.7] },
    ],
    ['lora_strength as a string number', { lora_model: 'a', lora_strength: '0.5' }, { loraStrength: [0.5] }],
    [
      'lora_strength without lora_model is ignored',
      { lora_strength: '0.5,0.6' },
      { loraModel: [], loraStrength: [] },
    ],
    [
      'embeddings_model',
      { embeddings_model: 'easynegative, badhands' },
      { embeddingsModel: ['easynegative', 'badhands'] },
    ],
    ['embeddings alias', { embeddings: 'easynegative' }, { embeddingsModel: ['easynegative'] }],
    [
      'embeddings_model wins over embeddings',
      { embeddings_model: 'a', embeddings: 'b' },
      { embeddingsModel: ['a'] },
    ],
    ['vae', { vae: 'sd-vae-ft-mse' }, { vae: 'sd-vae-ft-mse' }],
    ['base64 yes', { base64: 'yes' }, { base64: true }],
    ['temp yes', { temp: 'yes' }, { temp: true }],
    [
      'webhook https',
      { webhook: 'https://hooks.example.com/sd?token=1' },
      { webhook: 'https://hooks.example.com/sd?token=1' },
    ],
    ['webhook http', { webhook: 'http://10.0.0.1:8080/hook' }, { webhook: 'http://10.0.0.1:8080/hook' }],
    ['track_id string', { track_id: 'abc-1' }, { trackId: 'abc-1' }],
    ['track_id number', { track_id: 42 }, { trackId: 42 }],
    ['model_id', { model_id: 'easel-tiny' }, { modelId: 'easel-tiny' }],
    ['model_id as a number', { model_id: 123 }, { modelId: '123' }],
    ['output_format webp', { output_format: 'webp' }, { outputFormat: 'webp' }],
    ['output_format jpg', { output_format: 'JPG' }, { outputFormat: 'jpeg' }],
  ];

  it.each(cases)('%s', (_name, fields, expected) => {
    expect(ok({ prompt: 'a red circle', ...fields })).toMatchObject(expected);
  });

  it('accepts a typical public-service body of strings', () => {
    const body = {
      key: 'k',
      prompt: 'ultra realistic portrait',
      negative_prompt: 'blurry, bad anatomy',
      width: '512',
      height: '512',
      samples: '1',
      num_inference_steps: '20',
      safety_checker: 'no',
      enhance_prompt: 'yes',
      seed: null,
      guidance_scale: 7.5,
      multi_lingual: 'no',
      panorama: 'no',
      self_attention: 'no',
      upscale: 'no',
      embeddings_model: null,
      webhook: null,
      track_id: null,
    };
    expect(ok(body)).toMatchObject({
      width: 512,
      height: 512,
      samples: 1,
      steps: 20,
      safetyChecker: false,
      enhancePrompt: true,
      seed: null,
      guidanceScale: 7.5,
      upscale: null,
      embeddingsModel: [],
    });
  });
});

describe('parseGenerationRequest — img2img and inpaint', () => {
  it('reads init_image and strength for img2img', () => {
    expect(ok({ prompt: 'x', init_image: URL_IMAGE, strength: '0.7' }, 'img2img')).toMatchObject({
      kind: 'img2img',
      initImage: URL_IMAGE,
      strength: 0.7,
      maskImage: null,
    });
  });

  it('accepts prompt_strength as an alias of strength', () => {
    expect(ok({ prompt: 'x', init_image: URL_IMAGE, prompt_strength: 0.4 }, 'img2img').strength).toBe(0.4);
    expect(
      ok({ prompt: 'x', init_image: URL_IMAGE, strength: 0.3, prompt_strength: 0.9 }, 'img2img').strength,
    ).toBe(0.3);
    expect(
      ok({ prompt: 'x', init_image: URL_IMAGE, strength: null, prompt_strength: '0.9' }, 'img2img').strength,
    ).toBe(0.9);
  });

  it('leaves strength to the engine when unset', () => {
    expect(ok({ prompt: 'x', init_image: URL_IMAGE }, 'img2img').strength).toBeNull();
  });

  it('accepts strength at both ends of 0–1', () => {
    expect(ok({ prompt: 'x', init_image: URL_IMAGE, strength: 0 }, 'img2img').strength).toBe(0);
    expect(ok({ prompt: 'x', init_image: URL_IMAGE, strength: '1' }, 'img2img').strength).toBe(1);
  });

  it('accepts base64 images, bare or as a data: URI', () => {
    const dataUri = `data:image/png;base64,${BASE64}`;
    expect(ok({ prompt: 'x', init_image: BASE64, mask_image: dataUri }, 'inpaint')).toMatchObject({
      kind: 'inpaint',
      initImage: BASE64,
      maskImage: dataUri,
    });
  });

  it('needs init_image for img2img, and mask_image too for inpaint', () => {
    expect(errors({ prompt: 'x' }, 'img2img')).toEqual({ init_image: ['The init image field is required.'] });
    expect(errors({ prompt: 'x', init_image: '' }, 'inpaint')).toEqual({
      init_image: ['The init image field is required.'],
      mask_image: ['The mask image field is required.'],
    });
  });

  it.each<[unknown, string]>([
    [5, 'The init image must be a string.'],
    [[URL_IMAGE], 'The init image must be a string.'],
    ['ftp://example.com/cat.png', 'The init image must be an http(s) URL or a base64-encoded image.'],
    ['file:///etc/passwd', 'The init image must be an http(s) URL or a base64-encoded image.'],
    ['/tmp/cat.png', 'The init image must be an http(s) URL or a base64-encoded image.'],
    ['not an image', 'The init image must be an http(s) URL or a base64-encoded image.'],
    [
      'data:text/plain;base64,aGVsbG8gd29ybGQgaGVsbG8=',
      'The init image must be an http(s) URL or a base64-encoded image.',
    ],
    ['https://', 'The init image must be an http(s) URL or a base64-encoded image.'],
  ])('refuses init_image %p', (value, message) => {
    expect(errors({ prompt: 'x', init_image: value }, 'img2img')).toEqual({ init_image: [message] });
  });

  it.each<[string, unknown, string]>([
    ['strength', 1.5, 'The strength field must be between 0 and 1.'],
    ['strength', -0.1, 'The strength field must be between 0 and 1.'],
    ['strength', 'strong', 'The strength field must be a number.'],
    ['prompt_strength', '2', 'The prompt strength field must be between 0 and 1.'],
    ['prompt_strength', true, 'The prompt strength field must be a number.'],
  ])('refuses %s %p', (field, value, message) => {
    expect(errors({ prompt: 'x', init_image: URL_IMAGE, [field]: value }, 'img2img')).toEqual({
      [field]: [message],
    });
  });
});

describe('parseGenerationRequest — model_id', () => {
  it('is optional by default', () => {
    expect(ok({ prompt: 'x' }).modelId).toBeNull();
  });

  it('is required with requireModelId (v4 dreambooth)', () => {
    const errs = errors({ prompt: 'x' }, 'text2img', true);
    expect(errs).toEqual({ model_id: ['The model id field is required.'] });
    expect(isOnlyMissingModelId(errs)).toBe(true);
    expect(ok({ prompt: 'x', model_id: 'easel-tiny' }, 'text2img', true).modelId).toBe('easel-tiny');
  });

  it('tells a lone missing model_id apart from other errors', () => {
    expect(isOnlyMissingModelId(errors({}, 'text2img', true))).toBe(false);
    expect(isOnlyMissingModelId(errors({ prompt: 'x', model_id: true }, 'text2img', true))).toBe(false);
  });

  it('refuses a model_id that is not a string', () => {
    expect(errors({ prompt: 'x', model_id: ['a'] })).toEqual({
      model_id: ['The model id must be a string.'],
    });
    expect(errors({ prompt: 'x', model_id: 'm'.repeat(256) })).toEqual({
      model_id: ['The model id must not be greater than 255 characters.'],
    });
  });
});

describe('parseGenerationRequest — bad input', () => {
  const cases: [string, unknown, string[]][] = [
    ['prompt', null, ['The prompt field is required.']],
    ['prompt', '', ['The prompt field is required.']],
    ['prompt', '   ', ['The prompt field is required.']],
    ['prompt', 5, ['The prompt must be a string.']],
    ['prompt', true, ['The prompt must be a string.']],
    ['prompt', ['a cat'], ['The prompt must be a string.']],
    ['prompt', { text: 'a cat' }, ['The prompt must be a string.']],
    ['prompt', 'a'.repeat(2001), ['The prompt must not be greater than 2000 characters.']],
    ['negative_prompt', 3, ['The negative prompt must be a string.']],
    ['negative_prompt', 'b'.repeat(2001), ['The negative prompt must not be greater than 2000 characters.']],
    ['width', 'wide', ['The width field must be an integer.']],
    ['width', 512.5, ['The width field must be an integer.']],
    ['width', 500, ['The width must be a multiple of 8.']],
    ['width', '1550', ['The width must be a multiple of 8.', 'The width must not be greater than 1536.']],
    ['width', 1544, ['The width must not be greater than 1536.']],
    ['width', 56, ['The width must be at least 64.']],
    ['width', 0, ['The width must be at least 64.']],
    ['width', -512, ['The width must be at least 64.']],
    ['width', [512], ['The width field must be an integer.']],
    ['height', 'NaN', ['The height field must be an integer.']],
    ['height', 'Infinity', ['The height field must be an integer.']],
    ['height', 1550, ['The height must be a multiple of 8.', 'The height must not be greater than 1536.']],
    ['samples', 'two', ['The samples field must be an integer.']],
    ['samples', 1.5, ['The samples field must be an integer.']],
    ['samples', 0, ['The samples field must be between 1 and 4.']],
    ['samples', '5', ['The samples field must be between 1 and 4.']],
    ['num_inference_steps', 51, ['The num inference steps field must be between 1 and 50.']],
    ['num_inference_steps', '0', ['The num inference steps field must be between 1 and 50.']],
    ['num_inference_steps', '20 steps', ['The num inference steps field must be an integer.']],
    ['guidance_scale', 'high', ['The guidance scale field must be a number.']],
    ['guidance_scale', false, ['The guidance scale field must be a number.']],
    ['guidance_scale', 0.5, ['The guidance scale field must be between 1 and 20.']],
    ['guidance_scale', '20.5', ['The guidance scale field must be between 1 and 20.']],
    ['seed', 'random', ['The seed field must be an integer.']],
    ['seed', 1.5, ['The seed field must be an integer.']],
    ['seed', 4294967296, ['The seed field must be between 0 and 4294967295.']],
    ['seed', -2, ['The seed field must be between 0 and 4294967295.']],
    ['scheduler', 7, ['The scheduler must be a string.']],
    ['scheduler', ['Euler'], ['The scheduler must be a string.']],
    ['use_karras_sigmas', 'maybe', ['The use karras sigmas field must be yes or no.']],
    [
      'algorithm_type',
      'dpmsolver',
      ['The selected algorithm type is invalid. Allowed: dpmsolver++, sde-dpmsolver++, none.'],
    ],
    ['algorithm_type', 1, ['The algorithm type must be a string.']],
    ['clip_skip', 3, ['The clip skip field must be between 1 and 2.']],
    ['clip_skip', 'one', ['The clip skip field must be an integer.']],
    ['safety_checker', 'maybe', ['The safety checker field must be yes or no.']],
    ['safety_checker', 2, ['The safety checker field must be yes or no.']],
    ['safety_checker', ['yes'], ['The safety checker field must be yes or no.']],
    [
      'safety_checker_type',
      'sepia',
      ['The selected safety checker type is invalid. Allowed: blank, blur, pixelate, black.'],
    ],
    ['safety_checker_type', true, ['The safety checker type must be a string.']],
    ['enhance_prompt', 'sure', ['The enhance prompt field must be yes or no.']],
    ['multi_lingual', {}, ['The multi lingual field must be yes or no.']],
    ['panorama', 'y', ['The panorama field must be yes or no.']],
    ['self_attention', -1, ['The self attention field must be yes or no.']],
    ['highres_fix', 'on', ['The highres fix field must be yes or no.']],
    ['tomesd', 'off', ['The tomesd field must be yes or no.']],
    ['upscale', 5, ['The selected upscale is invalid. Allowed: no, 2, 3, 4.']],
    ['upscale', '8x', ['The selected upscale is invalid. Allowed: no, 2, 3, 4.']],
    ['upscale', 2.5, ['The selected upscale is invalid. Allowed: no, 2, 3, 4.']],
    ['upscale', '-2', ['The selected upscale is invalid. Allowed: no, 2, 3, 4.']],
    ['upscale', 'maybe', ['The selected upscale is invalid. Allowed: no, 2, 3, 4.']],
    ['upscale', [2], ['The selected upscale is invalid. Allowed: no, 2, 3, 4.']],
    ['lora_model', { id: 'a' }, ['The lora model must be a comma-separated list.']],
    ['lora_model', 'a,b,c,d,e,f,g,h,i', ['The lora model must not have more than 8 items.']],
    ['lora_model', 'x'.repeat(256), ['The lora model must not be greater than 255 characters.']],
    ['embeddings_model', true, ['The embeddings model must be a comma-separated list.']],
    ['embeddings', [{}], ['The embeddings must be a comma-separated list.']],
    ['vae', 1, ['The vae must be a string.']],
    ['base64', 'base64', ['The base64 field must be yes or no.']],
    ['temp', 'later', ['The temp field must be yes or no.']],
    ['webhook', 'not a url', ['The webhook must be a valid http or https URL.']],
    ['webhook', 'ftp://example.com/hook', ['The webhook must be a valid http or https URL.']],
    ['webhook', 'javascript:alert(1)', ['The webhook must be a valid http or https URL.']],
    ['webhook', 'https://', ['The webhook must be a valid http or https URL.']],
    ['webhook', 42, ['The webhook must be a string.']],
    [
      'webhook',
      `https://example.com/${'a'.repeat(2048)}`,
      ['The webhook must not be greater than 2048 characters.'],
    ],
    ['track_id', true, ['The track id must be a string or a number.']],
    ['track_id', { id: 1 }, ['The track id must be a string or a number.']],
    ['track_id', NaN, ['The track id must be a string or a number.']],
    ['track_id', 't'.repeat(256), ['The track id must not be greater than 255 characters.']],
    ['output_format', 'gif', ['The selected output format is invalid. Allowed: png, jpeg, webp.']],
  ];

  it.each(cases)('%s = %p', (field, value, expected) => {
    const body = { prompt: 'a red circle', [field]: value };
    expect(errors(body)).toEqual({ [field]: expected });
  });

  it.each<[number, number, Record<string, string[]>]>([
    [1536, 1024, { width: ['The width must not be greater than 1024 when the height is 1024.'] }],
    [1216, 896, { width: ['The width must not be greater than 1168 when the height is 896.'] }],
    [832, 1536, { height: ['The height must not be greater than 1256 when the width is 832.'] }],
  ])('refuses %i×%i (more pixels than 1024×1024, any model\'s limit; SD 1.x\'s are checked with the model)', (width, height, expected) => {
    expect(errors({ prompt: 'x', width, height })).toEqual(expected);
  });

  it('does not add the area error on top of a side error', () => {
    expect(errors({ prompt: 'x', width: 1550, height: 1024 })).toEqual({
      width: ['The width must be a multiple of 8.', 'The width must not be greater than 1536.'],
    });
  });

  it('wants one lora_strength per lora_model (or exactly one for all)', () => {
    expect(errors({ prompt: 'x', lora_model: 'a,b,c', lora_strength: '0.5,0.6' })).toEqual({
      lora_strength: ['The lora strength must contain 3 items, one per lora model.'],
    });
    expect(errors({ prompt: 'x', lora_model: 'a', lora_strength: '0.5,0.6' })).toEqual({
      lora_strength: ['The lora strength must contain 1 item, one per lora model.'],
    });
    expect(errors({ prompt: 'x', lora_model: 'a', lora_strength: 'strong' })).toEqual({
      lora_strength: ['The lora strength must be a comma-separated list of numbers.'],
    });
  });

  it('collects every bad field at once', () => {
    const result = parseGenerationRequest(
      'inpaint',
      {
        prompt: 5,
        width: 1001,
        height: 2048,
        samples: 9,
        num_inference_steps: 'many',
        guidance_scale: 'NaN',
        seed: 'x',
        safety_checker: 'perhaps',
        upscale: 7,
        clip_skip: 0,
        lora_model: 'a,b',
        lora_strength: '1,2,3',
        webhook: 'nope',
        track_id: [],
        init_image: null,
        mask_image: 'ftp://x/y.png',
        strength: 3,
      },
      { requireModelId: true },
    );
    expect(result).toEqual({
      ok: false,
      errors: {
        prompt: ['The prompt must be a string.'],
        model_id: ['The model id field is required.'],
        init_image: ['The init image field is required.'],
        mask_image: ['The mask image must be an http(s) URL or a base64-encoded image.'],
        strength: ['The strength field must be between 0 and 1.'],
        width: ['The width must be a multiple of 8.'],
        height: ['The height must not be greater than 1536.'],
        samples: ['The samples field must be between 1 and 4.'],
        num_inference_steps: ['The num inference steps field must be an integer.'],
        guidance_scale: ['The guidance scale field must be a number.'],
        seed: ['The seed field must be an integer.'],
        clip_skip: ['The clip skip field must be between 1 and 2.'],
        safety_checker: ['The safety checker field must be yes or no.'],
        upscale: ['The selected upscale is invalid. Allowed: no, 2, 3, 4.'],
        lora_strength: ['The lora strength must contain 2 items, one per lora model.'],
        webhook: ['The webhook must be a valid http or https URL.'],
        track_id: ['The track id must be a string or a number.'],
      },
    });
  });

  it('answers a missing prompt for an empty or non-object body', () => {
    const required = { prompt: ['The prompt field is required.'] };
    expect(errors({})).toEqual(required);
    expect(errors(null as unknown as Record<string, unknown>)).toEqual(required);
    expect(errors([] as unknown as Record<string, unknown>)).toEqual(required);
  });

  it('reads only the body’s own fields', () => {
    const body = Object.create({ prompt: 'inherited' }) as Record<string, unknown>;
    expect(errors(body)).toEqual({ prompt: ['The prompt field is required.'] });
    const parsed = JSON.parse('{"prompt":"x","__proto__":{"width":1}}') as Record<string, unknown>;
    expect(ok(parsed).width).toBeNull();
  });
});

describe('isImageReference', () => {
  it.each([
    URL_IMAGE,
    'http://example.com/a.jpg?x=1',
    BASE64,
    `data:image/png;base64,${BASE64}`,
    `data:image/jpeg;base64,${BASE64.slice(0, 40)}\n${BASE64.slice(40)}`,
  ])('accepts %s', (value) => {
    expect(isImageReference(value)).toBe(true);
  });

  it.each([
    'ftp://example.com/a.png',
    'gopher://x',
    'abc',
    'data:image/png;base64,',
    'data:image/png,rawbytes',
    'a b c d e f g h i j k',
    `https://example.com/${'a'.repeat(2048)}`,
  ])('refuses %s', (value) => {
    expect(isImageReference(value)).toBe(false);
  });
});

describe('parseGenerationRequest — panorama sizes and highres_fix_strength', () => {
  it('panorama allows sides up to 2048 and 2048×768 pixels; without it the limits stay', () => {
    expect(ok({ prompt: 'p', panorama: 'yes', width: 2048, height: 768 })).toMatchObject({ width: 2048, height: 768, panorama: true });
    expect(ok({ prompt: 'p', panorama: 'yes', width: 384, height: 128 })).toMatchObject({ width: 384, height: 128 });
    expect(errors({ prompt: 'p', width: 2048, height: 128 })).toEqual({ width: ['The width must not be greater than 1536.'] });
    expect(errors({ prompt: 'p', panorama: 'yes', width: 2056, height: 128 })).toEqual({ width: ['The width must not be greater than 2048.'] });
    expect(errors({ prompt: 'p', panorama: 'yes', width: 2048, height: 1024 }).width).toEqual(['The width must not be greater than 1536 when the height is 1024.']);
  });

  it('highres_fix_strength: a number in [0, 1], null when unset', () => {
    expect(ok({ prompt: 'p', highres_fix: 'yes', highres_fix_strength: '0.3' })).toMatchObject({ highresFix: true, highresFixStrength: 0.3 });
    expect(ok({ prompt: 'p', highres_fix: 'yes' })).toMatchObject({ highresFixStrength: null });
    expect(errors({ prompt: 'p', highres_fix_strength: 1.5 })).toEqual({ highres_fix_strength: ['The highres fix strength field must be between 0 and 1.'] });
  });
});
