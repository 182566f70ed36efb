import sharp from 'sharp';
import { latentPreviewPng, latentsToRgb } from './latent-preview';

const snapshot = (values: number[][], height = 2, width = 2) => ({
  data: Float32Array.from(values.flatMap((plane) => plane)),
  channels: values.length,
  height,
  width,
});

describe('latent preview', () => {
  it('maps the first latent channel to a warm grey and the fourth, negated, to blue', () => {
    const rgb = latentsToRgb(
      snapshot([
        [1, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, 0],
        [0, 0, 0, -1],
      ]),
    )!;
    expect(Array.from(rgb.subarray(0, 3))).toEqual([172, 157, 169]);
    expect(Array.from(rgb.subarray(9, 12))).toEqual([155, 161, 206]);
    expect(Array.from(rgb.subarray(3, 6))).toEqual([128, 128, 128]);
  });

  it('has no preview for latents without four channels', async () => {
    expect(await latentPreviewPng(snapshot([[0], [0], [0]], 1, 1))).toBeUndefined();
  });

  it('is a small PNG, upscaled from the latent grid', async () => {
    const png = (await latentPreviewPng({
      data: new Float32Array(4 * 64 * 48),
      channels: 4,
      height: 48,
      width: 64,
    }))!;
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['png', 128, 96]);
    expect(png.length).toBeLessThan(8000);
  });
});
