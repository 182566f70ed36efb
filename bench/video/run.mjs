// Video figures for a motion model (default: the bundled easel-tiny-motion over easel-tiny), printed, never asserted:
//   node bench/video/run.mjs [--frames 16] [--size 128] [--steps 20] [--runs 3] [--threads 0]
// - seconds per frame of a clip (text2video, CFG 7.5, DPM++ 2M), median of the runs, with its phases;
// - the encoders' frames per second (H.264 I_PCM MP4 and GIF) on the clip's frames, and the file sizes;
// - the process's peak resident memory (maxRSS) before the model is loaded and after the clips.
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
    frames: { type: 'string', default: '16' },
    size: { type: 'string', default: '128' },
    steps: { type: 'string', default: '20' },
    runs: { type: 'string', default: '3' },
    threads: { type: 'string', default: '0' },
  },
});
const { loadVideoModel, generateVideo, encodeVideo } = require(join(root, 'packages/engine-video/dist/index.js'));
const frames = Number(values.frames);
const size = Number(values.size);
const runs = Number(values.runs);
const mib = (kb) => (kb / 1024).toFixed(0);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const rssBefore = process.resourceUsage().maxRSS;
const model = await loadVideoModel(values.model, values.base, Number(values.threads) ? { intraOpNumThreads: Number(values.threads) } : {});
const request = { prompt: 'a red circle moving to the right on a blue background', numFrames: frames, width: size, height: size, steps: Number(values.steps), guidanceScale: 7.5, seed: 1 };
await generateVideo(model, { ...request, steps: 1, numFrames: 2 }); // warm-up
const totals = [];
let clip;
for (let i = 0; i < runs; i++) {
  const t0 = performance.now();
  clip = await generateVideo(model, { ...request, seed: i + 1 });
  totals.push(performance.now() - t0);
}
const t = clip.timings;
const total = median(totals);
console.log(`clip: ${frames} frames ${size}×${size}, ${request.steps} steps, CFG 7.5 — median of ${runs}: ${(total / 1000).toFixed(2)} s, ${(total / 1000 / frames).toFixed(3)} s per frame`);
console.log(`  phases (last run): text ${t.textEncoderMs.toFixed(0)} ms, denoise ${t.stepMs.reduce((a, b) => a + b, 0).toFixed(0)} ms (${(t.stepMs.reduce((a, b) => a + b, 0) / t.stepMs.length).toFixed(0)} ms per step), VAE decode ${t.vaeDecodeMs.toFixed(0)} ms`);
for (const type of ['mp4', 'gif']) {
  const times = [];
  let out;
  for (let i = 0; i < 5; i++) {
    out = encodeVideo(clip.frames, size, size, 8, type);
    times.push(out.encodeMs);
  }
  console.log(`encoder ${type}: ${(frames / (median(times) / 1000)).toFixed(0)} frames/s (median of 5), ${(out.data.length / 1024).toFixed(0)} KiB for ${frames} frames`);
}
console.log(`peak memory (maxRSS): ${mib(rssBefore)} MiB before loading, ${mib(process.resourceUsage().maxRSS)} MiB after the clips`);
await model.release();
