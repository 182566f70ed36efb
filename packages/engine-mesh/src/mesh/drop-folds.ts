/**
 * Removes folds: pairs of triangles on the same three vertices with opposite winding. Quadric
 * simplification leaves them where two sides of a thin part collapse onto each other; the pair
 * encloses nothing, but each of its edges is then shared by four triangles, so the mesh is no
 * longer a closed 2-manifold (glTF validators and slicers complain). Dropping both keeps the solid.
 */
export function dropFolds(indices: Uint32Array): Uint32Array {
  const firstOf = new Map<string, number>();
  const dropped = new Set<number>();
  for (let t = 0; t < indices.length; t += 3) {
    const key = sortedKey(indices[t], indices[t + 1], indices[t + 2]);
    const other = firstOf.get(key);
    if (other !== undefined && !sameWinding(indices, other, t)) {
      dropped.add(other);
      dropped.add(t);
      firstOf.delete(key);
    } else if (other === undefined) {
      firstOf.set(key, t);
    }
  }
  if (dropped.size === 0) return indices;
  const out = new Uint32Array(indices.length - dropped.size * 3);
  let o = 0;
  for (let t = 0; t < indices.length; t += 3) {
    if (dropped.has(t)) continue;
    out[o++] = indices[t];
    out[o++] = indices[t + 1];
    out[o++] = indices[t + 2];
  }
  return out;
}

function sortedKey(a: number, b: number, c: number): string {
  return [a, b, c].sort((x, y) => x - y).join(',');
}

/** The same cyclic order of vertices (a rotation of the other), i.e. the same facing. */
function sameWinding(ix: Uint32Array, s: number, t: number): boolean {
  for (let r = 0; r < 3; r++) if (ix[s + r] === ix[t] && ix[s + ((r + 1) % 3)] === ix[t + 1]) return true;
  return false;
}
