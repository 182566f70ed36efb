import { checkJsonBody } from './body-guard';

const nested = (depth: number): unknown => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { k: value };
  return value;
};
const fields = (body: unknown) => checkJsonBody(body)?.fields ?? null;

describe('checkJsonBody', () => {
  it('passes an ordinary body, emoji (surrogate pairs) and nesting up to 32 levels included', () => {
    expect(
      fields({ prompt: 'a 😀 cat', messages: [{ role: 'user', content: 'hi' }], deep: nested(32) }),
    ).toBeNull();
  });

  it('refuses nesting past 32 levels, naming the top-level field, however deep it goes', () => {
    const message = ['The deep must not be nested more than 32 levels deep.'];
    expect(fields({ prompt: 'x', deep: nested(33) })).toEqual({ deep: message });
    expect(fields({ deep: nested(100_000) })).toEqual({ deep: message });
  });

  it.each([
    ['a NUL in a nested value', { extra: { list: ['ok', 'a\u0000'] } }, 'extra'],
    ['a lone surrogate in a nested key', { extra: { ['\udfff']: 1 } }, 'extra'],
    ['a NUL in a top-level key (named with U+FFFD)', { ['bad\u0000key']: 1 }, 'bad\ufffdkey'],
  ])('refuses %s', (_what, body, field) => {
    expect(fields(body)).toEqual({
      [field]: [`The ${field.replace(/_/g, ' ')} must not contain NUL characters or unpaired surrogates.`],
    });
  });
});
