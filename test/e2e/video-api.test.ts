import sharp from 'sharp';
import { judgeMotion, videoHeldOut, type HeldOutMotion, type MotionVerdict, type RgbImage } from '@easel/testing';
import { createTenant, followToEnd, post, startTestEasel } from './helpers';

/**
 * The video family through the HTTP API on embedded Easel with the bundled easel-tiny-motion:
 * text2video and img2video in the docs' shape, the held-out motion prompts judged frame by frame,
 * seeds, limits, credits, instant answers and progress events.
 */

/**
 * The bar: 80 % of the held-out prompts move the named way. The bundled model moved all 20 of these
 * (and 40/40 of the whole set at seed 1, 39/40 at seed 2; gliding without a jump 70 %) when it was trained.
 */
const MIN_DIRECTION_SHARE = 0.8;
/** Prompts per direction judged here (VIDEO_HELDOUT_PER_DIRECTION=10: all 40, for the model card's figure). */
const PER_DIRECTION = Number(process.env.VIDEO_HELDOUT_PER_DIRECTION ?? 5);

/** Every frame of an animated GIF, as the judge reads images. */
async function gifFrames(gif: Buffer): Promise<RgbImage[]> {
  const { data, info } = await sharp(gif, { animated: true }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const pages = info.pages ?? 1;
  const height = info.height / pages;
  const size = info.width * height * 3;
  return Array.from({ length: pages }, (_, i) => ({ width: info.width, height, data: new Uint8Array(data.subarray(i * size, (i + 1) * size)) }));
}

describe('video through the API (text2video, img2video)', () => {
  let ctx: Awaited<ReturnType<typeof startTestEasel>>;
  let url: string;
  let key: string;
  const api = (path: string, body: Record<string, unknown>, withKey = key) => post(`${url}${path}`, { key: withKey, ...body });
  /** A clip longer than the sync window answers `processing`: followed to its end. */
  const settled = (r: Awaited<ReturnType<typeof post>>, withKey = key) => followToEnd(r, withKey);
  const download = async (link: string) => {
    const r = await fetch(link);
    return { type: r.headers.get('content-type'), body: Buffer.from(await r.arrayBuffer()) };
  };

  beforeAll(async () => {
    ctx = await startTestEasel({ EASEL_WORKER_CONCURRENCY: '1', EASEL_ORT_THREADS: '2' });
    url = ctx.easel.url;
    key = ctx.key;
  }, 60_000);
  afterAll(() => ctx?.close());

  const tenant = (name: string, credits: string) => createTenant(url, key, name, credits);

  it('answers the docs-shaped text2video request with an H.264 MP4 link, its meta, and charges 0.05 per frame', async () => {
    const own = await tenant('director', '5');
    const first = await api('/api/v6/video/text2video', { prompt: 'a red circle moving to the right on a blue background', negative_prompt: 'blurry', output_type: 'mp4', seed: 42 }, own.key);
    expect([200, 202]).toContain(first.status);
    const r = await settled(first, own.key);
    expect(r.body).toMatchObject({
      status: 'success',
      meta: { model_id: 'easel-tiny-motion', num_frames: 16, fps: 8, W: 128, H: 128, num_inference_steps: 20, guidance_scale: 7.5, seed: 42, output_type: 'mp4', duration_seconds: 2 },
    });
    expect(r.body.output).toHaveLength(1);
    expect(r.body.output[0]).toMatch(/\.mp4$/);
    const file = await download(r.body.output[0]);
    expect(file.type).toBe('video/mp4');
    expect(file.body.subarray(4, 8).toString('latin1')).toBe('ftyp');
    expect(file.body.includes(Buffer.from('avc1'))).toBe(true);
    expect(await own.balance()).toBe((5 - 16 * 0.05).toFixed(3));
  });

  it(`moves the object the named way in ≥ ${MIN_DIRECTION_SHARE * 100} % of the held-out prompts (the measured floor), colour and size steady from frame to frame`, async () => {
    const set = (['left', 'right', 'up', 'down'] as const).flatMap((d) => videoHeldOut().filter((p) => p.motion === d).slice(0, PER_DIRECTION));
    const verdicts: Array<{ prompt: HeldOutMotion; verdict: MotionVerdict }> = [];
    for (const prompt of set) {
      const r = await settled(await api('/api/v6/video/text2video', { prompt: prompt.prompt, num_frames: 8, output_type: 'gif', seed: 1 }));
      expect(r.body.status).toBe('success');
      const frames = await gifFrames((await download(r.body.output[0])).body);
      expect(frames).toHaveLength(8);
      verdicts.push({ prompt, verdict: judgeMotion(frames, prompt) });
    }
    const share = (test: (v: MotionVerdict) => boolean) => verdicts.filter(({ verdict }) => test(verdict)).length / verdicts.length;
    const mean = (f: (v: MotionVerdict) => number) => verdicts.reduce((s, { verdict }) => s + f(verdict), 0) / verdicts.length;
    const report = {
      prompts: verdicts.length,
      direction: share((v) => v.directionRight),
      glides: share((v) => v.glidesRight),
      largestStep: Math.max(...verdicts.map(({ verdict }) => verdict.maxStep)),
      colourFrames: mean((v) => v.colourFrames),
      shapeFrames: mean((v) => v.shapeFrames),
      backgroundFrames: mean((v) => v.backgroundFrames),
      maxColourStep: mean((v) => v.maxColourStep),
      areaVariation: mean((v) => v.areaVariation),
      wrong: verdicts.filter(({ verdict }) => !verdict.directionRight).map(({ prompt, verdict }) => `${prompt.prompt}: ${verdict.direction} (dx ${verdict.dx.toFixed(2)}, dy ${verdict.dy.toFixed(2)})`),
    };
    console.log(`video held-out: ${JSON.stringify(report, null, 1)}`);
    expect(report.direction).toBeGreaterThanOrEqual(MIN_DIRECTION_SHARE);
    // colour judged per frame as the image judge does, and steady: the object keeps its colour and size while it moves
    expect(report.backgroundFrames).toBeGreaterThanOrEqual(0.9);
    expect(report.colourFrames).toBeGreaterThanOrEqual(0.7);
    expect(report.maxColourStep).toBeLessThan(60);
    expect(report.areaVariation).toBeLessThan(0.35);
  }, 600_000);

  it('gives the same bytes for the same seed, and another clip for another seed', async () => {
    const body = { prompt: 'a green square moving up on a black background', num_frames: 6, num_inference_steps: 8, output_type: 'mp4' };
    // the same body twice from one key within 30 s is the spam filter's: the repeat comes from another tenant
    const again = await tenant('same-seed', '1');
    const runs = await Promise.all([
      settled(await api('/api/v6/video/text2video', { ...body, seed: 5 })),
      settled(await api('/api/v6/video/text2video', { ...body, seed: 5 }, again.key), again.key),
      settled(await api('/api/v6/video/text2video', { ...body, seed: 6 })),
    ]);
    const [fa, fb, fc] = await Promise.all(runs.map((r) => download(r.body.output[0])));
    expect(fa.body.equals(fb.body)).toBe(true);
    expect(fa.body.equals(fc.body)).toBe(false);
  });

  it('img2video starts from the picture and moves it as the prompt says', async () => {
    const picture = await sharp(Buffer.from('<svg width="128" height="128"><rect width="128" height="128" fill="rgb(30,170,50)"/><circle cx="36" cy="64" r="18" fill="rgb(245,225,40)"/></svg>')).png().toBuffer();
    const r = await settled(await api('/api/v6/video/img2video', {
      init_image: picture.toString('base64'),
      prompt: 'a yellow circle moving to the right on a green background',
      num_frames: 8,
      output_type: 'gif',
      seed: 3,
    }));
    expect(r.status).toBe(200);
    expect(r.body.meta).toMatchObject({ min_guidance_scale: 1, max_guidance_scale: 3, motion_bucket_id: 127, noise_aug_strength: 0.02 });
    const frames = await gifFrames((await download(r.body.output[0])).body);
    const v = judgeMotion(frames, { motion: 'right', color: 'yellow', shape: 'circle', background: 'green' });
    // the first frame is the picture: its object where it was drawn
    expect(v.frames[0].object?.color).toBe('yellow');
    expect(Math.abs(v.frames[0].object!.centroid.x - 36)).toBeLessThan(8);
    expect(v.frames[0].background).toBe('green');
    expect(v.dx).toBeGreaterThan(0);
  });

  it.each([
    ['text2video', { prompt: 'a red circle', num_frames: 26 }, 'num_frames'],
    ['text2video', { prompt: 'a red circle', width: 100 }, 'width'],
    ['text2video', { prompt: 'a red circle', height: 1024 }, 'height'],
    ['text2video', { prompt: 'a red circle', output_type: 'webm' }, 'output_type'],
    ['text2video', { prompt: 'a red circle', num_inference_steps: 51 }, 'num_inference_steps'],
    ['text2video', { prompt: 'a red circle', guidance_scale: 9 }, 'guidance_scale'],
    ['text2video', { num_frames: 8 }, 'prompt'],
    ['img2video', { prompt: 'a red circle' }, 'init_image'],
    ['img2video', { init_image: 'aGVsbG8=', fps: 20 }, 'fps'],
    ['img2video', { init_image: 'aGVsbG8=', min_guidance_scale: 5, max_guidance_scale: 2 }, 'min_guidance_scale'],
  ])('%s with %j is a 422 naming %s, and nothing is charged', async (endpoint, body, field) => {
    const own = await tenant(`bad-${endpoint}-${field}`, '1');
    const r = await api(`/api/v6/video/${endpoint}`, body, own.key);
    expect(r.status).toBe(422);
    expect(r.body.status).toBe('error');
    expect(Object.keys(r.body.message)).toContain(field);
    expect(await own.balance()).toBe('1.000');
  });

  it('an image model named as the video model is "Model id not found"', async () => {
    const r = await api('/api/v6/video/text2video', { prompt: 'a red circle', model_id: 'easel-tiny' });
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ status: 'error', message: 'Model id not found' });
  });

  it('instant_response answers processing with an eta and the future link; fetch and the events follow it to the end', async () => {
    const r = await api('/api/v6/video/text2video', { prompt: 'a blue star moving down on a white background', num_frames: 6, num_inference_steps: 6, instant_response: 'yes', output_type: 'gif' });
    expect(r.body).toMatchObject({ status: 'processing', fetch_result: `${url}/api/v6/video/fetch/${r.body.id}` });
    expect(r.body.eta).toBeGreaterThan(0);
    expect(r.body.future_links[0]).toMatch(/\.gif$/);
    const events = await fetch(`${url}/api/v3/jobs/${r.body.id}/events`, { headers: { authorization: `Bearer ${key}` } });
    const text = await events.text();
    const progress = [...text.matchAll(/event: progress\ndata: (.*)/g)].map((m) => JSON.parse(m[1]) as { step: number; total: number; phase?: string });
    expect(progress.some((p) => p.phase === 'denoise')).toBe(true);
    expect(progress.some((p) => p.phase === 'decode')).toBe(true);
    expect(progress.every((p) => p.total === 12)).toBe(true);
    const done = await api(`/api/v6/video/fetch/${r.body.id}`, {});
    expect(done.body).toMatchObject({ status: 'success', output: [r.body.future_links[0]] });
  });
});
