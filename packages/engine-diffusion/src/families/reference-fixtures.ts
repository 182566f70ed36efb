import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MODELS, readNpyFloat32 } from '../pipeline/test-helpers';

/** The fixtures reference/families/make_fixtures.py wrote for one family (an independent torch/NumPy pipeline). */
export interface FamilyFixtures<M> {
  meta: M & { onnx_sha256: Record<string, string> };
  array(name: string): Float32Array;
  /** Graph files whose bytes differ from those the fixtures were made from (re-run make_fixtures.py). */
  staleGraphs(): string[];
}

export function familyFixtures<M>(family: string): FamilyFixtures<M> {
  const dir = join(__dirname, '..', '..', 'reference', 'families', family);
  const meta = JSON.parse(readFileSync(join(dir, 'fixtures.json'), 'utf8')) as FamilyFixtures<M>['meta'];
  return {
    meta,
    array: (name) => readNpyFloat32(readFileSync(join(dir, `${name}.npy`))).data,
    staleGraphs: () =>
      Object.entries(meta.onnx_sha256)
        .filter(([path, sha]) => createHash('sha256').update(readFileSync(join(MODELS, path))).digest('hex') !== sha)
        .map(([path]) => path),
  };
}

/** Logs a reference comparison (the figure the README quotes) and returns it for the assertion. */
export function reportDiff(family: string, what: string, diff: number): number {
  console.log(`${family} reference: max |Δ| ${what} ${diff.toExponential(2)}`);
  return diff;
}

/** Every 8th pixel of each row and column of planar [3, H, W] pixels: the reference's pixel sample. */
export function everyEighthPixel(pixels: Float32Array, width: number, height: number): Float32Array {
  const w = width / 8;
  const h = height / 8;
  const out = new Float32Array(3 * h * w);
  for (let c = 0; c < 3; c++)
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[(c * h + y) * w + x] = pixels[(c * height + y * 8) * width + x * 8];
  return out;
}
