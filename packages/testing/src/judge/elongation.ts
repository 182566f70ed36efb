import type { Mask } from './mask';

/**
 * How stretched a blob is, whatever its tilt: √(λmax / λmin) of its second central moments — 1 for
 * a disc or a square, 2 for an ellipse twice as long as wide (a circle turned into a tilted egg
 * reads 1.3–2).
 */
export function elongation(blob: Mask): number {
  let n = 0;
  let sx = 0;
  let sy = 0;
  for (let i = 0; i < blob.data.length; i++)
    if (blob.data[i]) {
      n++;
      sx += i % blob.width;
      sy += Math.floor(i / blob.width);
    }
  if (n === 0) return NaN;
  const cx = sx / n;
  const cy = sy / n;
  let xx = 0;
  let yy = 0;
  let xy = 0;
  for (let i = 0; i < blob.data.length; i++)
    if (blob.data[i]) {
      const dx = (i % blob.width) - cx;
      const dy = Math.floor(i / blob.width) - cy;
      xx += dx * dx;
      yy += dy * dy;
      xy += dx * dy;
    }
  const mean = (xx + yy) / (2 * n);
  const spread = Math.sqrt(((xx - yy) / (2 * n)) ** 2 + (xy / n) ** 2);
  return Math.sqrt((mean + spread) / (mean - spread));
}
