// Chat figures for a GGUF model (default: the bundled easel-chat-tiny), printed, never asserted:
//   node bench/chat/run.mjs [--model path.gguf] [--runs 5] [--tokens 256] [--threads 0]
// - Easel's engine (packages/engine-chat): time to first token and decode tokens/s of a greedy short
//   answer and of a long sampled reply, one at a time and with 2 replies at once.
// - llama.cpp itself through node-llama-cpp's lowest API (one sequence, evaluate token by token, no
//   chat template): the same file's decode tokens/s, so the engine's own overhead shows. The npm
//   packages ship no llama.cpp CLI (llama-bench), so this is llama.cpp's figure here.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const { values } = parseArgs({
  options: {
    model: { type: 'string', default: join(root, 'models/easel-chat-tiny/easel-chat-tiny.gguf') },
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

async function engineFigures(sequences) {
  const engine = await ChatEngine.load(values.model, { sequences, contextSize: 2048, threads });
  const short = [{ role: 'user', content: 'Which field sets the number of denoising steps?' }];
  const long = [{ role: 'user', content: 'Tell me a long story about shapes.' }];
  await engine.complete(short, { maxTokens: 8, temperature: 0, topP: 1 }); // warm-up
  const rows = [];
  for (const [name, messages, options] of [
    ['short answer, greedy', short, { maxTokens: 32, temperature: 0, topP: 1 }],
    [`long reply, ${tokens} tokens sampled`, long, { maxTokens: tokens, temperature: 2, topP: 1 }],
  ]) {
    const ttft = [];
    const rate = [];
    let completion = 0;
    for (let i = 0; i < runs; i++) {
      const batch = await Promise.all(Array.from({ length: sequences }, (_, j) => engine.complete(messages, { ...options, seed: i * 10 + j })));
      for (const r of batch) {
        ttft.push(r.firstTokenSeconds * 1000);
        if (r.completionTokens > 1) rate.push((r.completionTokens - 1) / (r.seconds - r.firstTokenSeconds));
        completion += r.completionTokens;
      }
    }
    rows.push({ name, prompt: engine.promptTokens(messages), completion: completion / (runs * sequences), ttft: median(ttft), rate: median(rate) });
  }
  await engine.close();
  return rows;
}

async function llamaCppDecode() {
  const { getLlama, LlamaLogLevel } = await import('node-llama-cpp');
  const llama = await getLlama({ gpu: false, build: 'never', progressLogs: false, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: values.model });
  const context = await model.createContext({ contextSize: 2048, ...(threads ? { threads } : {}) });
  const rates = [];
  for (let i = 0; i < runs; i++) {
    const sequence = context.getSequence();
    const prompt = model.tokenize('Tell me a long story about shapes.');
    let n = 0;
    let started = 0;
    for await (const _token of sequence.evaluate(prompt, { temperature: 2, seed: i })) {
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

console.log(`chat bench: ${values.model.replace(root + '/', '')}, ${runs} runs each, medians`);
for (const sequences of [1, 2]) {
  for (const r of await engineFigures(sequences)) {
    console.log(`  engine, ${sequences} at once, ${r.name}: prompt ${r.prompt} tokens, reply ${fmt(r.completion)} tokens, first token ${fmt(r.ttft)} ms, decode ${fmt(r.rate, 0)} tokens/s per reply`);
  }
}
console.log(`  llama.cpp (node-llama-cpp sequence.evaluate, no template), ${tokens} tokens: decode ${fmt(await llamaCppDecode(), 0)} tokens/s`);
