// Chat figures for a GGUF model (default: the bundled easel-chat-tiny), printed, never asserted:
//   node bench/chat/run.mjs [--model path.gguf] [--runs 5] [--tokens 256] [--threads 0]
// - Easel's engine (packages/engine-chat): time to first token, whole-reply time and decode tokens/s
//   of a greedy short answer (what easel-chat-tiny gives: a few tokens), one at a time and 2 at once;
//   and of a long sampled reply from chat-random (random weights: it talks to max_tokens).
// - llama.cpp itself through node-llama-cpp's lowest API (one sequence, evaluate token by token, no
//   chat template, past the end token): each file's decode tokens/s, so the engine's own overhead
//   shows. The npm packages ship no llama.cpp CLI (llama-bench), so this is llama.cpp's figure here.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: join(root, 'models/easel-chat-tiny/easel-chat-tiny.gguf') },
    talker: { type: 'string', default: join(root, 'models/chat-random/chat-random.gguf') },
    runs: { type: 'string', default: '5' },
    tokens: { type: 'string', default: '256' },
    threads: { type: 'string', default: '0' },
  },
});
const runs = Number(values.runs);
const tokens = Number(values.tokens);
const threads = Number(values.threads) || undefined;
const { ChatEngine } = require(join(root, 'packages/engine-chat/dist/index.js'));

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (x, d = 1) => x.toFixed(d);
const name = (path) => path.replace(root + '/', '');

/** One engine on `model`, `sequences` replies at once, `runs` rounds: medians per reply. */
async function engineFigures(model, sequences, messages, options) {
  const engine = await ChatEngine.load(model, { sequences, contextSize: 2048, threads });
  await engine.complete(messages, { ...options, maxTokens: 4 }); // warm-up
  const ttft = [];
  const total = [];
  const rate = [];
  let completion = 0;
  for (let i = 0; i < runs; i++) {
    const batch = await Promise.all(Array.from({ length: sequences }, (_, j) => engine.complete(messages, { ...options, seed: i * 10 + j })));
    for (const r of batch) {
      ttft.push(r.firstTokenSeconds * 1000);
      total.push(r.seconds * 1000);
      if (r.completionTokens > 1) rate.push((r.completionTokens - 1) / (r.seconds - r.firstTokenSeconds));
      completion += r.completionTokens;
    }
  }
  const prompt = engine.promptTokens(messages);
  await engine.close();
  return { prompt, completion: completion / (runs * sequences), ttft: median(ttft), total: median(total), rate: rate.length ? median(rate) : NaN };
}

async function llamaCppDecode(path) {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: path });
  const context = await model.createContext({ contextSize: 2048, threads: threads ?? Math.max(1, llama.cpuMathCores - 1) });
  const rates = [];
  for (let i = 0; i < runs; i++) {
    const sequence = context.getSequence();
    let n = 0;
    let started = 0;
    // Past the end token too (yieldEogToken): the cost of a token does not depend on which one it is.
    for await (const _token of sequence.evaluate(model.tokenize('Tell me a long story about shapes.'), { temperature: 1, seed: i, yieldEogToken: true })) {
      if (n === 0) started = performance.now();
      if (++n >= tokens) break;
    }
    rates.push((n - 1) / ((performance.now() - started) / 1000));
    sequence.dispose();
  }
  await context.dispose();
  await model.dispose();
  return median(rates);
}

console.log(`chat bench: ${runs} runs each, medians, threads ${threads ?? 'default (cores − 1)'}`);
const short = [{ role: 'user', content: 'Which field sets the number of denoising steps?' }];
for (const sequences of [1, 2]) {
  const r = await engineFigures(values.model, sequences, short, { maxTokens: 32, temperature: 0, topP: 1 });
  console.log(`  engine, ${name(values.model)}, ${sequences} at once, a short answer (greedy): prompt ${r.prompt} tokens, reply ${fmt(r.completion)} tokens, first token ${fmt(r.ttft)} ms, whole reply ${fmt(r.total)} ms, decode ${fmt(r.rate, 0)} tokens/s per reply`);
}
const long = [{ role: 'user', content: 'Tell me a long story.' }];
for (const sequences of [1, 2]) {
  const r = await engineFigures(values.talker, sequences, long, { maxTokens: tokens, temperature: 1, topP: 1 });
  console.log(`  engine, ${name(values.talker)}, ${sequences} at once, a ${tokens}-token reply (sampled): first token ${fmt(r.ttft)} ms, reply ${fmt(r.completion)} tokens, decode ${fmt(r.rate, 0)} tokens/s per reply`);
}
for (const path of [values.model, values.talker])
  console.log(`  llama.cpp (node-llama-cpp sequence.evaluate, no template), ${name(path)}, ${tokens} tokens: decode ${fmt(await llamaCppDecode(path), 0)} tokens/s`);
