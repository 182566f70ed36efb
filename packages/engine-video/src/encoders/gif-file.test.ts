import sharp from 'sharp';
import { encodeVideo } from './video-file';

/** Flat colours that change frame by frame (a GIF's palette holds them exactly). */
const frames = (n: number, w: number, h: number) =>
  Array.from({ length: n }, (_, f) => {
    const rgb = new Uint8Array(w * h * 3);
    for (let p = 0; p < w * h; p++) {
      const inside = p % w < (w * (f + 1)) / n;
      rgb.set(inside ? [220, 30, 30] : [30, 60, 220], p * 3);
    }
    return rgb;
  });

describe('animated GIF', () => {
  it('has every frame, at the size and rate asked, looping, and shows what was drawn', async () => {
    const source = frames(6, 40, 24);
    const gif = encodeVideo(source, 40, 24, 10, 'gif');
    expect(gif.mimeType).toBe('image/gif');
    const meta = await sharp(gif.data, { animated: true }).metadata();
    expect(meta.pages).toBe(6);
    expect([meta.width, meta.pageHeight]).toEqual([40, 24]);
    expect(meta.loop).toBe(0);
    expect(meta.delay).toEqual(Array(6).fill(100));
    const { data } = await sharp(gif.data, { animated: true }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    for (let f = 0; f < 6; f++) {
      const page = data.subarray(f * 40 * 24 * 3, (f + 1) * 40 * 24 * 3);
      expect(Buffer.compare(Buffer.from(page), Buffer.from(source[f]))).toBe(0);
    }
  });
});
