#!/usr/bin/env node
// Diffusion pipeline benchmark: wall time vs time inside onnxruntime `run` calls (the JS-glue
// share), the split by phase, and — when /usr/bin/python3 with torch and easel-tiny's torch
// weights exist — the PyTorch reference sampler on the same weights and settings.
//
//   node ../scripts/pnpm.mjs --filter @easel/bench pipeline      (builds engine-diffusion first)
//   node bench/pipeline/run.mjs [--steps 20] [--runs 5] [--scheduler dpmpp_2m] [--threads 2] [--spin 0|1] [--model DIR]
//   [--split 0|1]   (the engine's defaults when left out: --spin 1, ORT's threads busy-wait inside a run and
//   park when it ends; --split 1, a UNet of 8 MiB to 1 GiB runs CFG's two halves on two one-thread sessions at once)
//   [--fuse 0|1]   (default 1: the UNet's attention and written-out layer norms are fused at load; 0: the graph as exported)
//   node bench/pipeline/run.mjs --features 1 [--runs 1]: also time each optional feature (highres fix 256×256,
//   panorama 384×128, self-attention guidance, multi_lingual, enhance_prompt) and print its phases; --reference 0 skips PyTorch
//   Always: one ControlNet's cost per step beside the plain step (--controlnet DIR to pick the ControlNet)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const require = createRequire(import.meta.url);
const engineDist = join(ROOT, 'packages', 'engine-diffusion', 'dist', 'index.js');
if (!existsSync(engineDist)) {
  console.error('packages/engine-diffusion is not built: run `node ../scripts/pnpm.mjs --filter @easel/bench pipeline` (it builds first).');
  process.exit(1);
}
const { DiffusionEngine } = require(engineDist);

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const tiny = join(ROOT, 'models', 'easel-tiny');
const model = args.model ?? (existsSync(join(tiny, 'unet', 'model.onnx')) ? tiny : join(ROOT, 'models', 'sd15-random'));
const steps = Number(args.steps ?? 20);
const runs = Number(args.runs ?? 5);
const threads = Number(args.threads ?? 2);
const refName = args.scheduler ?? 'dpmpp_2m';
const schedulers = { dpmpp_2m: 'DPMSolverMultistepScheduler', euler: 'EulerDiscreteScheduler', ddim: 'DDIMScheduler' };
const prompt = 'a red circle on a blue background';
const size = 128;
const guidance = 7.5;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const sum = (xs) => xs.reduce((a, b) => a + b, 0);
const f = (ms) => `${ms.toFixed(1)} ms`;

const engineOptions = {
  intraOpNumThreads: threads,
  interOpNumThreads: 1,
  ...(args.spin ? { allowSpinning: args.spin === '1' } : {}),
  ...(args.split ? { splitUnetRows: args.split === '1' } : {}),
  ...(args.fuse ? { fuseAttention: args.fuse === '1' } : {}),
};
const engine = new DiffusionEngine(engineOptions);
const request = { prompt, width: size, height: size, steps, guidanceScale: guidance, seed: 1, scheduler: schedulers[refName], timestepSpacing: 'leading' };
await engine.loadModel(model);
await engine.generate(model, request); // warm-up
const results = [];
let lastImage;
for (let i = 0; i < runs; i++) {
  const generated = await engine.generate(model, request);
  results.push(generated.timings);
  lastImage = generated.images[0];
}
await engine.dispose();

