#!/usr/bin/env node
// Several images at once on one DiffusionEngine, as a worker with EASEL_WORKER_CONCURRENCY > 1 runs them:
// images per second, median latency and the process's CPU, for a thread count per session and a number
// of concurrent generate calls. Answers whether concurrent jobs should divide the cores between them.
//
//   node bench/pipeline/concurrency.mjs [--threads 2] [--concurrency 2] [--rounds 6] [--steps 20]   (after a build)
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(import.meta.url);
const { DiffusionEngine } = require(join(ROOT, 'packages', 'engine-diffusion', 'dist', 'index.js'));

const args = Object.fromEntries(
  process.argv.slice(2).reduce((acc, a, i, all) => (a.startsWith('--') ? [...acc, [a.slice(2), all[i + 1]]] : acc), []),
);
const threads = Number(args.threads ?? 2);
const concurrency = Number(args.concurrency ?? 2);
const rounds = Number(args.rounds ?? 6);
const steps = Number(args.steps ?? 20);
const model = join(ROOT, 'models', 'easel-tiny');

const engine = new DiffusionEngine({ intraOpNumThreads: threads, interOpNumThreads: 1 });
await engine.loadModel(model);
const request = (seed) => ({ prompt: 'a red circle on a blue background', width: 128, height: 128, steps, guidanceScale: 7.5, seed });
const together = (round, each) => Promise.all(Array.from({ length: concurrency }, (_, i) => each(round * concurrency + i)));

await together(0, (seed) => engine.generate(model, request(seed))); // warm-up
const latencies = [];
const started = performance.now();
const cpuBefore = process.cpuUsage();
for (let round = 1; round <= rounds; round++) {
  await together(round, async (seed) => {
    const t0 = performance.now();
    await engine.generate(model, request(seed));
    latencies.push(performance.now() - t0);
  });
}
const wallMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
latencies.sort((a, b) => a - b);
console.log(
  `threads ${threads} × concurrency ${concurrency}: ${((rounds * concurrency * 1000) / wallMs).toFixed(2)} images/s, ` +
    `median latency ${latencies[latencies.length >> 1].toFixed(0)} ms, CPU ${(((cpu.user + cpu.system) / 1000 / wallMs) * 100).toFixed(0)} % of one core`,
);
