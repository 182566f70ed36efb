#!/usr/bin/env node
// Which fill object_removal should use, by its judge: easel-tiny's own inpainting (prompted with the
// background, "a <colour> background") or OpenCV's Telea, on easel-tiny pictures of one shape on a
// plain background, the shape's mask grown by 4 px. Prints the judge's figures for each.
//
//   node bench/editing/fill-compare.mjs [--steps 20]
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const load = (dir) => require(join(ROOT, dir, 'dist', 'index.js'));
const { DiffusionEngine } = load('packages/engine-diffusion');
const { removeObject } = load('packages/engine-matting');
const t = load('packages/testing');
const at = process.argv.indexOf('--steps');
const steps = at > 0 ? Number(process.argv[at + 1]) : 20;
const SCENES = [
  ['a red circle on a blue background', 'blue', 42],
  ['a yellow star on a green background', 'green', 7],
  ['a purple square on a white background', 'white', 3],
  ['a green triangle on a black background', 'black', 11],
];
const grow = (mask, r) => {
  const data = new Uint8Array(mask.data.length);
  for (let y = 0; y < mask.height; y++)
    for (let x = 0; x < mask.width; x++)
      if (mask.data[y * mask.width + x])
        for (let dy = -r; dy <= r; dy++)
          for (let dx = -r; dx <= r; dx++) {
            const [u, v] = [x + dx, y + dy];
            if (u >= 0 && v >= 0 && u < mask.width && v < mask.height) data[v * mask.width + u] = 1;
          }
  return { ...mask, data };
};
const engine = new DiffusionEngine();
const model = join(ROOT, 'models/easel-tiny');
const rows = { diffusion: [], telea: [] };
for (const [prompt, background, seed] of SCENES) {
  const png = (await engine.generate(model, { prompt, steps, seed })).images[0];
  const image = await t.decodeImage(png);
  const object = t.mainObject(image, t.backgroundColour(image));
  if (!object) continue;
  const region = grow(object.mask, 4);
  const colours = t.coloursUnder(image, object.mask);
  const maskPng = await t.encodeMaskPng(region);
  const diffused = (
    await engine.generate(model, {
      prompt: `a ${background} background`,
      steps,
      seed: 1,
      initImage: png,
      maskImage: maskPng,
    })
  ).images[0];
  const telea = (
    await removeObject(png, { mask: maskPng, colour: null, palette: [], maskDilate: 0, fillRadius: 8 })
  ).image;
  for (const [name, out] of [
    ['diffusion', diffused],
    ['telea', telea],
  ]) {
    const v = t.judgeObjectRemoval(await t.decodeImage(out), region, colours);
    rows[name].push(v);
    console.log(
      `${prompt.padEnd(40)} ${name.padEnd(9)} trace ${v.trace.toFixed(3)}  fill–surroundings ${v.fillDistance.toFixed(1)}`,
    );
  }
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
for (const [name, vs] of Object.entries(rows))
  console.log(
    `${name}: mean trace ${mean(vs.map((v) => v.trace)).toFixed(3)}, mean fill–surroundings distance ${mean(vs.map((v) => v.fillDistance)).toFixed(1)} over ${vs.length}`,
  );
await engine.dispose();
