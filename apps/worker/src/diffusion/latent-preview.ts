import type { LatentSnapshot } from '@easel/engine-diffusion';
import sharp from 'sharp';

/**
 * A1111's "approx cheap" preview: each latent pixel's 4 channels times this matrix give R, G, B
 * in about [-1, 1]. Fitted for SD 1.x latents; on other 4-channel models it still shows the layout.
 */
const LATENT_RGB: readonly (readonly [number, number, number])[] = [
  [0.3512, 0.2297, 0.3227],
  [0.325, 0.4974, 0.235],
  [-0.2829, 0.1762, 0.2721],
  [-0.212, -0.2616, -0.6177],
];

/** Previews stay small: they travel on the bus and in every SSE client's stream. */
const MAX_PREVIEW_SIDE = 128;

/** The latents as RGB bytes (height×width×3), or undefined when they are not 4-channel. */
export function latentsToRgb({ data, channels, height, width }: LatentSnapshot): Uint8Array | undefined {
  if (channels !== LATENT_RGB.length) return undefined;
  const plane = height * width;
  const rgb = new Uint8Array(plane * 3);
  for (let i = 0; i < plane; i++) {
    for (let c = 0; c < 3; c++) {
      let v = 0;
      for (let k = 0; k < channels; k++) v += data[k * plane + i] * LATENT_RGB[k][c];
      rgb[i * 3 + c] = Math.round(Math.min(1, Math.max(0, (v + 1) / 2)) * 255);
    }
  }
  return rgb;
}

/** A PNG of the latents, upscaled to at most MAX_PREVIEW_SIDE on its long side; undefined when there is no map. */
export async function latentPreviewPng(latents: LatentSnapshot): Promise<Buffer | undefined> {
  const rgb = latentsToRgb(latents);
  if (!rgb) return undefined;
  const scale = Math.max(1, Math.floor(MAX_PREVIEW_SIDE / Math.max(latents.height, latents.width)));
  return sharp(rgb, { raw: { width: latents.width, height: latents.height, channels: 3 } })
    .resize(latents.width * scale, latents.height * scale, { kernel: 'cubic' })
    .png({ compressionLevel: 6 })
    .toBuffer();
}
