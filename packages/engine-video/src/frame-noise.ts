/** What frameNoise draws from: the generation's sample noise (SampleNoise), read in order. */
export interface NormalSource {
  randn(length: number): Float32Array;
}

/**
 * The clip's starting noise, frame-major (`frames` × `perFrame`). With `shared` 0 every frame draws
 * its own, as AnimateDiff does. With `shared` = a in (0, 1) (PYoCo's mixed prior, the value a motion
 * model was trained with: unet/config.json `frame_noise_shared`), each frame's noise is
 * √a · one draw common to the clip + √(1−a) · its own: still unit variance per value, but the frames
 * start alike, so the model has to move one object between them rather than draw each frame anew.
 * Frames' own draws come first from the stream, so `shared` 0 gives the bytes it always gave.
 */
export function frameNoise(source: NormalSource, frames: number, perFrame: number, shared = 0): Float32Array {
  if (!(shared >= 0 && shared < 1)) throw new RangeError(`frame_noise_shared must be in [0, 1), got ${shared}`);
  const noise = source.randn(frames * perFrame);
  if (shared === 0) return noise;
  const common = source.randn(perFrame);
  const a = Math.sqrt(shared);
  const b = Math.sqrt(1 - shared);
  for (let f = 0; f < frames; f++) {
    const offset = f * perFrame;
    for (let i = 0; i < perFrame; i++) noise[offset + i] = a * common[i]! + b * noise[offset + i]!;
  }
  return noise;
}
