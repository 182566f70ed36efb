import { GIFEncoder, applyPalette, quantize } from 'gifenc';

/** Frames of interleaved RGB bytes → an animated GIF that loops, each frame with its own 256-colour palette. */
export function encodeGif(frames: readonly Uint8Array[], width: number, height: number, fps: number): Buffer {
  const gif = GIFEncoder();
  const rgba = new Uint8Array(width * height * 4);
  // GIF delays are in hundredths of a second: the nearest one to the frame rate
  const delayMs = Math.max(2, Math.round(100 / fps)) * 10;
  frames.forEach((rgb, i) => {
    for (let p = 0; p < width * height; p++) {
      rgba[p * 4] = rgb[p * 3];
      rgba[p * 4 + 1] = rgb[p * 3 + 1];
      rgba[p * 4 + 2] = rgb[p * 3 + 2];
      rgba[p * 4 + 3] = 255;
    }
    const palette = quantize(rgba, 256);
    gif.writeFrame(applyPalette(rgba, palette), width, height, { palette, delay: delayMs, ...(i === 0 ? { repeat: 0 } : {}) });
  });
  gif.finish();
  return Buffer.from(gif.bytes());
}