const total = median(results.map((t) => t.totalMs));
const ort = median(results.map((t) => t.ortMs));
const io = median(results.map((t) => t.imageIoMs));
const unetPerStep = median(results.map((t) => median(t.unetMs)));
const stepWall = median(results.map((t) => median(t.stepMs)));
console.log(`model ${model}`);
console.log(`settings: "${prompt}", ${size}x${size}, ${steps} steps, ${schedulers[refName]} (leading), CFG ${guidance} (batch 2), ${threads} intra-op threads; median of ${runs} runs after 1 warm-up`);
console.log(`wall per image            ${f(total)}`);
console.log(`inside ORT run()          ${f(ort)}   (${((100 * ort) / total).toFixed(1)} %)`);
console.log(`JS glue (wall - ORT)      ${f(total - ort)}   (${((100 * (total - ort)) / total).toFixed(2)} % of wall; ${((100 * (total - ort - io)) / total).toFixed(2)} % without PNG encode ${f(io)})`);
console.log(`text encoder              ${f(median(results.map((t) => t.textEncoderMs)))}`);
console.log(`UNet per step (run)       ${f(unetPerStep)}   step wall (UNet + CFG + scheduler) ${f(stepWall)}   all steps ${f(median(results.map((t) => sum(t.stepMs))))}`);
console.log(`VAE decode                ${f(median(results.map((t) => t.vaeDecodeMs)))}`);

// The worker's steps after generation (timings.upscale / timings.safety_checker of a job), when built.
const postDist = (pkg) => join(ROOT, 'packages', pkg, 'dist', 'index.js');
if (existsSync(postDist('engine-upscale')) && existsSync(postDist('engine-safety'))) {
  const { Upscaler } = require(postDist('engine-upscale'));
  const { NsfwClassifier } = require(postDist('engine-safety'));
  const upscaler = new Upscaler();
  const classifier = new NsfwClassifier();
  const timed = async (fn) => {
    await fn();
    const ms = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    return median(ms);
  };
  console.log(`upscale 2× (esrgan-slim)  ${f(await timed(() => upscaler.upscaleImage(lastImage, { scale: 2 })))}   (${size}→${size * 2}, PNG in and out)`);
  console.log(`safety_checker            ${f(await timed(() => classifier.classify(lastImage)))}   (nsfwjs MobileNetV2Mid, per image)`);
  upscaler.dispose();
  await classifier.dispose();
} else {
  console.log('upscale / safety_checker: skipped (build packages/engine-upscale and packages/engine-safety)');
}

if (args.features === '1') await benchFeatures();
await benchControlNet();

/**
 * One ControlNet's cost per denoising step beside the plain UNet's (issue 21's target: at most
 * +60 % on easel-tiny): the trained canny ControlNet on easel-tiny, else sd15-random's random one.
 */
async function benchControlNet() {
  const tinyCanny = join(ROOT, 'models', 'easel-tiny-controlnet', 'canny');
  const controlnet = args.controlnet ?? (model === tiny && existsSync(join(tinyCanny, 'model.onnx')) ? tinyCanny : model === tiny ? null : join(ROOT, 'models', 'sd15-random-controlnet'));
  if (!controlnet) {
    console.log('controlnet: skipped (no ControlNet for this model; --controlnet DIR)');
    return;
  }
  const sharp = require(require.resolve('sharp', { paths: [join(ROOT, 'packages', 'engine-diffusion')] }));
  const hint = await sharp({ create: { width: size, height: size, channels: 3, background: { r: 0, g: 0, b: 0 } } }).png().toBuffer();
  const cnEngine = new DiffusionEngine(engineOptions);
  const controlled = { ...request, controlNets: [{ path: controlnet, name: 'bench', image: hint }] };
  await cnEngine.generate(model, controlled); // warm-up
  const plain = [];
  const withCn = [];
  for (let i = 0; i < runs; i++) {
    plain.push((await cnEngine.generate(model, request)).timings);
    withCn.push((await cnEngine.generate(model, controlled)).timings);
  }
  await cnEngine.dispose();
  const plainStep = median(plain.map((t) => median(t.stepMs)));
  const cnStep = median(withCn.map((t) => median(t.stepMs)));
  const cnRun = median(withCn.map((t) => t.phasesMs.controlnet / t.stepMs.length));
  console.log(`controlnet (${controlnet.replace(ROOT + '/', '')}): step ${f(cnStep)} vs plain ${f(plainStep)}: +${(100 * (cnStep / plainStep - 1)).toFixed(1)} % per step (ControlNet run ${f(cnRun)} per step; target <= +60 %)`);
}

