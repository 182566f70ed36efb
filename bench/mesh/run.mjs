// 3D figures, printed, never asserted:
//   node scripts/pnpm.mjs --filter @easel/bench mesh     (builds engine-mesh and testing, then runs this)
// - seconds per mesh (text_to_3d "a red cube", mesh_simplify 0.9) at resolution 64, 128 and 256, split
//   into the prior, the surface (decoder field + marching cubes), simplification and the files;
// - marching cubes alone on an analytic sphere's field at 64 and 128 (and 256);
// - the process's peak resident memory.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const { loadMeshModel, generateMesh, marchingCubes } = require(join(root, 'packages/engine-mesh/dist/index.js'));

function sphereField(resolution) {
  const P = resolution + 1;
  const s = 2 / resolution;
  return {
    resolution,
    lo: -1,
    hi: 1,
    values: async (k0, k1) => {
      const out = new Float32Array((k1 - k0 + 1) * P * P);
      for (let k = k0; k <= k1; k++) for (let j = 0; j < P; j++) for (let i = 0; i < P; i++) out[(k - k0) * P * P + j * P + i] = Math.hypot(-1 + i * s, -1 + j * s, -1 + k * s) - 0.45;
      return out;
    },
  };
}

for (const resolution of [64, 128, 256]) {
  const field = sphereField(resolution);
  const values = field.values;
  // the field's values computed once, outside the timing: marching cubes' own time
  const slices = await values(0, resolution);
  const plane = (resolution + 1) ** 2;
  field.values = async (k0, k1) => slices.subarray(k0 * plane, (k1 + 1) * plane);
  const t0 = performance.now();
  const mesh = await marchingCubes(field);
  console.log(`marching cubes ${resolution}^3: ${(performance.now() - t0).toFixed(0)} ms, ${mesh.indices.length / 3} triangles`);
}

const model = await loadMeshModel(join(root, 'models/easel-tiny-mesh'));
const request = { prompt: 'a red cube', seed: 7, steps: 30, guidanceScale: 2, outputFormat: 'glb', meshSimplify: 0.9, removeBackground: true, foregroundRatio: 0.85, turntable: false };
await generateMesh(model, { ...request, resolution: 64 }); // warm-up: sessions' first runs
for (const resolution of [64, 128, 256]) {
  const runs = 3;
  const totals = [];
  let last;
  for (let i = 0; i < runs; i++) {
    last = await generateMesh(model, { ...request, resolution });
    totals.push(last.timings.totalMs);
  }
  const t = last.timings;
  totals.sort((a, b) => a - b);
  console.log(
    `text_to_3d at resolution ${resolution}: ${(totals[1] / 1000).toFixed(2)} s per mesh (median of ${runs}); prior ${t.priorMs.toFixed(0)} ms, surface ${t.surfaceMs.toFixed(0)} ms (${t.decodedPoints} decoder points), simplify ${t.simplifyMs.toFixed(0)} ms, files ${t.filesMs.toFixed(0)} ms; ${last.extractedTriangles} -> ${last.triangles} triangles`,
  );
}
console.log(`peak resident memory: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
await model.release();
