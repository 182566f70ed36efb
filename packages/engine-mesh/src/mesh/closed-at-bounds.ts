/** Outside, just barely, on the grid's outer faces. */
const OUTSIDE = 1e-4;

/**
 * Slices k0..k1 of a (resolution + 1)^3 grid of field values with the grid's outer faces made
 * outside: a shape that reaches the grid's edge (a large cone's base and tip touch it) would be
 * cut open there; so marching cubes caps it on the face, as it closes every other surface.
 * Changes `values` in place and returns it.
 */
export function closedAtBounds(values: Float32Array, resolution: number, k0: number, k1: number): Float32Array {
  const P = resolution + 1;
  let o = 0;
  for (let k = k0; k <= k1; k++) {
    const kEdge = k === 0 || k === resolution;
    for (let j = 0; j < P; j++) {
      const edge = kEdge || j === 0 || j === resolution;
      for (let i = 0; i < P; i++, o++) {
        if ((edge || i === 0 || i === resolution) && values[o] < OUTSIDE) values[o] = OUTSIDE;
      }
    }
  }
  return values;
}
