import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REFERENCE_DIR = join(__dirname, '..', '..', 'reference', 'tokenizer');

export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(REFERENCE_DIR, 'fixtures', name), 'utf8')) as T;
}

export interface TokenizerFixture {
  source: string;
  bos: number;
  eos: number;
  pad: number;
  max_length: number;
  cases: Array<{ text: string; ids: number[]; input_ids: number[] }>;
}

export interface ChunkFixture {
  prompt: string;
  chunks: Array<{ ids: number[]; weights: number[] }>;
  tokenCount: number;
}
