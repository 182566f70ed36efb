/** 4-connected components of the pixels equal to `value`: a label per pixel (-1 elsewhere) and each one's size. */
export function components(mask: Uint8Array, width: number, height: number, value: number) {
  const labels = new Int32Array(mask.length).fill(-1);
  const sizes: number[] = [];
  const touchesEdge: boolean[] = [];
  const stack: number[] = [];
  for (let start = 0; start < mask.length; start++) {
    if (mask[start] !== value || labels[start] !== -1) continue;
    const label = sizes.length;
    let size = 0;
    let edge = false;
    labels[start] = label;
    stack.push(start);
    while (stack.length > 0) {
      const i = stack.pop()!;
      size++;
      const x = i % width;
      const y = (i - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) edge = true;
      for (const n of [x > 0 ? i - 1 : -1, x < width - 1 ? i + 1 : -1, y > 0 ? i - width : -1, i + width]) {
        if (n >= 0 && n < mask.length && mask[n] === value && labels[n] === -1) {
          labels[n] = label;
          stack.push(n);
        }
      }
    }
    sizes.push(size);
    touchesEdge.push(edge);
  }
  return { labels, sizes, touchesEdge };
}

/** Object specks under this share of the largest piece are dropped; holes under it (away from the edge) filled. */
export const SPECK_FRACTION = 0.02;

/**
 * `post_process_mask`: the largest pieces kept (specks that matched no background colour dropped) and
 * small enclosed holes filled (a texture's pixels that happened to share the background's colour).
 * Large holes (a ring's middle) stay background.
 */
export function cleanMask(mask: Uint8Array, width: number, height: number): Uint8Array {
  const out = mask.slice();
  const objects = components(out, width, height, 1);
  const largest = Math.max(0, ...objects.sizes);
  for (let i = 0; i < out.length; i++) {
    const label = objects.labels[i]!;
    if (label >= 0 && objects.sizes[label]! < largest * SPECK_FRACTION) out[i] = 0;
  }
  const holes = components(out, width, height, 0);
  for (let i = 0; i < out.length; i++) {
    const label = holes.labels[i]!;
    if (label >= 0 && !holes.touchesEdge[label] && holes.sizes[label]! < largest * SPECK_FRACTION) out[i] = 1;
  }
  return out;
}
