import { backgroundColour } from './background';
import { medianColour, type Rgb, type RgbImage } from './image';
import { foregroundMask } from './main-object';

const sq = (img: RgbImage, i: number, c: Rgb) =>
  (img.data[3 * i] - c[0]) ** 2 + (img.data[3 * i + 1] - c[1]) ** 2 + (img.data[3 * i + 2] - c[2]) ** 2;

/**
 * How noisy the background is: the RMS colour distance (0–441) from the background colour of the
 * pixels that are neither objects nor their anti-aliased rims. Object pixels are those nearer the
 * objects' colour (the median of the foreground) than the background's, grown by `rim` pixels, so
 * every object counts (a panorama draws several) while specks of other colours stay background.
 */
export function backgroundSpread(img: RgbImage, rim = 2): number {
  const { width, height } = img;
  const bg = backgroundColour(img);
  const fg = foregroundMask(img, bg);
  const objectRgb = fg.data.some((v) => v === 1) ? medianColour(img, (i) => fg.data[i] === 1) : bg;
  const near = new Uint8Array(width * height);
  for (let i = 0; i < near.length; i++)
    if (objectRgb !== bg && sq(img, i, objectRgb) < sq(img, i, bg)) near[i] = 1;
  let sum = 0;
  let count = 0;
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      let object = false;
      for (let dy = -rim; dy <= rim && !object; dy++)
        for (let dx = -rim; dx <= rim && !object; dx++) {
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && xx >= 0 && yy < height && xx < width && near[yy * width + xx]) object = true;
        }
      if (object) continue;
      sum += sq(img, y * width + x, bg);
      count++;
    }
  return count ? Math.sqrt(sum / count) : 0;
}
