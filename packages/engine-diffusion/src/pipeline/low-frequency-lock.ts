/**
 * ILVR (Choi et al. 2021, "Iterative Latent Variable Refinement"): after each denoising step the
 * latents' low frequencies are replaced by a reference's, noised to the same step, so the result
 * keeps the reference's coarse structure and the model only adds what is finer. "Low" here is
 * the mean over the cells of a coarser grid of `coarseH` × `coarseW` (the base pass's latent for
 * the highres fix): the result's mean over each coarse cell equals the reference's exactly.
 */
export function lockLowFrequencies(
  latents: Float32Array,
  reference: Float32Array,
  planes: number,
  h: number,
  w: number,
  coarseH: number,
  coarseW: number,
): void {
  // coarse cell of each fine row / column (the fine cells whose centres fall inside it)
  const rowCell = Array.from({ length: h }, (_, y) =>
    Math.min(coarseH - 1, Math.floor(((y + 0.5) * coarseH) / h)),
  );
  const colCell = Array.from({ length: w }, (_, x) =>
    Math.min(coarseW - 1, Math.floor(((x + 0.5) * coarseW) / w)),
  );
  const count = new Float32Array(coarseH * coarseW);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) count[rowCell[y] * coarseW + colCell[x]]++;
  const diff = new Float32Array(coarseH * coarseW);
  for (let p = 0; p < planes; p++) {
    const o = p * h * w;
    diff.fill(0);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++)
        diff[rowCell[y] * coarseW + colCell[x]] += reference[o + y * w + x] - latents[o + y * w + x];
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const c = rowCell[y] * coarseW + colCell[x];
        latents[o + y * w + x] += diff[c] / count[c];
      }
  }
}
