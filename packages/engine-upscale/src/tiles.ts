/**
 * Tiling with overlap: a large image is upscaled in tiles that overlap by `overlap` input pixels.
 * Each tile's outermost quarter of the overlap is dropped (convolutions there saw zero padding
 * instead of the neighbour's pixels) and the middle half is cross-faded linearly with the
 * neighbour's, so the weights of two neighbours sum to one and no seam shows.
 */

/** Start offsets of tiles of at most `tile` pixels covering `length`, neighbours overlapping by ≥ `overlap`. */
export function tileStarts(length: number, tile: number, overlap: number): number[] {
  if (tile <= overlap) throw new Error(`tile (${tile}) must be larger than overlap (${overlap})`);
  if (length <= tile) return [0];
  const starts: number[] = [];
  for (let start = 0; start + tile < length; start += tile - overlap) starts.push(start);
  starts.push(length - tile);
  return starts;
}

/**
 * Blend weights along one axis of an upscaled tile of `size` output pixels: 0 in the dropped margin,
 * a linear ramp over the middle half of the overlap, 1 inside. No ramp on a side that is the image's edge.
 */
export function blendWeights(size: number, overlapOut: number, rampStart: boolean, rampEnd: boolean): Float32Array {
  const margin = overlapOut / 4;
  const ramp = overlapOut / 2;
  const weights = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const fromStart = rampStart ? (i + 0.5 - margin) / ramp : Infinity;
    const fromEnd = rampEnd ? (size - i - 0.5 - margin) / ramp : Infinity;
    weights[i] = Math.max(0, Math.min(1, fromStart, fromEnd));
  }
  return weights;
}
