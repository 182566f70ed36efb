import { parseSuperResolutionRequest } from './super-resolution-request';

const IMAGE = 'https://example.com/cat.png';

describe('parseSuperResolutionRequest', () => {
  it('defaults: scale 4, the service’s default model (→ esrgan-slim), png, no base64', () => {
    const parsed = parseSuperResolutionRequest({ url: IMAGE });
    expect(parsed).toEqual({
      ok: true,
      value: expect.objectContaining({ kind: 'super_resolution', image: IMAGE, imageField: 'url', scale: 4, modelId: null, upscaleModel: 'esrgan-slim', outputFormat: 'png', base64: false, faceEnhance: false }),
    });
  });

  it('face_enhance and temp travel to the definition (which resolves the face model)', () => {
    const parsed = parseSuperResolutionRequest({ url: IMAGE, face_enhance: 'yes', temp: 'yes' });
    expect(parsed.ok && parsed.value).toMatchObject({ faceEnhance: true, temp: true, faceModel: null });
  });

  it('takes init_image (v3) instead of url, scale as a string, model ids in any case', () => {
    const parsed = parseSuperResolutionRequest({ init_image: IMAGE, scale: '2', model_id: 'realesrgan_X4PLUS', base64: 'yes' });
    expect(parsed.ok && parsed.value).toMatchObject({ imageField: 'init_image', scale: 2, upscaleModel: 'esrgan-medium', base64: true });
  });

  it.each([
    [{}, 'url', 'The url field is required.'],
    [{ url: 'not an image' }, 'url', 'The url must be an http(s) URL or a base64-encoded image.'],
    [{ url: IMAGE, scale: 5 }, 'scale', 'The scale field must be between 2 and 4.'],
    [{ url: IMAGE, scale: 'big' }, 'scale', 'The scale field must be an integer.'],
    [{ url: IMAGE, model_id: 'RealESRGAN_x4plus_anime_6B' }, 'model_id', expect.stringContaining('The selected model id is invalid. Allowed: realesr-general-x4v3')],
    [{ url: IMAGE, webhook: 'ftp://x' }, 'webhook', 'The webhook must be a valid http or https URL.'],
  ])('%j → an error naming %s', (body, field, message) => {
    const parsed = parseSuperResolutionRequest(body);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.errors[field]).toEqual([message]);
  });
});
