#!/usr/bin/env node
// Per-step time of each model family's random-weight graph beside SD 1.5's (models/*-random: the
// real exports' interfaces with tiny weights, so this measures the pipeline's per-family glue —
// conditioning inputs, guidance batching, packing — not a real model's compute).
//
//   node ../scripts/pnpm.mjs --filter @easel/bench families      (builds engine-diffusion first)
//   node bench/pipeline/families.mjs [--steps 10] [--runs 3] [--size 512] [--threads 2]
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const engineDist = join(ROOT, 'packages', 'engine-diffusion', 'dist', 'index.js');
if (!existsSync(engineDist)) {
  console.error('packages/engine-diffusion is not built: run `node ../scripts/pnpm.mjs --filter @easel/bench families` (it builds first).');
  process.exit(1);
}
const { DiffusionEngine } = createRequire(import.meta.url)(engineDist);
const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const steps = Number(args.steps ?? 10);
const runs = Number(args.runs ?? 3);
const size = Number(args.size ?? 512);
const models = (name) => join(ROOT, 'models', name);
const families = [
  ['SD 1.5', 'sd15-random', {}],
  ['SD 2.x (v-pred)', 'sd2-random', {}],
  ['SDXL base', 'sdxl-random', {}],
  ['SDXL base + refiner', 'sdxl-random', { refiner: { model: models('sdxl-refiner-random') } }],
  ['FLUX.1-dev', 'flux-random', { guidanceScale: 3.5 }],
];
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const engine = new DiffusionEngine({ intraOpNumThreads: Number(args.threads ?? 2), interOpNumThreads: 1 });
console.log(`families: ${size}×${size}, ${steps} steps, median of ${runs} runs (random-weight graphs)`);
for (const [label, dir, extra] of families) {
  const request = { prompt: 'a red circle on a blue background', width: size, height: size, steps, guidanceScale: 7.5, seed: 1, ...extra };
  await engine.generate(models(dir), request); // warm-up
  const timings = [];
  for (let i = 0; i < runs; i++) timings.push((await engine.generate(models(dir), request)).timings);
  const step = median(timings.map((t) => median(t.stepMs)));
  const model = median(timings.map((t) => median(t.unetMs)));
  const total = median(timings.map((t) => t.totalMs));
  console.log(`  ${label.padEnd(20)} per step ${step.toFixed(1).padStart(7)} ms (UNet/transformer ${model.toFixed(1).padStart(6)} ms, glue ${(step - model).toFixed(1).padStart(5)} ms)   text ${median(timings.map((t) => t.textEncoderMs)).toFixed(1).padStart(6)} ms   total ${total.toFixed(0).padStart(6)} ms`);
}
await engine.dispose();
