#!/usr/bin/env node
// Post-generation steps: the NSFW classifier's latency per 128×128 image, super-resolution time
// (128→256 in one tile, 512→1024 tiled), and PSNR vs bicubic on the photo UpscalerJS ships.
//
//   node scripts/pnpm.mjs --filter @easel/bench upscale        (builds engine-safety and engine-upscale first)
//   node bench/upscale/run.mjs [--runs 5] [--models esrgan-slim,esrgan-medium]
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = join(HERE, '..', '..');
const dist = (pkg) => join(ROOT, 'packages', pkg, 'dist', 'index.js');
for (const pkg of ['engine-safety', 'engine-upscale']) {
  if (!existsSync(dist(pkg))) {
    console.error(`packages/${pkg} is not built: run \`node scripts/pnpm.mjs --filter @easel/bench upscale\` (it builds first).`);
    process.exit(1);
  }
}
const require = createRequire(import.meta.url);
const { NsfwClassifier } = require(dist('engine-safety'));
const { Upscaler, packageDirectory, psnr, psnrY } = require(dist('engine-upscale'));
const sharp = require(require.resolve('sharp', { paths: [join(ROOT, 'packages', 'engine-upscale')] }));

const args = Object.fromEntries(process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []));
const runs = Number(args.runs ?? 5);
const models = (args.models ?? 'esrgan-slim,esrgan-medium').split(',');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (fn, n = runs) => {
  await fn(); // warm-up (model load, kernels)
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return median(ms);
};
const rgb = async (img) => {
  const { data, info } = await img.removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
};

console.log('TensorFlow.js 4.22, WASM backend (XNNPACK, SIMD, one thread), median of', runs, 'runs after a warm-up');
const drawing = readFileSync(join(ROOT, 'packages', 'engine-safety', 'fixtures', 'easel-tiny-0.png'));
const classifier = new NsfwClassifier();
console.log(`NSFW classifier (nsfwjs MobileNetV2Mid, 224×224 input) per 128×128 image: ${(await time(() => classifier.classify(drawing))).toFixed(1)} ms (decode + resize + inference)`);
await classifier.dispose();

const photo = join(packageDirectory('esrgan-slim'), 'assets', 'fixture.png');
const upscaler = new Upscaler();
const at128 = await rgb(sharp(photo));
const at512 = await rgb(sharp(photo).resize(512, 512, { kernel: 'lanczos3' }));
for (const model of models) {
  const small = await time(() => upscaler.upscaleRgb(at128, { scale: 2, model }));
  const large = await time(() => upscaler.upscaleRgb(at512, { scale: 2, model }), Math.min(runs, 2));
  console.log(`${model} 2×: 128→256 ${small.toFixed(0)} ms (one tile); 512→1024 ${(large / 1000).toFixed(2)} s (${upscaler.tileSize}-px tiles, ${upscaler.overlap}-px overlap)`);
}

for (const model of models) {
  for (const scale of [2, 3, 4]) {
    const side = Math.floor(128 / scale) * scale;
    const crop = await sharp(photo).extract({ left: 0, top: 0, width: side, height: side }).png().toBuffer();
    const original = await rgb(sharp(crop));
    const lr = await rgb(sharp(crop).resize(side / scale, side / scale, { kernel: 'cubic' }));
    const up = await upscaler.upscaleRgb(lr, { scale, model });
    const cubic = await sharp(Buffer.from(lr.data), { raw: { width: lr.width, height: lr.height, channels: 3 } }).resize(side, side, { kernel: 'cubic' }).raw().toBuffer();
    const y = [psnrY(up.data, original.data, side, side, scale), psnrY(cubic, original.data, side, side, scale)];
    const c = [psnr(up.data, original.data), psnr(cubic, original.data)];
    console.log(`PSNR ${model} ${scale}× (${side / scale}→${side}): Y ${y[0].toFixed(2)} vs bicubic ${y[1].toFixed(2)} dB (${(y[0] - y[1]) >= 0 ? '+' : ''}${(y[0] - y[1]).toFixed(2)}); RGB ${c[0].toFixed(2)} vs ${c[1].toFixed(2)} dB`);
  }
}
upscaler.dispose();
