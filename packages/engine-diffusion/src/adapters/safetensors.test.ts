import { AdapterFileError } from '../errors';
import { SafetensorsFile } from './safetensors';
import { encodeSafetensors, withHeader } from './test-helpers';

describe('SafetensorsFile', () => {
  it('reads F32, F16 and BF16 tensors and the metadata', () => {
    const bytes = encodeSafetensors(
      {
        a: { shape: [2, 2], data: [1, -2, 0.5, 3.25] },
        h: { shape: [3], data: [1.5, -0.25, 65504], dtype: 'F16' },
        b: { shape: [2], data: [2, -0.375], dtype: 'BF16' },
      },
      { format: 'pt' },
    );
    const f = SafetensorsFile.parse(bytes, 'x.safetensors');
    expect([...f.entries.keys()]).toEqual(['a', 'h', 'b']);
    expect(f.metadata).toEqual({ format: 'pt' });
    expect(f.float32('a')).toEqual({ shape: [2, 2], data: new Float32Array([1, -2, 0.5, 3.25]) });
    expect([...f.float32('h').data]).toEqual([1.5, -0.25, 65504]);
    expect([...f.float32('b').data]).toEqual([2, -0.375]);
  });

  it('reads a tensor whose data is not 4-byte aligned in the file', () => {
    const bytes = encodeSafetensors({ odd: { shape: [1], data: [1], dtype: 'F16' }, f: { shape: [2], data: [7, 8] } });
    expect([...SafetensorsFile.parse(bytes).float32('f').data]).toEqual([7, 8]);
  });

  const corrupt: Array<[string, Buffer, RegExp]> = [
    ['fewer than 8 bytes', Buffer.from([1, 2, 3]), /fewer than the 8-byte header length/],
    ['a header length past the end', (() => { const b = withHeader('{}'); b.writeBigUInt64LE(1000n); return b; })(), /header length 1000 exceeds the file/],
    ['a header that is not JSON', withHeader('{"a": '), /header is not JSON/],
    ['a header that is an array', withHeader('[]'), /not a JSON object/],
    ['an unknown dtype', withHeader('{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,4]}}', Buffer.alloc(4)), /unknown dtype "Q4"/],
    ['offsets past the data', withHeader('{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}', Buffer.alloc(4)), /spans bytes 0..8 but the data section has 4/],
    ['a size that disagrees with the shape', withHeader('{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}', Buffer.alloc(8)), /needs 12 bytes but spans 8/],
    ['a negative dimension', withHeader('{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,0]}}'), /malformed shape/],
    ['malformed offsets', withHeader('{"a":{"dtype":"F32","shape":[1],"data_offsets":[4]}}', Buffer.alloc(4)), /malformed data_offsets/],
  ];
  it.each(corrupt)('%s → a typed adapter_file_corrupt error saying why', (_what, bytes, why) => {
    const err = (() => {
      try {
        SafetensorsFile.parse(bytes, 'bad.safetensors');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(AdapterFileError);
    expect(err).toMatchObject({ code: 'adapter_file_corrupt', path: 'bad.safetensors' });
    expect((err as Error).message).toMatch(/^bad\.safetensors is not a valid safetensors file: /);
    expect((err as Error).message).toMatch(why);
  });

  it('a missing tensor or a non-float dtype is an error on access', () => {
    const f = SafetensorsFile.parse(withHeader('{"i":{"dtype":"I32","shape":[1],"data_offsets":[0,4]}}', Buffer.alloc(4)), 'i.safetensors');
    expect(() => f.float32('nope')).toThrow(/has no tensor "nope"/);
    expect(() => f.float32('i')).toThrow(/is I32; only F32, F16, BF16 and F64/);
  });
});