async function benchFeatures() {
  const featureEngine = new DiffusionEngine(engineOptions);
  const cases = [
    ['plain 128x128', {}],
    ['highres_fix 256x256', { highresFix: true, width: 256, height: 256 }],
    ['panorama 384x128', { panorama: true, width: 384, height: 128 }],
    ['self_attention', { selfAttention: true }],
    ['multi_lingual (fr)', { multiLingual: true, prompt: 'un cercle rouge sur fond bleu' }],
    ['enhance_prompt', { enhancePrompt: true }],
  ];
  const base = { ...request, scheduler: schedulers[refName] };
  await featureEngine.generate(model, base); // warm-up
  console.log(`\noptional features (${steps} steps, median of ${runs} runs; phases in ms — unet counts the denoising loop's UNet runs, highres_* split the passes):`);
  for (const [name, extra] of cases) {
    const all = [];
    for (let i = 0; i < runs; i++) all.push((await featureEngine.generate(model, { ...base, ...extra })).timings);
    const phases = { text_encoder: all.map((t) => t.textEncoderMs), unet: all.map((t) => sum(t.unetMs)), vae_decode: all.map((t) => t.vaeDecodeMs), vae_encode: all.map((t) => t.vaeEncodeMs) };
    for (const k of new Set(all.flatMap((t) => Object.keys(t.phasesMs)))) phases[k] = all.map((t) => t.phasesMs[k] ?? 0);
    const split = Object.entries(phases).filter(([, v]) => median(v) > 0).map(([k, v]) => `${k} ${median(v).toFixed(1)}`).join(', ');
    console.log(`  ${name.padEnd(22)} total ${f(median(all.map((t) => t.totalMs))).padStart(10)}   ${split}`);
  }
  await featureEngine.dispose();
}

const sampler = join(ROOT, 'models', 'training', 'reference_sampler.py');
// The reference rebuilds its torch modules from the committed ONNX graphs (onnx_weights.py).
const hasTorch = () => spawnSync('/usr/bin/python3', ['-c', 'import torch, onnx'], { encoding: 'utf8' }).status === 0;
if (args.reference === '0') {
  console.log('PyTorch reference: skipped (--reference 0)');
} else if (model === tiny && existsSync('/usr/bin/python3') && existsSync(sampler) && hasTorch()) {
  const tmp = mkdtempSync(join(tmpdir(), 'easel-bench-'));
  const refTotals = [];
  let refTimings;
  for (let i = 0; i < Math.min(3, runs); i++) {
    const out = spawnSync('/usr/bin/python3', [sampler, '--prompt', prompt, '--steps', String(steps), '--guidance', String(guidance), '--scheduler', refName, '--height', String(size), '--width', String(size), '--threads', String(threads), '--seed', '1', '--out', join(tmp, 'ref.png'), '--timings', join(tmp, 't.json')], { encoding: 'utf8' });
    if (out.status !== 0) {
      console.log(`PyTorch reference failed: ${out.stderr.split('\n').slice(-3).join(' ')}`);
      break;
    }
    refTimings = JSON.parse(readFileSync(join(tmp, 't.json'), 'utf8'));
    refTotals.push(refTimings.total_ms);
  }
  rmSync(tmp, { recursive: true, force: true });
  if (refTotals.length) {
    const ref = median(refTotals);
    console.log(`PyTorch reference (torch ${threads} threads, same weights/settings, median of ${refTotals.length} process runs): ${f(ref)}  ` +
      `(text ${f(refTimings.text_encoder_ms)}, step ${f(median(refTimings.steps_ms))}, VAE ${f(refTimings.vae_decode_ms)})`);
    console.log(`speed-up TS / PyTorch     ${(ref / total).toFixed(2)}x per image (target >= 2x; the reference's total includes its first-call warm-up, one image per process)`);
    console.log(`steady-state per step     TS ${f(stepWall)} vs PyTorch ${f(median(refTimings.steps_ms))}: ${(median(refTimings.steps_ms) / stepWall).toFixed(2)}x`);
  }
} else {
  console.log("PyTorch reference: skipped (needs models/easel-tiny and /usr/bin/python3 with Debian's python3-torch and python3-onnx)");
}
