// node bench/schedulers/heldout.mjs [seeds=1] [steps=20] [scheduler,...]   (after a build)
// Each scheduler easel-tiny's engine offers, judged on the 40 held-out prompts (models/training/
// heldout_prompts.json) at 128×128, CFG 7.5: the acceptance rate (colour + background + position,
// the pixel judge's verdict) per scheduler. Prints figures; asserts nothing.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../../packages/testing/package.json', import.meta.url));
const { DiffusionEngine } = require('@easel/engine-diffusion');
const { judgePrompt } = require('../../packages/testing/dist/judge/index.js');
const { SCHEDULER_NAMES } = require('../../packages/engine-diffusion/dist/schedulers/registry.js');

const seeds = Number(process.argv[2] ?? 1);
const steps = Number(process.argv[3] ?? 20);
const only = process.argv[4]?.split(',');
const model = new URL('../../models/easel-tiny', import.meta.url).pathname;
const prompts = JSON.parse(
  readFileSync(new URL('../../models/training/heldout_prompts.json', import.meta.url), 'utf8'),
);
const engine = new DiffusionEngine({ intraOpNumThreads: 1 });
console.log(`easel-tiny, 40 held-out prompts × seeds 1–${seeds}, ${steps} steps, CFG 7.5, 128×128`);
for (const scheduler of only ?? SCHEDULER_NAMES) {
  let accepted = 0;
  let total = 0;
  const start = performance.now();
  for (const { prompt } of prompts) {
    const r = await engine.generate(model, {
      prompt,
      seed: 1,
      samples: seeds,
      steps,
      scheduler,
      guidanceScale: 7.5,
    });
    for (const png of r.images) {
      total++;
      if ((await judgePrompt(prompt, png)).accepted) accepted++;
    }
  }
  const s = ((performance.now() - start) / 1000).toFixed(0);
  console.log(
    `${scheduler.padEnd(34)} ${((100 * accepted) / total).toFixed(1).padStart(5)} %  (${accepted}/${total}, ${s} s)`,
  );
}
engine.dispose();
