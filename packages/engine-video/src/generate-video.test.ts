import { join } from 'node:path';
import sharp from 'sharp';
import { CancelledError, InvalidRequestError } from '@easel/engine-diffusion';
import { generateVideo, type VideoProgress } from './generate-video';
import { loadVideoModel, type VideoModel } from './video-model';
import type { VideoRequest } from './video-request';

const MODELS = join(__dirname, '../../../models');

/** The bundled motion model over easel-tiny: few frames and steps keep it quick. */
describe('generateVideo on easel-tiny-motion', () => {
  let model: VideoModel;
  beforeAll(async () => {
    model = await loadVideoModel(join(MODELS, 'easel-tiny-motion'), join(MODELS, 'easel-tiny'), { intraOpNumThreads: 1 });
  });
  afterAll(() => model?.release());

  const request = (over: Partial<VideoRequest> = {}): VideoRequest => ({
    prompt: 'a red circle moving to the right on a blue background',
    numFrames: 4,
    width: 64,
    height: 64,
    steps: 3,
    guidanceScale: 7.5,
    seed: 7,
    ...over,
  });

  it('gives every frame at the size asked, reports each step and frame, and the same seed gives the same frames', async () => {
    const events: VideoProgress[] = [];
    const a = await generateVideo(model, request(), { onProgress: (e) => events.push(e) });
    expect(a.frames).toHaveLength(4);
    expect(a.frames.every((f) => f.length === 64 * 64 * 3)).toBe(true);
    expect(events.map((e) => `${e.phase}:${e.step}/${e.total}${e.frame ? `#${e.frame}` : ''}`)).toEqual([
      'denoise:1/7',
      'denoise:2/7',
      'denoise:3/7',
      'decode:4/7#1',
      'decode:5/7#2',
      'decode:6/7#3',
      'decode:7/7#4',
    ]);
    const again = await generateVideo(model, request());
    expect(again.frames.map((f) => Buffer.from(f).toString('base64'))).toEqual(a.frames.map((f) => Buffer.from(f).toString('base64')));
    const other = await generateVideo(model, request({ seed: 8 }));
    expect(Buffer.compare(Buffer.from(other.frames[0]), Buffer.from(a.frames[0]))).not.toBe(0);
  });

  it('img2video keeps the given picture as the first frame', async () => {
    const picture = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#1e3cdc' } })
      .composite([{ input: Buffer.from('<svg width="64" height="64"><circle cx="20" cy="32" r="10" fill="#dc1e1e"/></svg>'), top: 0, left: 0 }])
      .png()
      .toBuffer();
    const clip = await generateVideo(model, request({ initImage: picture, minGuidanceScale: 1, maxGuidanceScale: 3, noiseAugStrength: 0 }));
    const expected = await sharp(picture).removeAlpha().raw().toBuffer();
    let diff = 0;
    for (let i = 0; i < expected.length; i++) diff += Math.abs(expected[i] - clip.frames[0][i]);
    // the VAE's round trip is the only change: a few levels per channel on average
    expect(diff / expected.length).toBeLessThan(12);
  });

  it('stops when its signal aborts', async () => {
    const abort = new AbortController();
    const run = generateVideo(model, request({ steps: 10 }), { signal: abort.signal, onProgress: (e) => e.step === 2 && abort.abort() });
    await expect(run).rejects.toBeInstanceOf(CancelledError);
  });

  it.each([
    [{ numFrames: 1 }, 'num_frames'],
    [{ width: 100 }, 'width'],
    [{ height: 1024 }, 'height'],
    [{ steps: 0 }, 'num_inference_steps'],
  ])('refuses %j naming %s', async (over, field) => {
    const run = generateVideo(model, request(over as Partial<VideoRequest>));
    await expect(run).rejects.toBeInstanceOf(InvalidRequestError);
    await expect(run).rejects.toMatchObject({ field });
  });
});
