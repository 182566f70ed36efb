import { emptyMask, type Mask } from './mask';

/**
 * Flood fill (4-connected) from the `seeds` pixel indices over pixels where `inside(i)` holds;
 * returns the filled mask and its size. An explicit stack: no recursion limits.
 */
function flood(width: number, height: number, seeds: number[], inside: (i: number) => boolean, out: Mask): number {
  const stack = seeds.filter((i) => inside(i) && !out.data[i]);
  for (const i of stack) out.data[i] = 1;
  let n = 0;
  while (stack.length > 0) {
    const i = stack.pop()!;
    n++;
    const x = i % width;
    const y = (i - x) / width;
    const visit = (j: number): void => {
      if (!out.data[j] && inside(j)) {
        out.data[j] = 1;
        stack.push(j);
      }
    };
    if (x > 0) visit(i - 1);
    if (x < width - 1) visit(i + 1);
    if (y > 0) visit(i - width);
    if (y < height - 1) visit(i + width);
  }
  return n;
}

/** The largest 4-connected component of `mask` (an empty mask if none is set). */
export function largestComponent(mask: Mask): Mask {
  const { width, height } = mask;
  const labels = new Int32Array(width * height);
  const stack: number[] = [];
  let bestLabel = 0;
  let bestSize = 0;
  let label = 0;
  for (let start = 0; start < labels.length; start++) {
    if (!mask.data[start] || labels[start]) continue;
    label++;
    labels[start] = label;
    stack.push(start);
    let size = 0;
    while (stack.length > 0) {
      const i = stack.pop()!;
      size++;
      const x = i % width;
      const visit = (j: number): void => {
        if (mask.data[j] && !labels[j]) {
          labels[j] = label;
          stack.push(j);
        }
      };
      if (x > 0) visit(i - 1);
      if (x < width - 1) visit(i + 1);
      if (i >= width) visit(i - width);
      if (i + width < labels.length) visit(i + width);
    }
    if (size > bestSize) {
      bestSize = size;
      bestLabel = label;
    }
  }
  const out = emptyMask(width, height);
  for (let i = 0; i < labels.length; i++) out.data[i] = bestLabel > 0 && labels[i] === bestLabel ? 1 : 0;
  return out;
}

/** Unset pixels enclosed by the mask (not 4-connected to the image border through unset pixels): a ring's hole. */
export function enclosedHoles(mask: Mask): Mask {
  const { width, height } = mask;
  const border: number[] = [];
  for (let x = 0; x < width; x++) border.push(x, (height - 1) * width + x);
  for (let y = 0; y < height; y++) border.push(y * width, y * width + width - 1);
  const outside = emptyMask(width, height);
  flood(width, height, border, (j) => mask.data[j] === 0, outside);
  const holes = emptyMask(width, height);
  for (let i = 0; i < holes.data.length; i++) holes.data[i] = mask.data[i] === 0 && outside.data[i] === 0 ? 1 : 0;
  return holes;
}
