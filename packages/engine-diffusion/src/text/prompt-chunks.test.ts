import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ClipTokenizer } from './clip-tokenizer';
import { applyPromptWeights, emptyChunk, matchChunkCounts, planPromptChunks } from './prompt-chunks';
import { loadFixture, REFERENCE_DIR, type ChunkFixture } from './fixtures';

const VOCAB_DIR = join(REFERENCE_DIR, 'fixture-vocab');

function expectChunks(tok: ClipTokenizer, cases: ChunkFixture[]): void {
  for (const c of cases) {
    const plan = planPromptChunks(tok, c.prompt);
    expect({ prompt: c.prompt, n: plan.chunks.length, tokenCount: plan.tokenCount }).toEqual({
      prompt: c.prompt,
      n: c.chunks.length,
      tokenCount: c.tokenCount,
    });
    plan.chunks.forEach((chunk, i) => {
      expect({ prompt: c.prompt, i, ids: Array.from(chunk.ids) }).toEqual({ prompt: c.prompt, i, ids: c.chunks[i].ids });
      expect(Array.from(chunk.weights)).toEqual(c.chunks[i].weights.map((w) => Math.fround(w)));
    });
  }
}

describe('planPromptChunks against the Python reference (A1111 tokenize_line)', () => {
  it('pad <|endoftext|>', async () => {
    const cases = loadFixture<ChunkFixture[]>('chunks.json');
    expect(cases.some((c) => c.chunks.length >= 3)).toBe(true);
    expectChunks(await ClipTokenizer.fromDirectory(VOCAB_DIR), cases);
  });

  it("pad '!'", async () => {
    const fx = loadFixture<{ chunks: ChunkFixture[] }>('fixture-vocab-pad-bang.json');
    const base = await ClipTokenizer.fromDirectory(VOCAB_DIR);
    const vocab = JSON.parse(readFileSync(join(VOCAB_DIR, 'vocab.json'), 'utf8')) as Record<string, number>;
    const merges = readFileSync(join(VOCAB_DIR, 'merges.txt'), 'utf8');
    const tok = new ClipTokenizer({ vocab, merges, config: { pad_token: '!' } });
    expect(tok.padTokenId).not.toBe(base.padTokenId);
    expectChunks(tok, fx.chunks);
  });
});

describe('matchChunkCounts', () => {
  it('pads the shorter side with empty-prompt chunks', async () => {
    const tok = await ClipTokenizer.fromDirectory(VOCAB_DIR);
    const pos = planPromptChunks(tok, 'a '.repeat(160));
    const neg = planPromptChunks(tok, 'blurry');
    const out = matchChunkCounts(pos, neg, tok);
    expect(out.positive.chunks.length).toBe(3);
    expect(out.negative.chunks.length).toBe(3);
    expect(Array.from(out.negative.chunks[2].ids)).toEqual(Array.from(emptyChunk(tok).ids));
    expect(Array.from(out.negative.chunks[0].ids)).toEqual(Array.from(neg.chunks[0].ids));
    const swapped = matchChunkCounts(neg, pos, tok);
    expect(swapped.positive.chunks.length).toBe(3);
  });
});

describe('applyPromptWeights', () => {
  it('scales rows by weight and restores the chunk mean', () => {
    const seq = 4;
    const width = 3;
    const hidden = Float32Array.from({ length: seq * width }, (_, i) => 0.5 + Math.sin(i));
    const weights = [1, 1.21, 0.909, 1];
    const out = applyPromptWeights(hidden, weights, seq, width);
    const mean = (a: Float32Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(mean(out)).toBeCloseTo(mean(hidden), 5);
    let after = 0;
    for (let t = 0; t < seq; t++) for (let c = 0; c < width; c++) after += hidden[t * width + c] * weights[t];
    const k = (mean(hidden) * hidden.length) / after;
    expect(out[width + 1]).toBeCloseTo(hidden[width + 1] * 1.21 * k, 5);
    expect(out[0]).toBeCloseTo(hidden[0] * k, 5);
  });

  it('leaves a chunk of all-ones weights unchanged', () => {
    const hidden = Float32Array.from([1, 2, 3, 4]);
    expect(Array.from(applyPromptWeights(hidden, [1, 1], 2, 2))).toEqual([1, 2, 3, 4]);
  });
});
