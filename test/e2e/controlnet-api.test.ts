import { rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import type { EmbeddedEaselInstance } from '@easel/easel';
import { decodeImage, drawnRegion, encodePng, maskIou, squareMask, squarePicture } from '@easel/testing';
import { post, REPO_ROOT, startTestEasel, tempHome } from './helpers';

const MODELS = join(REPO_ROOT, 'models');
const dataUri = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

/** A white square outline on black (a Canny-style hint), its left edge at x. */
async function outline(size: number, x: number): Promise<Buffer> {
  const g = Buffer.alloc(size * size);
  const side = size / 3;
  for (let y = side; y < 2 * side; y++)
    for (let i = x; i < x + side; i++) if (y === side || y === 2 * side - 1 || i === x || i === x + side - 1) g[y * size + i] = 255;
  return sharp(g, { raw: { width: size, height: size, channels: 1 } }).png().toBuffer();
}

/**
 * The ControlNet job's life through the HTTP API on a catalog of the SD 1.5-shaped random-weight
 * test models (sd15-random and sd15-random-controlnet under the ids "sd15" and "random-canny"):
 * what it checks is the API (fields, errors, meta, fetch, multi-ControlNet), not the pictures —
 * test/e2e/controlnet-meaning.test.ts judges those on easel-tiny's trained ControlNets.
 */
describe('POST /api/v5/controlnet (embedded mode, random-weight models)', () => {
  let easel: EmbeddedEaselInstance;
  let key: string;
  let close: (() => Promise<void>) | undefined;
  let models: string;
  const api = (path: string, body: Record<string, unknown>) => post(`${easel.url}${path}`, { key, ...body });
  async function finished(body: Record<string, unknown>) {
    let answer = (await api('/api/v5/controlnet', body)).body;
    while (answer.status === 'processing') {
      await new Promise((resolve) => setTimeout(resolve, 300));
      answer = (await api(`/api/v5/fetch/${answer.id}`, {})).body;
    }
    return answer;
  }

  beforeAll(async () => {
    models = await tempHome();
    await symlink(join(MODELS, 'sd15-random'), join(models, 'sd15'));
    await symlink(join(MODELS, 'sd15-random-controlnet'), join(models, 'random-cn'));
    await writeFile(
      join(models, 'bundled.json'),
      JSON.stringify({
        models: [
          { model_id: 'sd15', model_name: 'sd15-random', category: 'stable_diffusion' },
          { model_id: 'random-canny', model_name: 'random ControlNet', category: 'controlnet', path: 'random-cn' },
          { model_id: 'random-seg', model_name: 'random ControlNet', category: 'controlnet', path: 'random-cn' },
        ],
      }),
    );
    ({ easel, key, close } = await startTestEasel({ EASEL_MODELS_DIR: models, EASEL_DEFAULT_MODEL: 'sd15' }));
  }, 60_000);
  afterAll(async () => {
    await close?.();
    await rm(models, { recursive: true, force: true });
  });

  it("takes the docs' v5 payload (string numbers, yes/no, nulls, auto_hint) with an init image and answers the success shape; fetch at /api/v5/fetch agrees", async () => {
    const init = dataUri(await outline(64, 8));
    const body = await finished({
      controlnet_model: 'random-canny',
      controlnet_type: 'canny',
      auto_hint: 'yes',
      guess_mode: 'no',
      prompt: 'a red circle on a blue background',
      negative_prompt: null,
      init_image: init,
      mask_image: null,
      width: '64',
      height: '64',
      samples: '1',
      num_inference_steps: '4',
      safety_checker: 'no',
      guidance_scale: 7.5,
      strength: 0.55,
      seed: '11',
      webhook: null,
      track_id: 'cn1',
    });
    expect(body).toMatchObject({
      status: 'success',
      track_id: 'cn1',
      meta: { controlnet_model: 'random-canny', controlnet_type: 'canny', auto_hint: 'yes', guess_mode: 'no', strength: 0.55, W: 64, H: 64, seed: 11, controlnet_conditioning_scale: '1' },
    });
    const png = Buffer.from(await (await fetch(body.output[0])).arrayBuffer());
    expect(await sharp(png).metadata()).toMatchObject({ width: 64, height: 64 });
    const fetched = await api(`/api/v5/fetch/${body.id}`, {});
    expect(fetched.body).toMatchObject({ status: 'success', id: body.id, output: body.output });
  }, 60_000);

  it('multi-ControlNet: two models, two hints-by-scale; scale 0 on both gives the pixels of plain text2img', async () => {
    const hint = dataUri(await outline(64, 30));
    const common = { prompt: 'a red circle', width: 64, height: 64, num_inference_steps: 3, seed: 3, safety_checker: 'no', base64: 'yes' };
    const both = await finished({ ...common, controlnet_model: 'random-canny,random-seg', control_image: hint, controlnet_conditioning_scale: '1, 0.5' });
    expect(both).toMatchObject({ status: 'success', meta: { controlnet_model: 'random-canny,random-seg', controlnet_conditioning_scale: '1,0.5' } });
    const off = await finished({ ...common, controlnet_model: 'random-canny,random-seg', control_image: hint, controlnet_conditioning_scale: [0, 0] });
    const plain = (await api('/api/v3/text2img', common)).body;
    expect(plain.status).toBe('success');
    expect(off.output[0]).toBe(plain.output[0]);
    expect(both.output[0]).not.toBe(plain.output[0]);
  }, 60_000);

  it('refuses bad input with 422 naming the field, before anything is queued', async () => {
    const hint = dataUri(await outline(64, 8));
    const unknown = await api('/api/v5/controlnet', { prompt: 'x', controlnet_model: 'no-such-controlnet', control_image: hint });
    expect(unknown.status).toBe(422);
    expect(JSON.stringify(unknown.body)).toContain('no-such-controlnet');
    const notControlNet = await api('/api/v5/controlnet', { prompt: 'x', controlnet_model: 'sd15', control_image: hint });
    expect(notControlNet.body.message?.controlnet_model ?? notControlNet.body.errors?.controlnet_model).toBeDefined();
    const scales = await api('/api/v5/controlnet', { prompt: 'x', controlnet_model: 'random-canny,random-seg', control_image: hint, controlnet_conditioning_scale: '1,0.5,0.2' });
    expect(scales.status).toBe(422);
    expect(JSON.stringify(scales.body)).toContain('controlnet_conditioning_scale');
    const notImage = await api('/api/v5/controlnet', { prompt: 'x', controlnet_model: 'random-canny', control_image: 'data:image/png;base64,bm90IGFuIGltYWdl' });
    expect(notImage.status).toBe(422);
    expect(JSON.stringify(notImage.body)).toContain('control_image');
    const noHint = await api('/api/v5/controlnet', { prompt: 'x', controlnet_model: 'random-canny' });
    expect(noHint.status).toBe(422);
    expect(JSON.stringify(noHint.body)).toContain('control_image');
    const ssrf = await finished({ prompt: 'x', controlnet_model: 'random-canny', control_image: 'http://127.0.0.1:1/hint.png', width: 64, height: 64 });
    expect(ssrf.status).toBe('failed');
    expect(JSON.stringify(ssrf)).toMatch(/control image/i);
  }, 60_000);
});

/**
 * The issue's "Done when": the docs' v5 payload (string numbers, auto_hint "yes", controlnet_model
 * "canny") with an init image — an easel-tiny-like picture of a red square on the left — gets a
 * picture whose object follows the hint's edges, though the prompt asks for a circle.
 */
describe('POST /api/v5/controlnet on easel-tiny and its trained canny ControlNet', () => {
  let easel: EmbeddedEaselInstance;
  let key: string;
  let close: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    ({ easel, key, close } = await startTestEasel());
  }, 60_000);
  afterAll(() => close?.());

  it('the object follows the edges auto_hint found in the init image (IoU ≥ 0.6)', async () => {
    const square = { x: 12, y: 42, side: 44 };
    const init = await encodePng(squarePicture(128, square, [40, 200, 60], [250, 250, 250]));
    const ious: number[] = [];
    for (const seed of ['1', '2']) {
      let body = (await post(`${easel.url}/api/v5/controlnet`, {
        key,
        controlnet_model: 'canny',
        controlnet_type: 'canny',
        auto_hint: 'yes',
        guess_mode: 'no',
        prompt: 'a red circle on a blue background',
        negative_prompt: null,
        init_image: dataUri(init),
        mask_image: null,
        width: '128',
        height: '128',
        samples: '1',
        num_inference_steps: '20',
        safety_checker: 'no',
        guidance_scale: 7.5,
        seed,
        webhook: null,
        track_id: null,
      })).body;
      while (body.status === 'processing') {
        await new Promise((resolve) => setTimeout(resolve, 300));
        body = (await post(`${easel.url}/api/v5/fetch/${body.id}`, { key })).body;
      }
      expect(body.status).toBe('success');
      const picture = await decodeImage(Buffer.from(await (await fetch(body.output[0])).arrayBuffer()));
      ious.push(maskIou(drawnRegion(picture), squareMask(128, square)));
    }
    console.log(`API canny IoU ${ious.map((v) => v.toFixed(2)).join(' ')}`);
    expect(ious.reduce((a, b) => a + b, 0) / ious.length).toBeGreaterThanOrEqual(0.6);
  }, 120_000);
});
