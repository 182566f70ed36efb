import { parsePromptAttention } from './prompt-weighting';
import { loadFixture } from './fixtures';

describe('parsePromptAttention against the Python reference', () => {
  const cases = loadFixture<Array<{ prompt: string; parsed: Array<[string, number]> }>>('prompt-attention.json');
  it.each(cases.map((c) => [c.prompt, c.parsed] as const))('%j', (prompt, parsed) => {
    expect(parsePromptAttention(prompt).map((r) => [r.text, r.weight])).toEqual(parsed);
  });
});
