import { normalizeText, textChunks } from './text-chunks';

describe('textChunks', () => {
  it('keeps sentences whole and packs short ones together', () => {
    expect(textChunks('One. Two! Three? Four', 12)).toEqual(['One. Two!', 'Three? Four']);
    expect(textChunks('One. Two! Three? Four', 100)).toEqual(['One. Two! Three? Four']);
    expect(textChunks('One. Two! Three? Four', 100, false)).toEqual(['One.', 'Two!', 'Three?', 'Four']);
  });

  it('cuts a long sentence after a comma, then between words, within the limit', () => {
    const chunks = textChunks('alpha beta gamma, delta epsilon zeta eta theta iota kappa', 20);
    expect(chunks[0]).toBe('alpha beta gamma,');
    expect(chunks.every((c) => c.length <= 20)).toBe(true);
    expect(chunks.join(' ')).toBe('alpha beta gamma, delta epsilon zeta eta theta iota kappa');
    expect(textChunks('x'.repeat(25), 10)).toEqual(['xxxxxxxxxx', 'xxxxxxxxxx', 'xxxxx']);
  });

  it('drops pieces with nothing to say and control characters', () => {
    expect(textChunks(' ... !! ', 50)).toEqual([]);
    expect(normalizeText('a\u0000b\n\tc\u200b')).toBe('a b c');
  });
});
