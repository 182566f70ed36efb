import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '@easel/config';
import { startEmbedded } from '@easel/easel';
import { judgePrompt } from '@easel/testing';
import { JUDGED_SYNC_WINDOW_MS, post, REPO_ROOT, tempHome } from './helpers';

/** A drawing by the bundled model (packages/engine-safety/fixtures), used as an input image. */
const INPUT = join(REPO_ROOT, 'packages', 'engine-safety', 'fixtures', 'easel-tiny-0.png');

async function start(env: Record<string, string> = {}) {
  const home = await tempHome();
  const easel = await startEmbedded(loadConfig({ EASEL_HOME: home, PORT: '0', EASEL_LOG_LEVEL: 'error', EASEL_SYNC_WINDOW_MS: JUDGED_SYNC_WINDOW_MS, ...env }));
  return { easel, home, key: easel.adminKey!, api: (path: string, body: Record<string, unknown>) => post(`${easel.url}${path}`, body) };
}
type Instance = Awaited<ReturnType<typeof start>>;
const stop = async (i?: Instance) => {
  await i?.easel.close();
  if (i) await rm(i.home, { recursive: true, force: true });
};
const download = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
const raw = (png: Buffer) => sharp(png).removeAlpha().raw().toBuffer({ resolveWithObject: true });

describe('upscale and the NSFW checker through the public API (default threshold)', () => {
  let it0: Instance;
  beforeAll(async () => (it0 = await start()));
  afterAll(() => stop(it0));

  it('text2img with upscale 2: a 256×256 image that still draws the prompt, checked by the classifier, every phase timed', async () => {
    const prompt = 'a red circle on a blue background';
    const { status, body } = await it0.api('/api/v3/text2img', { key: it0.key, prompt, seed: 42, num_inference_steps: 20, upscale: '2' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'success', nsfw_content_detected: false, meta: { W: 256, H: 256, generated_W: 128, generated_H: 128, upscale: '2', safety_checker: 'yes' } });
    expect(body.meta.nsfw_scores).toHaveLength(1);
    expect(body.meta.nsfw_scores[0]).toBeLessThan(0.5);
    expect(body.timings.upscale).toBeGreaterThan(0);
    expect(body.timings.safety_checker).toBeGreaterThan(0);
    const png = await download(body.output[0]);
    expect(await sharp(png).metadata()).toMatchObject({ width: 256, height: 256 });
    expect((await judgePrompt(prompt, png)).pass).toMatchObject({ color: true, background: true });

    // The same job without upscale: the 2× image, scaled back down, is the same picture.
    const plain = await it0.api('/api/v3/text2img', { key: it0.key, prompt, seed: 42, num_inference_steps: 20, track_id: 'plain' });
    const small = await raw(await download(plain.body.output[0]));
    const back = await sharp(png).removeAlpha().resize(128, 128, { kernel: 'cubic' }).raw().toBuffer();
    let squared = 0;
    for (let i = 0; i < back.length; i++) squared += (back[i] - small.data[i]) ** 2;
    expect(10 * Math.log10((255 * 255) / (squared / back.length))).toBeGreaterThan(28);
  });

  it('safety_checker no: nothing classified, meta says so', async () => {
    const { body } = await it0.api('/api/v3/text2img', { key: it0.key, prompt: 'a green square', seed: 3, num_inference_steps: 4, safety_checker: 'no' });
    expect(body).toMatchObject({ status: 'success', nsfw_content_detected: false, meta: { safety_checker: 'no' } });
    expect(body.meta.nsfw_scores).toBeUndefined();
    expect(body.timings.safety_checker).toBeUndefined();
  });

  it('super_resolution (v6, base64 in): 2× the input with the job lifecycle of generation; the v3 alias and the fetch alias work', async () => {
    const input = (await sharp(INPUT).resize(64, 64).png().toBuffer()).toString('base64');
    const { status, body } = await it0.api('/api/v6/image_editing/super_resolution', { key: it0.key, init_image: input, scale: 2, model_id: 'RealESRGAN_x4plus', track_id: 't1' });
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'success', track_id: 't1', meta: { W: 128, H: 128, input_W: 64, input_H: 64, scale: 2, model_id: 'RealESRGAN_x4plus', upscale_model: 'esrgan-medium' } });
    expect(body.timings.upscale).toBeGreaterThan(0);
    expect(await sharp(await download(body.output[0])).metadata()).toMatchObject({ width: 128, height: 128, format: 'png' });
    const fetched = await it0.api(`/api/v6/image_editing/fetch/${body.id}`, { key: it0.key });
    expect(fetched.body).toMatchObject({ status: 'success', id: body.id, output: body.output });

    const v3 = await it0.api('/api/v3/super_resolution', { key: it0.key, url: `data:image/png;base64,${input}`, scale: '3', base64: 'yes', output_format: 'webp' });
    expect(v3.body).toMatchObject({ status: 'success', meta: { W: 192, H: 192, upscale_model: 'esrgan-slim' } });
    expect(await sharp(Buffer.from(v3.body.output[0], 'base64')).metadata()).toMatchObject({ width: 192, format: 'webp' });
  });

  it('super_resolution refuses face_enhance and unknown models by name (422), and a private URL fails the job', async () => {
    const bad = await it0.api('/api/v6/image_editing/super_resolution', { key: it0.key, url: 'https://example.com/a.png', face_enhance: 'yes', model_id: 'RealESRGAN_x4plus_anime_6B' });
    expect(bad.status).toBe(422);
    expect(Object.keys(bad.body.message).sort()).toEqual(['face_enhance', 'model_id']);
    const ssrf = await it0.api('/api/v3/super_resolution', { key: it0.key, url: 'http://169.254.169.254/latest/x.png', scale: 2 });
    expect(ssrf.body).toMatchObject({ status: 'failed' });
    expect(ssrf.body.error).toMatch(/url/);
  });
});

describe('the replacement path (a deployment threshold that benign drawings cross)', () => {
  let strict: Instance;
  beforeAll(async () => (strict = await start({ EASEL_NSFW_THRESHOLD: '0.000001' })));
  afterAll(() => stop(strict));

  it.each([
    ['blank', 255],
    ['black', 0],
  ])('safety_checker_type %s: the output is replaced, nsfw_content_detected is true', async (type, level) => {
    const { body } = await strict.api('/api/v3/text2img', { key: strict.key, prompt: 'a red circle', seed: 5, num_inference_steps: 4, safety_checker_type: type });
    expect(body).toMatchObject({ status: 'success', nsfw_content_detected: true, meta: { safety_checker_type: type } });
    expect(body.meta.nsfw_scores[0]).toBeGreaterThan(0.000001);
    const { data } = await raw(await download(body.output[0]));
    expect(data.every((v) => v === level)).toBe(true);
  });
});
