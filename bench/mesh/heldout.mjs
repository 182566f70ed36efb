// The held-out 3D prompts and views judged on the engine directly (no API), printed, never asserted:
//   node bench/mesh/heldout.mjs [--model DIR] [--resolution 128] [--steps 30] [--guidance 2] [--seed 1]
// Builds first: packages/engine-mesh and packages/testing (node scripts/pnpm.mjs --filter @easel/bench mesh does).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: join(root, 'models/easel-tiny-mesh') },
    resolution: { type: 'string', default: '128' },
    steps: { type: 'string', default: '30' },
    guidance: { type: 'string', default: '2' },
    seed: { type: 'string', default: '1' },
  },
});
const { loadMeshModel, generateMesh } = require(join(root, 'packages/engine-mesh/dist/index.js'));
const { judgeMesh, meshHeldOut } = require(join(root, 'packages/testing/dist/index.js'));
const heldOut = meshHeldOut();
const model = await loadMeshModel(values.model);
const options = { seed: Number(values.seed), steps: Number(values.steps), guidanceScale: Number(values.guidance), resolution: Number(values.resolution), outputFormat: 'glb', meshSimplify: 0.9, removeBackground: true, foregroundRatio: 0.85, turntable: false };

async function judgeSet(name, items, request) {
  let passed = 0;
  let iouSum = 0;
  let open = 0;
  const t0 = performance.now();
  for (const item of items) {
    let v;
    try {
      v = judgeMesh((await generateMesh(model, { ...options, ...request(item) })).mesh, item.objects, heldOut.colours);
    } catch (error) {
      // no surface at all is a miss, as the API's failed job is in test/e2e/mesh-api
      if (error.code !== 'empty_mesh') throw error;
      v = { passed: false, iou: 0, colours: ['no surface'], openEdges: 0 };
    }
    passed += v.passed ? 1 : 0;
    iouSum += v.iou;
    open += v.openEdges ? 1 : 0;
    console.log(`${v.passed ? 'ok  ' : 'MISS'} ${item.prompt ?? item.caption}: IoU ${v.iou.toFixed(3)} colours ${v.colours.join(',')} open edges ${v.openEdges}`);
  }
  const n = items.length;
  console.log(`${name}: ${passed}/${n} = ${((100 * passed) / n).toFixed(1)} % with IoU >= 0.6 and the colour right; mean IoU ${(iouSum / n).toFixed(3)}; open meshes ${open}; ${((performance.now() - t0) / 1000 / n).toFixed(2)} s per mesh`);
}

await judgeSet('held-out prompts (text_to_3d)', heldOut.prompts, (p) => ({ prompt: p.prompt }));
await judgeSet('held-out views (image_to_3d)', heldOut.views, (v) => ({ image: readFileSync(v.file) }));
await model.release();
