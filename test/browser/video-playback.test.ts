import { chromium, type Browser, type Page } from 'playwright-core';
import { encodeVideo } from '@easel/engine-video';
import { judgeMotion, type RgbImage } from '@easel/testing';
import { followToEnd, post, startTestEasel } from '../e2e/helpers';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** A clip whose frames differ: a gradient background and a square that moves right and changes colour. */
function syntheticClip(frames: number, width: number, height: number): Uint8Array[] {
  return Array.from({ length: frames }, (_, f) => {
    const rgb = new Uint8Array(width * height * 3);
    const x0 = Math.round((f / Math.max(1, frames - 1)) * (width - 40));
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 3;
        const inSquare = x >= x0 && x < x0 + 32 && y >= height / 2 - 16 && y < height / 2 + 16;
        rgb[i] = inSquare ? 230 : Math.round((x / width) * 200);
        rgb[i + 1] = inSquare ? Math.round((f / frames) * 200) : 60;
        rgb[i + 2] = inSquare ? 40 : Math.round((y / height) * 220);
      }
    }
    return rgb;
  });
}

function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  const mse = se / a.length;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

/**
 * Each frame of the <video> as RGB: seek a quarter into its display interval (at the half, Chromium
 * shows the next one), wait until that frame is presented, draw it on a canvas. `seeked` alone is not
 * enough: under load Chromium fired it while the previous frame was still the one on screen (one frame
 * of a clip read back at 22 dB), so the capture waits for requestVideoFrameCallback to report the
 * frame whose media time is the one sought, and seeks again if another one was shown.
 */
async function decodeInBrowser(page: Page, mp4: Buffer, fps: number, frames: number) {
  return page.evaluate(
    async ({ b64, fps, frames }) => {
      const video = document.createElement('video');
      video.muted = true;
      // in the document, so that its frames are composited and requestVideoFrameCallback fires
      document.body.append(video);
      video.src = `data:video/mp4;base64,${b64}`;
      await new Promise<void>((resolve, reject) => {
        video.onloadeddata = () => resolve();
        video.onerror = () => reject(new Error(`video error ${video.error?.code}: ${video.error?.message}`));
      });
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      const ctx = canvas.getContext('2d', { willReadFrequently: true })!;
      const presented = () =>
        new Promise<number | null>((resolve) => {
          const timer = setTimeout(() => resolve(null), 3000);
          video.requestVideoFrameCallback((_now, metadata) => {
            clearTimeout(timer);
            resolve(metadata.mediaTime);
          });
        });
      const seek = (time: number) =>
        new Promise<void>((resolve) => {
          video.onseeked = () => resolve();
          video.currentTime = time;
        });
      // Each frame crosses back as base64: a number[] per pixel made the transfer most of the test's time.
      const out: string[] = [];
      const shown: (number | null)[] = [];
      for (let i = 0; i < frames; i++) {
        let mediaTime: number | null = null;
        for (let attempt = 0; attempt < 3 && (mediaTime === null || Math.round(mediaTime * fps) !== i); attempt++) {
          // away and back, so that a second attempt is a real seek and presents a frame again
          if (attempt > 0) await seek(((i + 1) % frames + 0.25) / fps);
          const frame = presented();
          await seek((i + 0.25) / fps);
          mediaTime = await frame;
        }
        shown.push(mediaTime);
        ctx.drawImage(video, 0, 0);
        const rgba = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        let binary = '';
        for (let p = 0; p < rgba.length; p += 4) binary += String.fromCharCode(rgba[p], rgba[p + 1], rgba[p + 2]);
        out.push(btoa(binary));
      }
      video.remove();
      return { width: video.videoWidth, height: video.videoHeight, duration: video.duration, canPlay: video.canPlayType('video/mp4; codecs="avc1.42C01E"'), frames: out, shown };
    },
    { b64: mp4.toString('base64'), fps, frames },
  ).then((decoded) => ({ ...decoded, frames: decoded.frames.map((b64) => new Uint8Array(Buffer.from(b64, 'base64'))) }));
}

describe('MP4 from the video encoder, played back in Chromium', () => {
  let browser: Browser;
  let page: Page;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--autoplay-policy=no-user-gesture-required'] });
    page = await browser.newPage();
    await page.setContent('<!doctype html><title>decode</title>');
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
  });

  it.each([
    [128, 128, 16, 8],
    [200, 120, 9, 12],
  ])('%i×%i, %i frames at %i fps: every frame comes back where it was, PSNR over 30 dB (4:2:0 chroma at sharp coloured edges is the only loss)', async (width, height, count, fps) => {
    const source = syntheticClip(count, width, height);
    const video = encodeVideo(source, width, height, fps, 'mp4');
    expect(video.contentType).toMatch(/^video\/mp4; codecs="avc1\.42C0[0-9A-F]{2}"$/);
    const decoded = await decodeInBrowser(page, video.data, fps, count);
    expect(decoded.canPlay).not.toBe('');
    expect([decoded.width, decoded.height]).toEqual([width, height]);
    expect(decoded.duration).toBeCloseTo(count / fps, 1);
    // Chromium reported presenting each frame at its own media time
    expect(decoded.shown.map((t) => (t === null ? null : Math.round(t * fps)))).toEqual(source.map((_, i) => i));
    const scores = decoded.frames.map((rgb, i) => psnr(rgb, source[i]));
    // every frame matches its own source far better than its neighbour: the order and count are right
    for (let i = 0; i < count; i++) {
      expect(scores[i]).toBeGreaterThan(30);
      if (i > 0) expect(psnr(decoded.frames[i]!, source[i - 1]!)).toBeLessThan(scores[i] - 5);
    }
  });
});

describe('a docs-shaped text2video request, played in Chromium', () => {
  let browser: Browser;
  let ctx: Awaited<ReturnType<typeof startTestEasel>>;
  beforeAll(async () => {
    ctx = await startTestEasel({ EASEL_ORT_THREADS: '2' });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu'] });
  }, 60_000);
  afterAll(async () => {
    await browser?.close();
    await ctx?.close();
  });

  it('plays as an MP4 in a <video> and shows the named object on the named background in every frame', async () => {
    // a clip longer than the sync window answers processing: followed to its end, as a client does
    const r = await followToEnd(await post(`${ctx.easel.url}/api/v6/video/text2video`, { key: ctx.key, prompt: 'a yellow circle moving to the left on a purple background', output_type: 'mp4', seed: 11 }), ctx.key);
    expect(r.body.status).toBe('success');
    const mp4 = Buffer.from(await (await fetch(r.body.output[0])).arrayBuffer());
    const page = await browser.newPage();
    await page.setContent('<!doctype html><title>play</title>');
    const decoded = await decodeInBrowser(page, mp4, r.body.meta.fps, r.body.meta.num_frames);
    expect(decoded.frames).toHaveLength(16);
    expect(decoded.duration).toBeCloseTo(2, 1);
    const frames: RgbImage[] = decoded.frames.map((rgb) => ({ width: decoded.width, height: decoded.height, data: rgb }));
    const verdict = judgeMotion(frames, { motion: 'left', color: 'yellow', shape: 'circle', background: 'purple' });
    expect(verdict.backgroundFrames).toBe(1);
    expect(verdict.colourFrames).toBeGreaterThanOrEqual(0.75);
    console.log(`video playback: judged ${verdict.direction} (dx ${verdict.dx.toFixed(2)}, dy ${verdict.dy.toFixed(2)})`);
    // what Chromium decoded shows the motion the prompt names (the bundled model: 40/40 held-out prompts at seed 1)
    expect(verdict.direction).toBe('left');
  });
});
