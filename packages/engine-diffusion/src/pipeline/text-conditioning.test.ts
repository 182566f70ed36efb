import { loadDiffusionModel, type DiffusionModel } from '../model/load-model';
import { SD15_RANDOM } from './test-helpers';
import { encodePrompts } from './text-conditioning';

let model: DiffusionModel;
beforeAll(async () => {
  model = await loadDiffusionModel(SD15_RANDOM);
});
afterAll(() => model.release());

describe('encodePrompts token ids', () => {
  it('gives the tokens behind each row of states: the prompt as cond, the negative prompt as uncond', async () => {
    const { tokenizer } = model;
    const text = await encodePrompts(model, 'a red circle', 'blurry', true, 1, false);
    expect(text.tokenIds!.cond).toEqual(tokenizer.tokenize('a red circle'));
    expect(text.tokenIds!.uncond).toEqual(tokenizer.tokenize('blurry'));
    expect(text.tokenIds!.cond.length).toBe(text.seqLen);
  });

  it('a prompt over one chunk: the chunks concatenated, as long as the states', async () => {
    const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ');
    const text = await encodePrompts(model, long, '', false, 1, false);
    expect(text.tokenIds!.uncond).toBeUndefined();
    expect(text.tokenIds!.cond.length).toBe(text.seqLen);
    expect(text.seqLen).toBeGreaterThan(77);
    expect(text.tokenIds!.cond[0]).toBe(model.tokenizer.bosTokenId);
    expect(text.tokenIds!.cond[77]).toBe(model.tokenizer.bosTokenId);
  });
});
