// The held-out motion prompts judged on the engine directly (no API), for a quick look at a model
// (e.g. a training checkpoint exported elsewhere), printed, never asserted:
//   node bench/video/heldout.mjs [--model DIR] [--per-direction 10] [--frames 8] [--steps 20] [--seed 1]
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: join(root, 'models/easel-tiny-motion') },
    base: { type: 'string', default: join(root, 'models/easel-tiny') },
    'per-direction': { type: 'string', default: '10' },
    frames: { type: 'string', default: '8' },
    steps: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    guidance: { type: 'string', default: '7.5' },
  },
});
const { loadVideoModel, generateVideo } = require(join(root, 'packages/engine-video/dist/index.js'));
const { judgeMotion, videoHeldOut } = require(join(root, 'packages/testing/dist/index.js'));
const per = Number(values['per-direction']);
const set = ['left', 'right', 'up', 'down'].flatMap((d) => videoHeldOut().filter((p) => p.motion === d).slice(0, per));
const model = await loadVideoModel(values.model, values.base);
let right = 0;
let glides = 0;
const perDirection = {};
const sums = { colour: 0, shape: 0, background: 0, step: 0, area: 0 };
for (const p of set) {
  const clip = await generateVideo(model, { prompt: p.prompt, numFrames: Number(values.frames), width: 128, height: 128, steps: Number(values.steps), guidanceScale: Number(values.guidance), seed: Number(values.seed) });
  const v = judgeMotion(clip.frames.map((data) => ({ width: 128, height: 128, data })), p);
  right += v.directionRight ? 1 : 0;
  glides += v.glidesRight ? 1 : 0;
  perDirection[p.motion] = (perDirection[p.motion] ?? 0) + (v.directionRight ? 1 : 0);
  sums.colour += v.colourFrames;
  sums.shape += v.shapeFrames;
  sums.background += v.backgroundFrames;
  sums.step += v.maxColourStep;
  sums.area += v.areaVariation;
  console.log(`${v.directionRight ? 'ok  ' : 'MISS'} ${p.prompt}: ${v.direction} dx ${v.dx.toFixed(2)} dy ${v.dy.toFixed(2)} largest step ${v.maxStep.toFixed(2)}${v.glidesRight ? '' : ' (no glide)'} colour ${v.colourFrames.toFixed(2)} area cv ${v.areaVariation.toFixed(2)}`);
}
const n = set.length;
console.log(`direction ${right}/${n} = ${((100 * right) / n).toFixed(1)} % (${Object.entries(perDirection).map(([d, k]) => `${d} ${k}`).join(', ')}); gliding the named way ${glides}/${n} = ${((100 * glides) / n).toFixed(1)} %; per frame: colour ${(sums.colour / n).toFixed(3)}, shape ${(sums.shape / n).toFixed(3)}, background ${(sums.background / n).toFixed(3)}; max colour step ${(sums.step / n).toFixed(1)}, area cv ${(sums.area / n).toFixed(3)}`);
await model.release();
