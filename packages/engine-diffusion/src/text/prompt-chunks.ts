import type { ClipTokenizer } from './clip-tokenizer';
import { isBreak, parsePromptAttention } from './prompt-weighting';

export interface PromptChunk {
  /** BOS + up to 75 ids + EOS, padded with the pad token to 77. */
  ids: Int32Array;
  /** One multiplier per position of `ids` (1 for BOS/EOS/padding). */
  weights: Float32Array;
}

export interface PromptChunks {
  chunks: PromptChunk[];
  /** A1111's token count: 75 per full chunk plus the last chunk's tokens. */
  tokenCount: number;
}

export interface ChunkOptions {
  /** Tokens per chunk between BOS and EOS (A1111: 75). */
  chunkLength?: number;
  /** A1111's comma_padding_backtrack (default 20; 0 disables). */
  commaBacktrack?: number;
  /** false: take the prompt literally, weight 1 everywhere (A1111's emphasis "None"). */
  emphasis?: boolean;
}

/**
 * A1111's `tokenize_line`: each parsed run is tokenized on its own, tokens fill 75-slot
 * chunks, BREAK closes a chunk, and a chunk that fills up moves the text after its last
 * comma (if within `commaBacktrack` tokens of the end) into the next chunk.
 */
export function planPromptChunks(tokenizer: ClipTokenizer, prompt: string, options: ChunkOptions = {}): PromptChunks {
  const chunkLength = options.chunkLength ?? 75;
  const backtrack = options.commaBacktrack ?? 20;
  const parsed = options.emphasis === false ? [{ text: prompt, weight: 1 }] : parsePromptAttention(prompt);
  const comma = tokenizer.tokenId(',</w>');

  const chunks: PromptChunk[] = [];
  let tokens: number[] = [];
  let mults: number[] = [];
  let tokenCount = 0;
  let lastComma = -1;

  const nextChunk = (isLast = false): void => {
    tokenCount += isLast ? tokens.length : chunkLength;
    chunks.push(wrapChunk(tokenizer, tokens, mults, chunkLength));
    tokens = [];
    mults = [];
    lastComma = -1;
  };

  for (const run of parsed) {
    if (isBreak(run)) {
      nextChunk();
      continue;
    }
    for (const token of tokenizer.encode(run.text)) {
      if (token === comma) {
        lastComma = tokens.length;
      } else if (backtrack !== 0 && tokens.length === chunkLength && lastComma !== -1 && tokens.length - lastComma <= backtrack) {
        const at = lastComma + 1;
        const relocTokens = tokens.slice(at);
        const relocMults = mults.slice(at);
        tokens = tokens.slice(0, at);
        mults = mults.slice(0, at);
        nextChunk();
        tokens = relocTokens;
        mults = relocMults;
      }
      if (tokens.length === chunkLength) nextChunk();
      tokens.push(token);
      mults.push(run.weight);
    }
  }
  if (tokens.length > 0 || chunks.length === 0) nextChunk(true);
  return { chunks, tokenCount };
}

function wrapChunk(tokenizer: ClipTokenizer, tokens: number[], mults: number[], chunkLength: number): PromptChunk {
  // A1111 pads with EOS then overwrites everything after the first EOS with the pad id.
  const ids = new Int32Array(chunkLength + 2).fill(tokenizer.padTokenId);
  const weights = new Float32Array(chunkLength + 2).fill(1);
  ids[0] = tokenizer.bosTokenId;
  ids.set(tokens, 1);
  weights.set(mults, 1);
  ids[tokens.length + 1] = tokenizer.eosTokenId;
  return { ids, weights };
}

/** The chunk of the empty prompt: BOS, EOS, padding; all weights 1. */
export function emptyChunk(tokenizer: ClipTokenizer, chunkLength = 75): PromptChunk {
  return wrapChunk(tokenizer, [], [], chunkLength);
}

/**
 * A1111 pads whichever of cond / uncond has fewer chunks with empty-prompt chunks so both
 * encode to the same sequence length.
 */
export function matchChunkCounts(
  positive: PromptChunks,
  negative: PromptChunks,
  tokenizer: ClipTokenizer,
  chunkLength = 75,
): { positive: PromptChunks; negative: PromptChunks } {
  const n = Math.max(positive.chunks.length, negative.chunks.length);
  const pad = (p: PromptChunks): PromptChunks => {
    const chunks = [...p.chunks];
    while (chunks.length < n) chunks.push(emptyChunk(tokenizer, chunkLength));
    return { chunks, tokenCount: p.tokenCount };
  };
  return { positive: pad(positive), negative: pad(negative) };
}

/**
 * A1111's emphasis on one encoded chunk (`hidden` is [seqLen, width], row-major):
 * scale each token row by its weight, then rescale so the chunk's mean is unchanged.
 * Returns a new array.
 */
export function applyPromptWeights(hidden: Float32Array, weights: ArrayLike<number>, seqLen: number, width: number): Float32Array {
  if (hidden.length !== seqLen * width) throw new Error(`hidden has ${hidden.length} values, expected ${seqLen}×${width}`);
  if (weights.length !== seqLen) throw new Error(`weights has ${weights.length} values, expected ${seqLen}`);
  let before = 0;
  for (let i = 0; i < hidden.length; i++) before += hidden[i];
  const out = new Float32Array(hidden.length);
  let after = 0;
  for (let t = 0; t < seqLen; t++) {
    const w = weights[t];
    for (let c = 0; c < width; c++) {
      const v = Math.fround(hidden[t * width + c] * w);
      out[t * width + c] = v;
      after += v;
    }
  }
  if (after === 0) return out;
  const scale = before / after;
  for (let i = 0; i < out.length; i++) out[i] *= scale;
  return out;
}
