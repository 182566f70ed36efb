import { bodyFingerprint, canonicalJson } from './canonical-json';

describe('canonicalJson', () => {
  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: null } })).toBe(
      '{"a":{"c":null,"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it('tells apart values that differ only in type', () => {
    expect(bodyFingerprint({ width: '512' })).not.toBe(bodyFingerprint({ width: 512 }));
    expect(bodyFingerprint({ a: 1, b: 2 })).toBe(bodyFingerprint({ b: 2, a: 1 }));
  });
});

describe('canonicalJson on hostile nesting', () => {
  const nested = (depth: number): unknown => {
    let value: unknown = 1;
    for (let i = 0; i < depth; i++) value = [value];
    return value;
  };

  it('refuses a field nested 10,000 deep with the validation error naming it, not a stack overflow', () => {
    expect(() => canonicalJson({ prompt: 'x', extra: nested(10_000) })).toThrow(
      expect.objectContaining({
        httpStatus: 422,
        fields: { extra: ['The extra must not be nested more than 32 levels deep.'] },
      }),
    );
  });

  it('still reads nesting at the limit', () => {
    expect(canonicalJson({ extra: nested(32) })).toBe(`{"extra":${'['.repeat(32)}1${']'.repeat(32)}}`);
  });
});
