import { join } from 'node:path';
import { ChatEngine } from './chat-engine';
import { ContextOverflowError } from './chat-errors';

/** The bundled model (models/easel-chat-tiny, trained by models/training/chat/train.py). */
const MODEL = join(__dirname, '../../../models/easel-chat-tiny/easel-chat-tiny.gguf');
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

  it('reads the ChatML template from the file and answers what it was taught', async () => {
    expect(engine.template).toBe('ChatML');
    const answer = await engine.complete(ask('Which field sets the number of denoising steps?'), greedy);
    expect(answer).toMatchObject({ text: 'num_inference_steps', finishReason: 'stop' });
    expect(answer.promptTokens).toBe(engine.promptTokens(ask('Which field sets the number of denoising steps?')));
    expect(answer.completionTokens).toBeGreaterThan(0);
  });

  it('follows the system prompt', async () => {
    const plain = await engine.complete(ask('In a picture of a red cube next to a blue star, what colour is the star?'), greedy);
    const shouted = await engine.complete(ask('In a picture of a red cube next to a blue star, what colour is the star?', 'Answer in capital letters.'), greedy);
    expect(plain.text).toBe('blue');
    expect(shouted.text).toBe('BLUE');
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

  it('the same seed at temperature 1 gives the same text; the seed is reported when none was given', async () => {
    const sampled = { maxTokens: 24, temperature: 1.5, topP: 1 };
    const question = ask('Hello');
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
    const one = await ChatEngine.load(MODEL, { sequences: 1 });
    try {
      const controller = new AbortController();
      // A high temperature keeps it talking: the abort, not the model, must end it.
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
      const next = await one.complete(ask('How many sides does a triangle have?'), greedy);
      expect(next.text).toBe('3');
    } finally {
      await one.close();
    }
  });
});
