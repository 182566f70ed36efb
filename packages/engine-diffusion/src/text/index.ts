export { ClipTokenizer, cleanText } from './clip-tokenizer';
export type { ClipTokenizerConfig, ClipTokenizerInit } from './clip-tokenizer';
export { parsePromptAttention, isBreak } from './prompt-weighting';
export type { WeightedText } from './prompt-weighting';
export { planPromptChunks, emptyChunk, matchChunkCounts, applyPromptWeights } from './prompt-chunks';
export type { PromptChunk, PromptChunks, ChunkOptions } from './prompt-chunks';
