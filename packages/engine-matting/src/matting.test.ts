import sharp from 'sharp';
import { Matting } from './matting';

const W = 256;
const inDisc = (x: number, y: number) => (x - 128) ** 2 + (y - 128) ** 2 < 60 ** 2;

/** A red/yellow striped disc on blue/grey checks: the object's colours are nowhere on the border. */
async function stripedDiscOnChecks(): Promise<Buffer> {
  const data = Buffer.alloc(W * W * 3);
  for (let y = 0; y < W; y++)
    for (let x = 0; x < W; x++) {
      const stripe = Math.floor(x / 8) % 2 === 1;
      const check = (Math.floor(x / 10) + Math.floor(y / 10)) % 2 === 1;
      const colour = inDisc(x, y)
        ? stripe
          ? [220, 30, 30]
          : [250, 200, 0]
        : check
          ? [20, 60, 200]
          : [200, 200, 220];
      data.set(colour, (y * W + x) * 3);
    }
  return sharp(data, { raw: { width: W, height: W, channels: 3 } })
    .png()
    .toBuffer();
}

const request = { onlyMask: false, inverseMask: false, alphaMatting: null, postProcessMask: false, seed: 7 };

async function kept(png: Buffer) {
  const { channels } = await sharp(png).metadata();
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  const alphaAt = info.channels === 4 ? 3 : 0;
  const pixel = (x: number, y: number) =>
    data.subarray((y * info.width + x) * info.channels, (y * info.width + x + 1) * info.channels);
  let inter = 0;
  let union = 0;
  for (let y = 0; y < info.height; y++)
    for (let x = 0; x < info.width; x++) {
      const on = pixel(x, y)[alphaAt]! >= 128;
      inter += on && inDisc(x, y) ? 1 : 0;
      union += on || inDisc(x, y) ? 1 : 0;
    }
  return { iou: inter / union, channels, pixel };
}

describe('Matting (GrabCut seeded by the border colours, on its engine thread)', () => {
  const matting = new Matting();
  afterAll(() => matting.dispose());

  it('cuts the striped disc out of the checked background: an RGBA PNG, the disc opaque with its colours, the rest transparent', async () => {
    const input = await stripedDiscOnChecks();
    const out = await matting.removeBackground(input, request);
    const result = await kept(out.image);
    expect(result.channels).toBe(4);
    expect(result.iou).toBeGreaterThan(0.95);
    expect([...result.pixel(130, 128)]).toEqual([250, 200, 0, 255]);
    expect(result.pixel(5, 5)[3]).toBe(0);
    expect(out.foregroundFraction).toBeCloseTo((Math.PI * 60 * 60) / (W * W), 1);
  });

  it('takes any seed the API allows (up to 2^32 − 1; OpenCV seeds its RNG with a C int)', async () => {
    const input = await stripedDiscOnChecks();
    for (const seed of [2 ** 31, 3_651_939_750, 4_294_967_295]) {
      expect(
        (await kept((await matting.removeBackground(input, { ...request, seed })).image)).iou,
      ).toBeGreaterThan(0.95);
    }
  });

  it('only_mask gives the mask alone (white = the disc), inverse_mask flips it; the same seed gives the same bytes', async () => {
    const input = await stripedDiscOnChecks();
    const mask = await matting.removeBackground(input, { ...request, onlyMask: true });
    const maskPixels = await kept(mask.image);
    expect(maskPixels.channels).toBe(1);
    expect(maskPixels.iou).toBeGreaterThan(0.95);
    const inverse = await kept(
      (await matting.removeBackground(input, { ...request, onlyMask: true, inverseMask: true })).image,
    );
    expect(inverse.pixel(128, 128)[0]).toBe(0);
    expect(inverse.pixel(5, 5)[0]).toBe(255);
    const again = await matting.removeBackground(input, { ...request, onlyMask: true });
    expect(again.image.equals(mask.image)).toBe(true);
  });

  it('alpha_matting keeps the cut (IoU still high) and gives the edge partial alpha only near the boundary', async () => {
    const input = await stripedDiscOnChecks();
    const out = await matting.removeBackground(input, {
      ...request,
      alphaMatting: { foregroundThreshold: 240, backgroundThreshold: 20, erodeSize: 5 },
    });
    const result = await kept(out.image);
    expect(result.iou).toBeGreaterThan(0.9);
    expect(result.pixel(128, 128)[3]).toBe(255);
    expect(result.pixel(10, 10)[3]).toBe(0);
  });
});
