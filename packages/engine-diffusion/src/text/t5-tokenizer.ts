import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Tokenizer } from '@huggingface/tokenizers' with { 'resolution-mode': 'import' };

// tokenizers.js ships a CommonJS build under its "require" condition, but ESM-only type declarations
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Tokenizer: TokenizerClass } = require('@huggingface/tokenizers') as { Tokenizer: typeof Tokenizer };

/**
 * T5's SentencePiece tokenizer (FLUX.1's tokenizer_2, SD3's tokenizer_3) from the model's own
 * `tokenizer.json` + `tokenizer_config.json`, run by Hugging Face's tokenizers.js. Encodes as the
 * pipelines call T5TokenizerFast: "</s>" appended, truncated to `maxLength` (keeping "</s>"),
 * padded with the pad token.
 */
export class T5Tokenizer {
  private constructor(
    private readonly tokenizer: Tokenizer,
    readonly eosTokenId: number,
    readonly padTokenId: number,
    /** tokenizer_config's model_max_length (512 when absent or HF's "no limit" sentinel). */
    readonly maxLength: number,
  ) {}

  static async fromDirectory(dir: string): Promise<T5Tokenizer> {
    const json = JSON.parse(await readFile(join(dir, 'tokenizer.json'), 'utf8')) as Record<string, unknown>;
    const config = JSON.parse(await readFile(join(dir, 'tokenizer_config.json'), 'utf8').catch(() => '{}')) as Record<string, unknown>;
    const tokenizer = new TokenizerClass(json, config);
    const id = (token: unknown, fallback: string): number => {
      const name = typeof token === 'string' ? token : fallback;
      const found = tokenizer.token_to_id(name);
      if (found === undefined) throw new Error(`the special token ${name} is not in ${dir}/tokenizer.json`);
      return found;
    };
    const max = Number(config.model_max_length);
    return new T5Tokenizer(tokenizer, id(config.eos_token, '</s>'), id(config.pad_token, '<pad>'), max > 0 && max < 1e6 ? max : 512);
  }

  tokenize(text: string, maxLength: number): Int32Array {
    const ids = this.tokenizer.encode(text, { add_special_tokens: false }).ids.slice(0, maxLength - 1);
    const out = new Int32Array(maxLength).fill(this.padTokenId);
    out.set(ids);
    out[ids.length] = this.eosTokenId;
    return out;
  }
}
