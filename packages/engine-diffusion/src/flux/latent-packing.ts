/**
 * Flux's latent layout (FluxPipeline._pack_latents / _unpack_latents / _prepare_latent_image_ids):
 * a [C, h, w] latent (h, w even) becomes (h/2)·(w/2) tokens of C·4 values, each token a 2×2 patch
 * ordered channel-major (c, dy, dx); token t sits at row ⌊t/(w/2)⌋, column t mod (w/2).
 */
export function packLatents(latent: Float32Array, channels: number, h: number, w: number): Float32Array {
  const out = new Float32Array(latent.length);
  const hh = h / 2;
  const ww = w / 2;
  let o = 0;
  for (let py = 0; py < hh; py++)
    for (let px = 0; px < ww; px++)
      for (let c = 0; c < channels; c++)
        for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) out[o++] = latent[(c * h + 2 * py + dy) * w + 2 * px + dx];
  return out;
}

export function unpackLatents(packed: Float32Array, channels: number, h: number, w: number): Float32Array {
  const out = new Float32Array(packed.length);
  const hh = h / 2;
  const ww = w / 2;
  let o = 0;
  for (let py = 0; py < hh; py++)
    for (let px = 0; px < ww; px++)
      for (let c = 0; c < channels; c++)
        for (let dy = 0; dy < 2; dy++) for (let dx = 0; dx < 2; dx++) out[(c * h + 2 * py + dy) * w + 2 * px + dx] = packed[o++];
  return out;
}

/** The image tokens' position ids [(h/2)·(w/2), 3]: (0, row, column), which the transformer's rotary embedding reads. */
export function latentImageIds(h: number, w: number): Float32Array {
  const hh = h / 2;
  const ww = w / 2;
  const ids = new Float32Array(hh * ww * 3);
  for (let y = 0; y < hh; y++)
    for (let x = 0; x < ww; x++) {
      ids[(y * ww + x) * 3 + 1] = y;
      ids[(y * ww + x) * 3 + 2] = x;
    }
  return ids;
}
