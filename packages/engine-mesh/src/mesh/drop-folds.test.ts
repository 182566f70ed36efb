import { dropFolds } from './drop-folds';
import { nonManifoldEdges } from './triangle-mesh';

// a closed tetrahedron (outward winding)
const TETRA = [0, 2, 1, 0, 1, 3, 1, 2, 3, 0, 3, 2];

/** Faces as rotation-normalised vertex triples (the winding kept), sorted. */
function faces(ix: Uint32Array): string[] {
  const out: string[] = [];
  for (let t = 0; t < ix.length; t += 3) {
    const tri = [ix[t], ix[t + 1], ix[t + 2]];
    const r = tri.indexOf(Math.min(...tri));
    out.push([tri[r], tri[(r + 1) % 3], tri[(r + 2) % 3]].join(','));
  }
  return out.sort();
}

describe('dropFolds', () => {
  it('removes a fold (one face twice, once each way) and the mesh is closed again', () => {
    const folded = Uint32Array.from([...TETRA, 0, 1, 2, 0, 2, 1]);
    expect(nonManifoldEdges(folded)).toBe(3);
    const mended = dropFolds(folded);
    expect(faces(mended)).toEqual(faces(Uint32Array.from(TETRA)));
    expect(nonManifoldEdges(mended)).toBe(0);
  });

  it('keeps a closed mesh as it is, and a face repeated the same way round (not a fold)', () => {
    const closed = Uint32Array.from(TETRA);
    expect(dropFolds(closed)).toBe(closed);
    const twice = Uint32Array.from([...TETRA, 0, 2, 1]);
    expect(Array.from(dropFolds(twice))).toEqual(Array.from(twice));
  });
});
