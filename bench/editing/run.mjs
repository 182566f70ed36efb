#!/usr/bin/env node
// Seconds per 512×512 image for each image_editing operation, on this machine's CPU, engines only
// (no HTTP, no queue): removebg_mask (GrabCut, or IMG.LY's model with --imgly when it is installed),
// outpaint (a 384² picture centred on a 512² canvas, easel-tiny, 10 steps: the default), object_removal
// (a colour-named object, Telea fill) and face_restore (the random GFPGAN-interface graph: the cost of
// a 512² ONNX pass of that size, not of a real GFPGAN, which is ~300× the weights).
//
//   node scripts/pnpm.mjs exec turbo run build --filter=@easel/worker...   (once)
//   node bench/editing/run.mjs [--runs 3] [--steps 10] [--imgly]
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const need = [
  'packages/engine-matting',
  'packages/engine-face',
  'packages/engine-diffusion',
  'packages/contracts',
  'apps/worker',
];
for (const dir of need)
  if (!existsSync(join(ROOT, dir, 'dist', 'index.js'))) {
    console.error(
      `${dir} is not built: run \`node scripts/pnpm.mjs exec turbo run build --filter=@easel/worker...\` first.`,
    );
    process.exit(1);
  }
const require = createRequire(import.meta.url);
const load = (dir, file = 'index.js') => require(join(ROOT, dir, 'dist', file));
const { Matting } = load('packages/engine-matting');
const { FaceRestorer } = load('packages/engine-face');
const { DiffusionEngine } = load('packages/engine-diffusion');
const { OBJECT_REMOVAL_COLOURS } = load('packages/contracts');
const { outpaint } = load('apps/worker', 'diffusion/outpaint.js');
const sharp = require(require.resolve('sharp', { paths: [join(ROOT, 'packages', 'engine-matting')] }));

const args = Object.fromEntries(
  process.argv
    .slice(2)
    .map((a, i, all) =>
      a.startsWith('--') ? [a.slice(2), all[i + 1]?.startsWith('--') ? 'yes' : (all[i + 1] ?? 'yes')] : null,
    )
    .filter(Boolean),
);
const runs = Math.min(10, Number(args.runs ?? 3));
const steps = Math.min(30, Number(args.steps ?? 10));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function seconds(fn) {
  await fn(); // warm-up: model loads, OpenCV's WASM compile, ORT sessions
  const s = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    s.push((performance.now() - t) / 1000);
  }
  return median(s);
}

/** A red disc on a blue-to-green gradient, `side` pixels square. */
async function picture(side) {
  const data = Buffer.alloc(side * side * 3);
  for (let y = 0; y < side; y++)
    for (let x = 0; x < side; x++) {
      const disc = (x - side / 2) ** 2 + (y - side / 2) ** 2 < (side / 4) ** 2;
      data.set(
        disc ? [220, 30, 30] : [30, 60 + Math.round((110 * y) / side), 220 - Math.round((60 * x) / side)],
        (y * side + x) * 3,
      );
    }
  return sharp(data, { raw: { width: side, height: side, channels: 3 } })
    .png()
    .toBuffer();
}

const image512 = await picture(512);
const figures = [];
const report = (name, s, note) => {
  figures.push([name, s]);
  console.log(`${name.padEnd(16)} ${s.toFixed(3)} s per 512×512 image  (${note})`);
};
const removal = { onlyMask: false, inverseMask: false, alphaMatting: null, postProcessMask: false, seed: 1 };

const grabcut = new Matting('grabcut');
report(
  'removebg_mask',
  await seconds(() => grabcut.removeBackground(image512, removal)),
  'GrabCut on a 320² copy, edge refinement at full size',
);
report(
  'object_removal',
  await seconds(() =>
    grabcut.removeObject(image512, {
      mask: null,
      colour: OBJECT_REMOVAL_COLOURS.red,
      palette: Object.values(OBJECT_REMOVAL_COLOURS),
      maskDilate: 4,
      fillRadius: 8,
    }),
  ),
  'red named, mask grown 4 px, Telea radius 8',
);
grabcut.dispose();

const faces = new FaceRestorer();
const graph = join(ROOT, 'models/face-restore-random/model.onnx');
report(
  'face_restore',
  await seconds(() => faces.restore(graph, image512, { fidelity: 0.5 })),
  'random GFPGAN-interface graph, 512² in and out',
);
await faces.dispose();

const engine = new DiffusionEngine();
const model = join(ROOT, 'models/easel-tiny');
const runner = {
  nativeSide: async () => (await engine.loadModel(model)).info.nativeSize,
  inpaint: async (params, images) => {
    const g = await engine.generate(model, {
      prompt: params.prompt,
      negativePrompt: params.negativePrompt,
      width: params.width,
      height: params.height,
      steps: params.steps,
      guidanceScale: params.guidanceScale,
      seed: params.seed,
      strength: 1,
      ...images,
    });
    return {
      result: {
        seeds: g.seeds,
        width: g.width,
        height: g.height,
        steps: g.steps,
        scheduler: g.scheduler,
        modelId: 'easel-tiny',
        format: 'png',
        generationTime: 0,
        nsfwContentDetected: false,
        timings: {},
      },
      images: g.images,
    };
  },
};
const image384 = await picture(384);
const params = {
  kind: 'outpaint',
  prompt: 'a red circle on a blue background',
  negativePrompt: 'low quality',
  width: 512,
  height: 512,
  samples: 1,
  steps,
  guidanceScale: 8,
  seed: 1,
  initImage: `data:image/png;base64,${image384.toString('base64')}`,
  outpaint: { extend: null, overlapWidth: 10 },
};
report(
  'outpaint',
  await seconds(() => outpaint(params, runner, [])),
  `easel-tiny, ${steps} steps, drawn at 256² (2× its native side) and resized; no NSFW check`,
);
await engine.dispose();

if (args.imgly) {
  const imgly = new Matting('imgly');
  report(
    'removebg (imgly)',
    await seconds(() => imgly.removeBackground(image512, removal)),
    'IMG.LY ISNet, AGPL-3.0, opt-in',
  );
  imgly.dispose();
}
console.log(JSON.stringify(Object.fromEntries(figures.map(([n, s]) => [n, Math.round(s * 1000) / 1000]))));
