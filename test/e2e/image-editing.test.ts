import { rm } from 'node:fs/promises';
import sharp from 'sharp';
import { loadConfig } from '@easel/config';
import { startEmbedded } from '@easel/easel';
import {
  alphaMaskIou,
  backgroundColour,
  decodeImage,
  encodePng,
  mainObject,
  makeComposite,
} from '@easel/testing';
import { JUDGED_SYNC_WINDOW_MS, post, tempHome } from './helpers';

const download = async (url: string) => Buffer.from(await (await fetch(url)).arrayBuffer());
const dataUri = (png: Buffer) => `data:image/png;base64,${png.toString('base64')}`;

describe('image_editing through the public API (embedded mode)', () => {
  let easel: Awaited<ReturnType<typeof startEmbedded>>;
  let home: string;
  let key: string;
  const api = (path: string, body: Record<string, unknown>) => post(`${easel.url}${path}`, { key, ...body });
  /** The job's final answer: a `processing` one (a busy machine) is fetched until it ends. */
  async function finished(path: string, body: Record<string, unknown>, fetchPath: string) {
    let answer = (await api(path, body)).body;
    while (answer.status === 'processing') {
      await new Promise((resolve) => setTimeout(resolve, 500));
      answer = (await api(`${fetchPath}/${answer.id}`, {})).body;
    }
    return answer;
  }

  beforeAll(async () => {
    home = await tempHome();
    easel = await startEmbedded(loadConfig({ EASEL_HOME: home, PORT: '0', EASEL_LOG_LEVEL: 'error', EASEL_SYNC_WINDOW_MS: JUDGED_SYNC_WINDOW_MS }));
    key = easel.adminKey!;
  }, 60_000);
  afterAll(async () => {
    await easel?.close();
    await rm(home, { recursive: true, force: true });
  });

  it('removebg_mask (v6): a held-out composite comes back as an RGBA PNG whose opaque part is the object; fetch alias and meta agree', async () => {
    const composite = makeComposite(2001);
    const body = await finished(
      '/api/v6/image_editing/removebg_mask',
      { image: dataUri(await encodePng(composite.image)), seed: '5', track_id: 'rb1' },
      '/api/v6/image_editing/fetch',
    );
    expect(body).toMatchObject({
      status: 'success',
      track_id: 'rb1',
      meta: { W: 256, H: 256, seed: 5, only_mask: 'no' },
    });
    const png = await download(body.output[0]);
    expect(await sharp(png).metadata()).toMatchObject({ format: 'png', channels: 4, width: 256 });
    expect(await alphaMaskIou(png, composite.truth)).toBeGreaterThan(0.9);
    const fetched = await api(`/api/v6/image_editing/fetch/${body.id}`, {});
    expect(fetched.body).toMatchObject({ status: 'success', id: body.id, output: body.output });
  });

  it('removebg_mask on an easel-tiny picture ("a red circle on a blue background"): the kept part is the circle the judge finds', async () => {
    const generated = await finished(
      '/api/v3/text2img',
      { prompt: 'a red circle on a blue background', seed: 42, num_inference_steps: 12 },
      '/api/v3/fetch',
    );
    expect(generated.status).toBe('success');
    const picture = await download(generated.output[0]);
    const image = await decodeImage(picture);
    const circle = mainObject(image, backgroundColour(image))!;
    expect(circle).not.toBeNull();
    // v3 alias, base64 out, the mask alone.
    const body = await finished(
      '/api/v3/removebg_mask',
      { image: dataUri(picture), only_mask: 'yes', base64: 'yes' },
      '/api/v6/image_editing/fetch',
    );
    if (body.status !== 'success') console.log(JSON.stringify(body).slice(0, 500));
    expect(body).toMatchObject({ status: 'success', meta: { only_mask: 'yes' } });
    const mask = Buffer.from(body.output[0], 'base64');
    expect((await sharp(mask).metadata()).channels).toBe(1);
    const iou = await alphaMaskIou(mask, circle.mask);
    console.log(`easel-tiny red circle: removebg_mask IoU with the judge's circle ${iou.toFixed(3)}`);
    expect(iou).toBeGreaterThan(0.9);
  });

  it('bad fields are refused at once with 422, each named (Laravel sentences); nothing queued', async () => {
    const { status, body } = await api('/api/v6/image_editing/removebg_mask', {
      image: 'not an image',
      alpha_matting_foreground_threshold: 300,
      alpha_matting_erode_size: 'x',
    });
    expect(status).toBe(422);
    expect(Object.keys(body.message).sort()).toEqual([
      'alpha_matting_erode_size',
      'alpha_matting_foreground_threshold',
      'image',
    ]);
    const missing = await api('/api/v3/removebg_mask', {});
    expect(missing.body.message).toEqual({ image: ['The image field is required.'] });
  });

  it('inpaint lives at /api/v6/image_editing/inpaint too: the masked half is repainted, the other kept', async () => {
    const composite = makeComposite(2002);
    const init = await encodePng(composite.image);
    const mask = await sharp({ create: { width: 256, height: 256, channels: 3, background: '#000' } })
      .composite([{ input: await sharp({ create: { width: 128, height: 256, channels: 3, background: '#fff' } }).png().toBuffer(), left: 0, top: 0 }])
      .png()
      .toBuffer();
    const body = await finished(
      '/api/v6/image_editing/inpaint',
      { prompt: 'a blue background', init_image: dataUri(init), mask_image: dataUri(mask), width: 256, height: 256, num_inference_steps: 4, seed: 1, safety_checker: 'no' },
      '/api/v3/fetch',
    );
    expect(body).toMatchObject({ status: 'success', meta: { W: 256, H: 256 } });
  });
});
