import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

/**
 * CLIP BPE tokenizer matching Hugging Face's slow `CLIPTokenizer` when ftfy is NOT installed:
 * text goes through BasicTokenizer-style clean-up (control chars dropped, whitespace collapsed,
 * spaces around CJK ideographs, NFC, lower-case), then CLIP's regex, byte→unicode, BPE.
 */
export interface ClipTokenizerConfig {
  model_max_length?: number;
  pad_token?: string | { content: string };
  bos_token?: string | { content: string };
  eos_token?: string | { content: string };
  unk_token?: string | { content: string };
}

export interface ClipTokenizerInit {
  vocab: Record<string, number>;
  /** merges.txt content or its lines (a leading `#version` line is skipped). */
  merges: string | string[];
  config?: ClipTokenizerConfig;
}

const PAT = /<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+/giu;

function bytesToUnicode(): string[] {
  const bs: number[] = [];
  for (let i = 33; i <= 126; i++) bs.push(i);
  for (let i = 161; i <= 172; i++) bs.push(i);
  for (let i = 174; i <= 255; i++) bs.push(i);
  const table = new Array<string>(256);
  for (const b of bs) table[b] = String.fromCodePoint(b);
  let n = 0;
  for (let b = 0; b < 256; b++) {
    if (table[b] === undefined) table[b] = String.fromCodePoint(256 + n++);
  }
  return table;
}
const BYTE_ENCODER = bytesToUnicode();

function tokenName(t: string | { content: string } | undefined, fallback: string): string {
  if (t === undefined) return fallback;
  return typeof t === 'string' ? t : t.content;
}

function isControl(ch: string): boolean {
  if (ch === '\t' || ch === '\n' || ch === '\r') return false;
  return /^\p{C}$/u.test(ch);
}

function isWhitespace(ch: string): boolean {
  if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') return true;
  return /^\p{Zs}$/u.test(ch);
}

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/** HF BasicTokenizer(do_lower_case, strip_accents=False, do_split_on_punc=False), then " ".join(...).lower(). */
export function cleanText(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (cp === 0 || cp === 0xfffd || isControl(ch)) continue;
    if (isWhitespace(ch)) out += ' ';
    else if (isCjk(cp)) out += ` ${ch} `;
    else out += ch;
  }
  // Python's str.split() also splits on U+2028/U+2029, which survive the clean-up; JS \s does too.
  return out
    .normalize('NFC')
    .split(/\s+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase())
    .join(' ')
    .toLowerCase();
}

export class ClipTokenizer {
  readonly bosTokenId: number;
  readonly eosTokenId: number;
  readonly padTokenId: number;
  readonly maxLength: number;
  private readonly encoder: Map<string, number>;
  private readonly ranks = new Map<string, number>();
  // Seeded like HF's: the specials come out of the regex whole and must not be BPE'd.
  private readonly cache = new Map<string, string[]>([
    ['<|startoftext|>', ['<|startoftext|>']],
    ['<|endoftext|>', ['<|endoftext|>']],
  ]);
  private readonly addedTokens: string[] = [];
  /** Added tokens that stand for several ids (multi-vector textual-inversion embeddings). */
  private readonly addedSequences = new Map<string, number[]>();
  private addedPattern: RegExp | null = null;

  static async fromDirectory(dir: string): Promise<ClipTokenizer> {
    const vocab = JSON.parse(await readFile(join(dir, 'vocab.json'), 'utf8')) as Record<string, number>;
    const merges = await readFile(join(dir, 'merges.txt'), 'utf8');
    let config: ClipTokenizerConfig = {};
    for (const name of ['special_tokens_map.json', 'tokenizer_config.json']) {
      try {
        config = { ...config, ...(JSON.parse(await readFile(join(dir, name), 'utf8')) as ClipTokenizerConfig) };
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      }
    }
    return new ClipTokenizer({ vocab, merges, config });
  }

  constructor(init: ClipTokenizerInit) {
    this.encoder = new Map(Object.entries(init.vocab));
    const lines = typeof init.merges === 'string' ? init.merges.split('\n') : init.merges;
    let rank = 0;
    for (const [i, raw] of lines.entries()) {
      const line = raw.replace(/\r$/, '');
      if (i === 0 && line.startsWith('#version')) continue;
      const parts = line.split(' ');
      if (parts.length !== 2) continue;
      this.ranks.set(`${parts[0]} ${parts[1]}`, rank++);
    }
    const cfg = init.config ?? {};
    const id = (name: string): number => {
      const v = this.encoder.get(name);
      if (v === undefined) throw new Error(`special token ${name} is not in the vocabulary`);
      return v;
    };
    this.bosTokenId = id(tokenName(cfg.bos_token, '<|startoftext|>'));
    this.eosTokenId = id(tokenName(cfg.eos_token, '<|endoftext|>'));
    this.padTokenId = id(tokenName(cfg.pad_token, '<|endoftext|>'));
    const max = cfg.model_max_length;
    // HF writes a huge sentinel when no limit was saved; CLIP's context is 77.
    this.maxLength = max !== undefined && max > 0 && max < 1e6 ? max : 77;
  }

