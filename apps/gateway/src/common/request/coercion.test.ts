import {
  characterCount,
  coerceBoolean,
  coerceInteger,
  coerceNumber,
  coerceNumberList,
  coerceString,
  coerceStringList,
  normalizeInput,
} from './coercion';

/** Coerce a raw JSON value as the parsers do (normalise first). */
const via =
  <T>(coerce: (value: unknown, field: string) => T) =>
  (raw: unknown) =>
    coerce(normalizeInput(raw), 'some_field');

describe('normalizeInput (Laravel TrimStrings + ConvertEmptyStringsToNull)', () => {
  it.each<[unknown, unknown]>([
    [undefined, null],
    [null, null],
    ['', null],
    ['   ', null],
    ['  a cat ', 'a cat'],
    [0, 0],
    [false, false],
  ])('%p → %p', (raw, expected) => {
    expect(normalizeInput(raw)).toBe(expected);
  });

  it('leaves arrays and objects alone', () => {
    const list = [' a '];
    expect(normalizeInput(list)).toBe(list);
  });
});

describe('coerceBoolean', () => {
  const boolean = via(coerceBoolean);
  it.each<[unknown, boolean | null]>([
    ['yes', true],
    ['no', false],
    ['YES', true],
    ['No', false],
    [' yes ', true],
    [true, true],
    [false, false],
    ['true', true],
    ['false', false],
    ['TRUE', true],
    [1, true],
    [0, false],
    ['1', true],
    ['0', false],
    [null, null],
    ['', null],
    [undefined, null],
  ])('accepts %p as %p', (raw, expected) => {
    expect(boolean(raw)).toEqual({ ok: true, value: expected });
  });

  it.each<unknown>(['maybe', 'y', 'on', 2, -1, 0.5, '2', [], ['yes'], {}, { yes: true }, NaN])(
    'refuses %p',
    (raw) => {
      expect(boolean(raw)).toEqual({ ok: false, error: 'The some field field must be yes or no.' });
    },
  );
});

describe('coerceNumber', () => {
  const number = via(coerceNumber);
  it.each<[unknown, number | null]>([
    [7.5, 7.5],
    ['7.5', 7.5],
    [' 7.5 ', 7.5],
    ['7', 7],
    ['-1', -1],
    ['+2', 2],
    ['.5', 0.5],
    ['5.', 5],
    ['1e1', 10],
    ['1E-1', 0.1],
    [0, 0],
    [null, null],
    ['', null],
  ])('accepts %p as %p', (raw, expected) => {
    expect(number(raw)).toEqual({ ok: true, value: expected });
  });

  it.each<unknown>([
    'abc',
    '7.5px',
    '0x10',
    'Infinity',
    '-Infinity',
    'NaN',
    NaN,
    Infinity,
    -Infinity,
    '1e400',
    '1,5',
    '.',
    '--1',
    true,
    false,
    [7],
    { value: 7 },
  ])('refuses %p', (raw) => {
    expect(number(raw)).toEqual({ ok: false, error: 'The some field field must be a number.' });
  });
});

describe('coerceInteger', () => {
  const integer = via(coerceInteger);
  it.each<[unknown, number | null]>([
    [4, 4],
    ['4', 4],
    [' 4', 4],
    ['-8', -8],
    ['20.0', 20],
    ['2e1', 20],
    [512.0, 512],
    ['-0', 0],
    [null, null],
  ])('accepts %p as %p', (raw, expected) => {
    expect(integer(raw)).toEqual({ ok: true, value: expected });
  });

  it('never answers -0', () => {
    const result = integer('-0');
    expect(result.ok && Object.is(result.value, 0)).toBe(true);
  });

  it.each<unknown>([4.5, '4.5', 'four', '4a', NaN, Infinity, true, [4], { n: 4 }])('refuses %p', (raw) => {
    expect(integer(raw)).toEqual({ ok: false, error: 'The some field field must be an integer.' });
  });
});

describe('coerceString', () => {
  const string = via(coerceString);
  it('accepts strings, trimmed, and unset as null', () => {
    expect(string(' a cat ')).toEqual({ ok: true, value: 'a cat' });
    expect(string(null)).toEqual({ ok: true, value: null });
    expect(string('')).toEqual({ ok: true, value: null });
  });

  it.each<unknown>([5, 0, true, false, ['a'], { a: 1 }])('refuses %p', (raw) => {
    expect(string(raw)).toEqual({ ok: false, error: 'The some field must be a string.' });
  });

  const unsafe = 'The some field must not contain NUL characters or unpaired surrogates.';
  it.each(['a\u0000b', 'a\ud800', '\udc00b', 'x\udfff\ud800y'])(
    'refuses %j, which PostgreSQL cannot store',
    (raw) => {
      expect(string(raw)).toEqual({ ok: false, error: unsafe });
    },
  );

  it('keeps characters outside the BMP (a surrogate pair)', () => {
    expect(string('a 😀 cat')).toEqual({ ok: true, value: 'a 😀 cat' });
  });
});

describe('coerceStringList', () => {
  const list = via(coerceStringList);
  it.each<unknown>(['a,b\u0000', ['a', '\ud800']])('refuses an entry PostgreSQL cannot store: %j', (raw) => {
    expect(list(raw)).toEqual({
      ok: false,
      error: 'The some field must not contain NUL characters or unpaired surrogates.',
    });
  });

  it.each<[unknown, string[]]>([
    ['a', ['a']],
    ['a,b', ['a', 'b']],
    [' a , b ,, c,', ['a', 'b', 'c']],
    [
      ['a', ' b ', ''],
      ['a', 'b'],
    ],
    [123, ['123']],
    [
      ['x', 7],
      ['x', '7'],
    ],
    [null, []],
    ['', []],
    [',', []],
  ])('reads %p as %p', (raw, expected) => {
    expect(list(raw)).toEqual({ ok: true, value: expected });
  });

  it.each<unknown>([true, { a: 1 }, [['a']], [null], [true], NaN])('refuses %p', (raw) => {
    expect(list(raw)).toEqual({ ok: false, error: 'The some field must be a comma-separated list.' });
  });
});

describe('coerceNumberList', () => {
  const list = via(coerceNumberList);
  it.each<[unknown, number[]]>([
    ['0.6', [0.6]],
    ['0.6,0.8', [0.6, 0.8]],
    [' 0.6 , 0.8 ,', [0.6, 0.8]],
    ['0.6,,0.8', [0.6, 0.8]], // empty entries are skipped, as in lists of ids
    [0.7, [0.7]],
    [
      [0.6, '0.8'],
      [0.6, 0.8],
    ],
    [null, []],
    ['', []],
  ])('reads %p as %p', (raw, expected) => {
    expect(list(raw)).toEqual({ ok: true, value: expected });
  });

  it.each<unknown>(['a', '0.6,abc', [null], [true], [[1]], true, { a: 1 }, NaN, Infinity])(
    'refuses %p',
    (raw) => {
      expect(list(raw)).toEqual({
        ok: false,
        error: 'The some field must be a comma-separated list of numbers.',
      });
    },
  );
});

describe('characterCount', () => {
  it('counts code points, as mb_strlen does', () => {
    expect(characterCount('abc')).toBe(3);
    expect(characterCount('🎨🎨')).toBe(2);
    expect(characterCount('é')).toBe(1);
  });
});
