import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ClipTokenizer } from './clip-tokenizer';
import { loadFixture, REFERENCE_DIR, type TokenizerFixture } from './fixtures';

const VOCAB_DIR = join(REFERENCE_DIR, 'fixture-vocab');
const TINY_DIR = join(__dirname, '..', '..', '..', '..', 'models', 'easel-tiny', 'tokenizer');

function check(tok: ClipTokenizer, fx: TokenizerFixture): void {
  expect(tok.bosTokenId).toBe(fx.bos);
  expect(tok.eosTokenId).toBe(fx.eos);
  expect(tok.padTokenId).toBe(fx.pad);
  expect(tok.maxLength).toBe(fx.max_length);
  for (const c of fx.cases) {
    expect({ text: c.text, ids: tok.encode(c.text) }).toEqual({ text: c.text, ids: c.ids });
    expect({ text: c.text, ids: Array.from(tok.tokenize(c.text)) }).toEqual({ text: c.text, ids: c.input_ids });
  }
}

describe('ClipTokenizer against the Python reference', () => {
  it('fixture vocabulary (pad <|endoftext|>, as SD 1.5)', async () => {
    const fx = loadFixture<TokenizerFixture>('fixture-vocab.json');
    expect(fx.cases.length).toBeGreaterThan(70);
    check(await ClipTokenizer.fromDirectory(VOCAB_DIR), fx);
  });

  it("pad token '!' (as SD 2.x) comes from the config", async () => {
    const base = await ClipTokenizer.fromDirectory(VOCAB_DIR);
    const fx = loadFixture<TokenizerFixture>('fixture-vocab-pad-bang.json');
    const { readFile } = await import('node:fs/promises');
    const vocab = JSON.parse(await readFile(join(VOCAB_DIR, 'vocab.json'), 'utf8')) as Record<string, number>;
    const merges = await readFile(join(VOCAB_DIR, 'merges.txt'), 'utf8');
    const tok = new ClipTokenizer({ vocab, merges, config: { model_max_length: 77, pad_token: { content: '!' } } });
    expect(tok.padTokenId).toBe(0);
    expect(tok.padTokenId).not.toBe(base.padTokenId);
    check(tok, fx);
  });

  it('added tokens are matched whole before BPE', async () => {
    const fx = loadFixture<{ added: string[]; added_ids: number[]; cases: Array<{ text: string; ids: number[] }> }>('added-tokens.json');
    const tok = await ClipTokenizer.fromDirectory(VOCAB_DIR);
    const before = tok.vocabSize;
    expect(fx.added.map((t) => tok.addToken(t))).toEqual(fx.added_ids);
    expect(tok.vocabSize).toBe(before + fx.added.length);
    expect(tok.addToken(fx.added[0])).toBe(fx.added_ids[0]);
    for (const c of fx.cases) expect({ text: c.text, ids: tok.encode(c.text) }).toEqual(c);
  });

  it('truncates long prompts keeping EOS, honours maxLength', async () => {
    const tok = await ClipTokenizer.fromDirectory(VOCAB_DIR);
    const ids = tok.tokenize('word '.repeat(200));
    expect(ids.length).toBe(77);
    expect(ids[76]).toBe(tok.eosTokenId);
    const short = tok.tokenize('a red circle', { maxLength: 10 });
    expect(short.length).toBe(10);
    expect(short[0]).toBe(tok.bosTokenId);
  });

  const tinyFixture = join(REFERENCE_DIR, 'fixtures', 'easel-tiny.json');
  (existsSync(tinyFixture) && existsSync(TINY_DIR) ? it : it.skip)('bundled easel-tiny tokenizer', async () => {
    check(await ClipTokenizer.fromDirectory(TINY_DIR), loadFixture<TokenizerFixture>('easel-tiny.json'));
  });
});
