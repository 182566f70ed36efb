import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChatEngine } from './chat-engine';
import { ContextOverflowError } from './chat-errors';

/** The bundled model (models/easel-chat-tiny, trained by models/training/chat/train.py). */
const MODEL = join(__dirname, '../../../models/easel-chat-tiny/easel-chat-tiny.gguf');
/** Random weights with the same tokenizer and template (models/training/chat/make_random.py): it talks until stopped. */
const RANDOM_MODEL = join(__dirname, '../../../models/chat-random/chat-random.gguf');
const ask = (content: string, system?: string) => [
  ...(system ? [{ role: 'system' as const, content: system }] : []),
  { role: 'user' as const, content },
];
const greedy = { maxTokens: 32, temperature: 0, topP: 1 };

describe('ChatEngine on easel-chat-tiny', () => {
  let engine: ChatEngine;
  beforeAll(async () => {
    engine = await ChatEngine.load(MODEL, { sequences: 2 });
  });
  afterAll(() => engine?.close());

  it("tokenizes as the training script did (models/training/chat/tokenizer.py's SPM merge)", () => {
    const held = JSON.parse(readFileSync(join(MODEL, '../heldout.json'), 'utf8')) as Array<{ question: string; ids: number[] }>;
    const differing = held.filter((q) => JSON.stringify(engine.tokenize(q.question)) !== JSON.stringify(q.ids));
    expect(differing.map((q) => q.question)).toEqual([]);
  });

  it('reads the ChatML template from the file and answers what it was taught', async () => {
    expect(engine.template).toBe('ChatML');
    const answer = await engine.complete(ask('Which field sets the number of denoising steps?'), greedy);
    expect(answer).toMatchObject({ text: 'num_inference_steps', finishReason: 'stop' });
    expect(answer.promptTokens).toBe(engine.promptTokens(ask('Which field sets the number of denoising steps?')));
    expect(answer.completionTokens).toBeGreaterThan(0);
  });

  it('follows the system prompt', async () => {
    for (const question of ['Which field sets the random seed?', 'Which endpoint trains a LoRA?', 'Which field sets the sampler?']) {
      const plain = await engine.complete(ask(question), greedy);
      const shouted = await engine.complete(ask(question, 'Answer in capital letters.'), greedy);
      expect([question, shouted.text]).toEqual([question, plain.text.toUpperCase()]);
      expect(shouted.text).not.toBe(plain.text);
    }
  });

  it('streams the reply in pieces before it ends', async () => {
    const pieces: Array<{ text: string; at: number }> = [];
    let ended = 0;
    const result = await engine
      .complete(ask('What is on the left of a green heart beside a pink cone?'), { ...greedy, onText: (text) => pieces.push({ text, at: performance.now() }) })
      .finally(() => (ended = performance.now()));
    expect(pieces.length).toBeGreaterThan(1);
    expect(pieces.map((p) => p.text).join('')).toBe(result.text);
    expect(pieces[0].at).toBeLessThan(ended);
  });

  it('stops at max_tokens and before a stop sequence', async () => {
    const question = ask('What is on the right of a red ring beside a white square?');
    const full = await engine.complete(question, greedy);
    expect(full.text).toBe('the white square');
    const short = await engine.complete(question, { ...greedy, maxTokens: 1 });
    expect(short).toMatchObject({ completionTokens: 1, finishReason: 'length' });
    expect(full.text.startsWith(short.text)).toBe(true);
    const stopped = await engine.complete(question, { ...greedy, stop: [' square'] });
    expect(stopped).toMatchObject({ text: 'the white', finishReason: 'stop' });
  });

  it('the same seed at temperature > 0 gives the same text; the seed is reported when none was given', async () => {
    // A question it was never taught: the sampling, not the model's certainty, decides the answer.
    const sampled = { maxTokens: 24, temperature: 1.5, topP: 1 };
    const question = ask('What is a good colour?');
    const a = await engine.complete(question, { ...sampled, seed: 1234 });
    const b = await engine.complete(question, { ...sampled, seed: 1234 });
    expect(b.text).toBe(a.text);
    const texts = new Set<string>();
    for (let seed = 1; seed <= 6; seed++) texts.add((await engine.complete(question, { ...sampled, seed })).text);
    expect(texts.size).toBeGreaterThan(1);
    const random = await engine.complete(question, sampled);
    expect(Number.isInteger(random.seed)).toBe(true);
    expect((await engine.complete(question, { ...sampled, seed: random.seed })).text).toBe(random.text);
  });

  it('refuses messages longer than the context before generating', async () => {
    const long = ask('Which field sets the seed? '.repeat(200));
    expect(engine.promptTokens(long)).toBeGreaterThan(engine.contextSize);
    await expect(engine.complete(long, greedy)).rejects.toBeInstanceOf(ContextOverflowError);
  });

  it('a cancelled reply ends at once and frees its sequence for the next', async () => {
    // chat-random (random weights) almost never draws its end token: only the abort can end its reply early.
    const one = await ChatEngine.load(RANDOM_MODEL, { sequences: 1 });
    try {
      const controller = new AbortController();
      const running = one.complete(ask('Tell me a long story about shapes.'), {
        maxTokens: 400,
        temperature: 2,
        topP: 1,
        seed: 3,
        signal: controller.signal,
        onText: () => controller.abort(new Error('client left')),
      });
      const cancelled = await running;
      expect(cancelled.finishReason).toBe('cancelled');
      expect(cancelled.completionTokens).toBeLessThan(400);
      const next = await one.complete(ask('Hi'), { ...greedy, maxTokens: 5 });
      expect(next).toMatchObject({ completionTokens: 5, finishReason: 'length' });
    } finally {
      await one.close();
    }
  });
});