  get vocabSize(): number {
    return this.encoder.size;
  }

  /** Appends a token (e.g. a textual-inversion trigger) matched whole before BPE; returns its id. */
  addToken(token: string): number {
    const existing = this.encoder.get(token);
    if (existing !== undefined && this.addedTokens.includes(token)) return existing;
    const id = existing ?? Math.max(-1, ...this.encoder.values()) + 1;
    this.encoder.set(token, id);
    this.addedTokens.push(token);
    const sorted = [...this.addedTokens].sort((a, b) => b.length - a.length);
    this.addedPattern = new RegExp(sorted.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'), 'gu');
    return id;
  }

  /**
   * Appends a token matched whole before BPE that stands for the given ids (a textual-inversion
   * embedding of `ids.length` vectors whose rows the text encoder's table gained).
   */
  addTokenSequence(token: string, ids: number[]): void {
    if (this.addedSequences.has(token)) throw new Error(`the token "${token}" is already in the vocabulary`);
    this.addToken(token);
    this.addedSequences.set(token, [...ids]);
  }

  /** Token ids without BOS/EOS, no truncation. */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const piece of this.splitOnAdded(text)) {
      if (piece.added) ids.push(...(this.addedSequences.get(piece.text) ?? [this.encoder.get(piece.text) as number]));
      else this.encodePlain(piece.text, ids);
    }
    return ids;
  }

  /** BOS + ids + EOS, truncated to maxLength (EOS kept) and padded with the pad token. */
  tokenize(text: string, options: { maxLength?: number } = {}): Int32Array {
    const maxLength = options.maxLength ?? this.maxLength;
    const ids = this.encode(text).slice(0, Math.max(0, maxLength - 2));
    const out = new Int32Array(maxLength).fill(this.padTokenId);
    out[0] = this.bosTokenId;
    out.set(ids, 1);
    out[ids.length + 1] = this.eosTokenId;
    return out;
  }

  tokenId(token: string): number | undefined {
    return this.encoder.get(token);
  }

  private *splitOnAdded(text: string): Generator<{ text: string; added: boolean }> {
    if (this.addedPattern === null) {
      yield { text, added: false };
      return;
    }
    let last = 0;
    for (const m of text.matchAll(this.addedPattern)) {
      const at = m.index ?? 0;
      if (at > last) yield { text: text.slice(last, at), added: false };
      yield { text: m[0], added: true };
      last = at + m[0].length;
    }
    if (last < text.length) yield { text: text.slice(last), added: false };
  }

  private encodePlain(text: string, ids: number[]): void {
    const cleaned = cleanText(text);
    for (const m of cleaned.matchAll(PAT)) {
      let word = '';
      for (const b of Buffer.from(m[0], 'utf8')) word += BYTE_ENCODER[b];
      for (const sym of this.bpe(word)) {
        const id = this.encoder.get(sym);
        // HF maps unknown symbols to unk (<|endoftext|> for CLIP).
        ids.push(id ?? this.eosTokenId);
      }
    }
  }

  private bpe(token: string): string[] {
    const cached = this.cache.get(token);
    if (cached) return cached;
    const chars = [...token];
    let word = chars.map((c, i) => (i === chars.length - 1 ? `${c}</w>` : c));
    while (word.length > 1) {
      let best = -1;
      let bestRank = Infinity;
      for (let i = 0; i < word.length - 1; i++) {
        const r = this.ranks.get(`${word[i]} ${word[i + 1]}`);
        if (r !== undefined && r < bestRank) {
          bestRank = r;
          best = i;
        }
      }
      if (best < 0) break;
      const first = word[best];
      const second = word[best + 1];
      const merged: string[] = [];
      for (let i = 0; i < word.length; ) {
        if (i < word.length - 1 && word[i] === first && word[i + 1] === second) {
          merged.push(first + second);
          i += 2;
        } else {
          merged.push(word[i]);
          i += 1;
        }
      }
      word = merged;
    }
    this.cache.set(token, word);
    return word;
  }
}
