import { readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import sharp from 'sharp';
import { loadConfig } from '@easel/config';
import { startEmbedded } from '@easel/easel';
import {
  backgroundColour,
  coloursUnder,
  decodeImage,
  encodeMaskPng,
  encodePng,
  judgeObjectRemoval,
  judgeOutpaint,
  mainObject,
  type Mask,
} from '@easel/testing';
import { JUDGED_SYNC_WINDOW_MS, post, REPO_ROOT, tempHome } from './helpers';

/**
 * outpaint, object_removal, face_restore and super_resolution's face_enhance / temp through the
 * public API (embedded mode), judged on what the pictures show.
 */
const download = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
const dataUri = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;
const RANDOM_FACE_GRAPH = join(REPO_ROOT, 'models/face-restore-random/model.onnx');
/** temp: yes links expire this long after their job ended (short, so the test sees it happen). */
const TEMP_TTL_S = 3;

/** The mask grown by `r` pixels (what object_removal's mask_dilate does), for the judge's region. */
function grown(mask: Mask, r: number): Mask {
  const data = new Uint8Array(mask.data.length);
  for (let y = 0; y < mask.height; y++)
    for (let x = 0; x < mask.width; x++)
      if (mask.data[y * mask.width + x])
        for (let dy = -r; dy <= r; dy++)
          for (let dx = -r; dx <= r; dx++) {
            const [u, v] = [x + dx, y + dy];
            if (u >= 0 && v >= 0 && u < mask.width && v < mask.height) data[v * mask.width + u] = 1;
          }
  return { ...mask, data };
}

describe('image_editing fills through the public API (embedded mode)', () => {
  let easel: Awaited<ReturnType<typeof startEmbedded>>;
  let home: string;
  let key: string;
  let server: Server;
  let base: string;
  /** "a red circle on a blue background", drawn by easel-tiny (128×128). */
  let picture: Buffer;
  const api = (path: string, body: Record<string, unknown>) => post(`${easel.url}${path}`, { key, ...body });
  /** The job's final answer: a `processing` one (a busy machine) is fetched until it ends. */
  async function finished(
    path: string,
    body: Record<string, unknown>,
    fetchPath = '/api/v6/image_editing/fetch',
  ) {
    let answer = (await api(path, body)).body;
    while (answer.status === 'processing') {
      await new Promise((resolve) => setTimeout(resolve, 500));
      answer = (await api(`${fetchPath}/${answer.id}`, {})).body;
    }
    if (answer.status !== 'success') console.log(JSON.stringify(answer).slice(0, 600));
    return answer;
  }

  beforeAll(async () => {
    const graph = await readFile(RANDOM_FACE_GRAPH);
    server = createServer((_req, res) => res.end(graph));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    home = await tempHome();
    easel = await startEmbedded(
      loadConfig({
        EASEL_HOME: home,
        PORT: '0',
        EASEL_LOG_LEVEL: 'error',
        EASEL_FETCH_ALLOW_HOSTS: '127.0.0.1',
        EASEL_TEMP_LINK_TTL_S: String(TEMP_TTL_S),
        EASEL_SYNC_WINDOW_MS: JUDGED_SYNC_WINDOW_MS,
      }),
    );
    key = easel.adminKey!;
    const generated = await finished(
      '/api/v3/text2img',
      { prompt: 'a red circle on a blue background', seed: 42, num_inference_steps: 20 },
      '/api/v3/fetch',
    );
    picture = await download(generated.output[0]);
  }, 120_000);
  afterAll(async () => {
    await easel?.close();
    server?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('outpaint (v6, grown by sides): the picture is kept byte for byte outside the blend band, and the seam steps like the picture itself', async () => {
    const original = await decodeImage(picture);
    const body = await finished('/api/v6/image_editing/outpaint', {
      image: dataUri(picture),
      prompt: 'a red circle on a blue background',
      left: 48,
      right: 16,
      top: 0,
      bottom: 32,
      overlap_width: 8,
      num_inference_steps: 8,
      seed: 3,
      track_id: 'op1',
    });
    expect(body).toMatchObject({
      status: 'success',
      track_id: 'op1',
      meta: {
        W: 192,
        H: 160,
        image_x: 48,
        image_y: 0,
        image_W: 128,
        image_H: 128,
        image_scale: 1,
        overlap_width: 8,
        seed: 3,
      },
    });
    const out = await decodeImage(await download(body.output[0]));
    expect([out.width, out.height]).toEqual([192, 160]);
    const verdict = judgeOutpaint(out, original, {
      x: 48,
      y: 0,
      width: 128,
      height: 128,
      bands: { left: 8, right: 8, top: 0, bottom: 8 },
    });
    console.log(
      `outpaint (easel-tiny, 8 steps): ${verdict.changed} of ${verdict.kept} kept pixels changed; seam step ${verdict.seamStep.toFixed(2)}, the picture's own ${verdict.ownStep.toFixed(2)}`,
    );
    expect(verdict.changed).toBe(0);
    expect(verdict.seamStep).toBeLessThan(verdict.ownStep + 4);
    // The fill is the picture's background, not another colour.
    const bg = backgroundColour(original);
    const corner = backgroundColour(out);
    expect(Math.hypot(bg[0] - corner[0], bg[1] - corner[1], bg[2] - corner[2])).toBeLessThan(60);
  });

  it('outpaint (v3 alias, target size): the picture centred, the default prompt, base64 out; no band where the canvas did not grow', async () => {
    const body = await finished('/api/v3/outpaint', {
      image: dataUri(picture),
      width: 128,
      height: 176,
      num_inference_steps: 6,
      seed: 4,
      base64: 'yes',
    });
    expect(body).toMatchObject({
      status: 'success',
      meta: {
        W: 128,
        H: 176,
        image_x: 0,
        image_y: 24,
        prompt: 'high quality',
        negative_prompt: 'low quality',
      },
    });
    const out = await decodeImage(Buffer.from(body.output[0], 'base64'));
    const verdict = judgeOutpaint(out, await decodeImage(picture), {
      x: 0,
      y: 24,
      width: 128,
      height: 128,
      bands: { left: 0, right: 0, top: 10, bottom: 10 },
    });
    expect(verdict.changed).toBe(0);
  });

  it('object_removal (v6) "remove the red circle": no red left where the circle was, the hole the colour of the background around it', async () => {
    const image = await decodeImage(picture);
    const circle = mainObject(image, backgroundColour(image))!;
    const body = await finished('/api/v6/image_editing/object_removal', {
      image: dataUri(picture),
      prompt: 'remove the red circle',
      track_id: 'or1',
    });
    expect(body).toMatchObject({
      status: 'success',
      track_id: 'or1',
      meta: { colour: 'red', W: 128, H: 128, method: 'telea' },
    });
    const out = await decodeImage(await download(body.output[0]));
    const verdict = judgeObjectRemoval(out, circle.mask, coloursUnder(image, circle.mask));
    console.log(
      `object_removal (easel-tiny red circle, by colour): trace ${verdict.trace.toFixed(3)}, fill–surroundings colour distance ${verdict.fillDistance.toFixed(1)}, mask_fraction ${body.meta.mask_fraction}`,
    );
    expect(verdict.trace).toBeLessThanOrEqual(0.01);
    expect(verdict.fillDistance).toBeLessThan(25);
    expect(body.meta.mask_fraction).toBeGreaterThan(0.05);
  });

  it('object_removal (v3 alias) with a mask_image: the masked object gone, base64 out', async () => {
    const image = await decodeImage(picture);
    const circle = mainObject(image, backgroundColour(image))!;
    const mask = await encodeMaskPng(grown(circle.mask, 2));
    const body = await finished('/api/v3/object_removal', {
      image: dataUri(picture),
      mask_image: dataUri(mask),
      base64: 'yes',
    });
    expect(body).toMatchObject({ status: 'success', meta: { colour: null } });
    const out = await decodeImage(Buffer.from(body.output[0], 'base64'));
    const verdict = judgeObjectRemoval(out, circle.mask, coloursUnder(image, circle.mask));
    expect(verdict.trace).toBeLessThanOrEqual(0.01);
    expect(verdict.fillDistance).toBeLessThan(25);
  });

  it('face_restore and face_enhance: refused naming the field until a face_restore model is loaded; then a random graph with GFPGAN’s interface runs, at the input size', async () => {
    const face = await encodePng({
      width: 72,
      height: 56,
      data: (await sharp(picture).resize(72, 56).raw().toBuffer()) as unknown as Uint8Array,
    });
    const refused = await api('/api/v6/image_editing/face_restore', { image: dataUri(face) });
    expect(refused.status).toBe(422);
    expect(refused.body).toMatchObject({
      status: 'error',
      message: { model_id: [expect.stringContaining('no face_restore model is loaded')] },
    });
    const enhance = await api('/api/v6/image_editing/super_resolution', {
      url: dataUri(face),
      face_enhance: 'yes',
      scale: 2,
    });
    expect(enhance.status).toBe(422);
    expect(Object.keys(enhance.body.message)).toEqual(['face_enhance']);

    const load = await api('/api/v3/load_model', {
      url: `${base}/gfpgan.onnx`,
      model_id: 'gfpgan-random',
      model_category: 'face_restore',
      model_format: 'onnx',
    });
    expect(load.body).toMatchObject({ status: 'success' });
    for (let i = 0; i < 100; i++) {
      const models = (await api('/api/v4/dreambooth/model_list', {})).body as unknown as Array<
        Record<string, string>
      >;
      const model = models.find((m) => m.model_id === 'gfpgan-random');
      if (model?.status === 'model_ready') break;
      expect(model?.status).not.toBe('failed');
      await new Promise((r) => setTimeout(r, 100));
    }
    const restored = await finished('/api/v3/face_restore', { image: dataUri(face), fidelity: '0.7' });
    expect(restored).toMatchObject({
      status: 'success',
      meta: { model_id: 'gfpgan-random', W: 72, H: 56, fidelity: 0.7 },
    });
    expect(await sharp(await download(restored.output[0])).metadata()).toMatchObject({
      format: 'png',
      width: 72,
      height: 56,
    });

    const upscaled = await finished('/api/v6/image_editing/super_resolution', {
      url: dataUri(face),
      face_enhance: 'yes',
      scale: 2,
    });
    expect(upscaled).toMatchObject({
      status: 'success',
      meta: { face_enhance: 'yes', face_model: 'gfpgan-random', W: 144, H: 112 },
    });
    expect(upscaled.timings).toHaveProperty('face_enhance');
  });

  it('super_resolution temp: yes reaches the job: its link expires (410) after EASEL_TEMP_LINK_TTL_S, a plain job’s does not', async () => {
    const small = dataUri(await sharp(picture).resize(32, 32).png().toBuffer());
    const temp = await finished('/api/v3/super_resolution', { init_image: small, scale: 2, temp: 'yes' });
    const kept = await finished('/api/v3/super_resolution', { init_image: small, scale: 3 });
    expect(temp).toMatchObject({ status: 'success', meta: { temp: 'yes' } });
    expect((await fetch(temp.output[0])).status).toBe(200);
    await new Promise((r) => setTimeout(r, (TEMP_TTL_S + 1) * 1000));
    expect((await fetch(temp.output[0])).status).toBe(410);
    expect((await fetch(kept.output[0])).status).toBe(200);
  });

  it('bad fields are refused at once with 422 in the documented shape, each named', async () => {
    const outpaint = await api('/api/v6/image_editing/outpaint', {
      image: dataUri(picture),
      overlap_width: 50,
      num_inference_steps: 31,
      width: 2000,
      left: -1,
    });
    expect(outpaint.status).toBe(422);
    expect(outpaint.body.status).toBe('error');
    expect(Object.keys(outpaint.body.message).sort()).toEqual([
      'left',
      'num_inference_steps',
      'overlap_width',
      'width',
    ]);
    const grownTooFar = await api('/api/v3/outpaint', { image: dataUri(picture), right: 1024, left: 300 });
    expect(grownTooFar.body.message).toEqual({
      right: ['The canvas (image width + left + right) must not be greater than 1440; it is 1452.'],
    });
    const noColour = await api('/api/v6/image_editing/object_removal', {
      image: dataUri(picture),
      prompt: 'remove the circle',
    });
    expect(noColour.status).toBe(422);
    expect(Object.keys(noColour.body.message)).toEqual(['prompt']);
    const mask = dataUri(
      await sharp({ create: { width: 64, height: 64, channels: 3, background: 'white' } })
        .png()
        .toBuffer(),
    );
    const wrongSize = await api('/api/v3/object_removal', { image: dataUri(picture), mask_image: mask });
    expect(wrongSize.body.message).toEqual({
      mask_image: ['The mask image must be the size of the image (128×128); it is 64×64.'],
    });
    const missing = await api('/api/v6/image_editing/face_restore', {});
    expect(missing.body.message).toEqual({ image: ['The image field is required.'] });
  });
});
