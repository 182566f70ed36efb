import { join } from 'node:path';
import sharp from 'sharp';
import { packageDirectory } from './models';
import { psnr, psnrY } from './quality';
import { Upscaler, type RgbImage } from './upscaler';

/** A real photo (a hibiscus, 128×128) that @upscalerjs/esrgan-slim ships as its test fixture (MIT). */
const FIXTURE = join(packageDirectory('esrgan-slim'), 'assets', 'fixture.png');

async function rgb(input: string | Buffer, resize?: { width: number; height: number }): Promise<RgbImage> {
  let img = sharp(input).removeAlpha();
  if (resize) img = img.resize(resize.width, resize.height, { kernel: 'cubic', fit: 'fill' });
  const { data, info } = await img.raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

async function bicubic(image: RgbImage, width: number, height: number): Promise<Uint8Array> {
  return (await sharp(Buffer.from(image.data), { raw: { width: image.width, height: image.height, channels: 3 } })
    .resize(width, height, { kernel: 'cubic', fit: 'fill' })
    .raw()
    .toBuffer());
}

const upscaler = new Upscaler();
afterAll(() => upscaler.dispose());

describe('super-resolution quality (downscale a photo with bicubic, upscale it back)', () => {
  // On the luma channel with a `scale`-pixel border cropped, the protocol of the RDN and ESRGAN papers;
  // the RGB figure is printed too.
  it.each([
    ['esrgan-slim', 2, 1],
    ['esrgan-medium', 2, 1],
    ['esrgan-medium', 3, 0],
    ['esrgan-slim', 4, 0],
  ] as const)('%s %i× beats bicubic by at least %i dB (Y-PSNR)', async (model, scale, marginDb) => {
    const side = Math.floor(128 / scale) * scale;
    const original = await rgb(await sharp(FIXTURE).extract({ left: 0, top: 0, width: side, height: side }).png().toBuffer());
    const small = await rgb(Buffer.from(await sharp(FIXTURE).extract({ left: 0, top: 0, width: side, height: side }).png().toBuffer()), { width: side / scale, height: side / scale });
    const up = await upscaler.upscaleRgb(small, { scale, model });
    expect([up.width, up.height]).toEqual([side, side]);
    const cubic = await bicubic(small, side, side);
    const [modelY, cubicY] = [psnrY(up.data, original.data, side, side, scale), psnrY(cubic, original.data, side, side, scale)];
    const [modelRgb, cubicRgb] = [psnr(up.data, original.data), psnr(cubic, original.data)];
    console.log(
      `${model} ${scale}× (${side / scale}→${side} px): Y-PSNR ${modelY.toFixed(2)} dB vs bicubic ${cubicY.toFixed(2)} dB (${(modelY - cubicY).toFixed(2)} dB); ` +
        `RGB ${modelRgb.toFixed(2)} vs ${cubicRgb.toFixed(2)} dB`,
    );
    expect(modelY).toBeGreaterThanOrEqual(cubicY + marginDb);
  });
});

/** Mean |step| between adjacent output columns at x-1|x, over all rows and channels. */
function columnStep(image: RgbImage, x: number): number {
  let total = 0;
  for (let y = 0; y < image.height; y++) {
    for (let c = 0; c < 3; c++) total += Math.abs(image.data[(y * image.width + x) * 3 + c] - image.data[(y * image.width + x - 1) * 3 + c]);
  }
  return total / (image.height * 3);
}

describe('tiling', () => {
  it('tiled output matches one-pass output, with no seam at the tile borders', async () => {
    const image = await rgb(FIXTURE, { width: 96, height: 96 });
    const whole = await upscaler.upscaleRgb(image, { scale: 2 }, { tileSize: Infinity });
    const progress: [number, number][] = [];
    const tiled = await upscaler.upscaleRgb(image, { scale: 2, onTile: (done, total) => progress.push([done, total]) }, { tileSize: 48 });
    expect(progress).toEqual(Array.from({ length: 9 }, (_, i) => [i + 1, 9])); // tiles at 0, 32, 48 on each axis
    const agreement = psnr(tiled.data, whole.data);
    console.log(`tiled (48 px tiles, 16 px overlap) vs one pass: PSNR ${agreement.toFixed(2)} dB`);
    expect(agreement).toBeGreaterThan(40);

    // What naive tiling (tiles side by side, no overlap) does at the same borders, for scale.
    const naive = new Uint8Array(whole.data.length);
    for (const y0 of [0, 48]) {
      for (const x0 of [0, 48]) {
        const crop = await rgb(await sharp(Buffer.from(image.data), { raw: { width: 96, height: 96, channels: 3 } }).extract({ left: x0, top: y0, width: 48, height: 48 }).png().toBuffer());
        const part = await upscaler.upscaleRgb(crop, { scale: 2 }, { tileSize: Infinity });
        for (let y = 0; y < 96; y++) naive.set(part.data.subarray(y * 96 * 3, (y + 1) * 96 * 3), ((y0 * 2 + y) * 192 + x0 * 2) * 3);
      }
    }
    const naiveImage = { data: naive, width: 192, height: 192 };
    // Tiles start at 0, 32 and 48 (input px); the cross-fades sit around x = 80…110 (output px), naive's border at 96.
    const seamExcess = (img: RgbImage, x: number) => Math.abs(columnStep(img, x) - columnStep(whole, x));
    const tiledWorst = Math.max(...Array.from({ length: 190 }, (_, i) => seamExcess(tiled, i + 1)));
    const naiveAtBorder = seamExcess(naiveImage, 96);
    console.log(`column-step excess over one pass: tiled worst ${tiledWorst.toFixed(2)}, naive tiling at its border ${naiveAtBorder.toFixed(2)} (0–255 levels)`);
    expect(tiledWorst).toBeLessThan(1);
    expect(naiveAtBorder).toBeGreaterThan(tiledWorst * 3);
  });
});
