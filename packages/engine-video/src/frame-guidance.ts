/**
 * The guidance scale of each frame. text2video: one scale for all. img2video follows Stable Video
 * Diffusion: the scale grows linearly from `min` on the given first frame to `max` on the last,
 * so frames near the picture stay close to it and later ones follow the prompt harder.
 */
export function frameGuidanceScales(frames: number, min: number, max: number): number[] {
  if (frames === 1) return [max];
  return Array.from({ length: frames }, (_, i) => min + ((max - min) * i) / (frames - 1));
}
