import { PhiloxNormalStream, philox4x32 } from './philox';
import { SampleNoise } from './noise';

const hex = (a: Uint32Array): string[] => Array.from(a, (v) => v.toString(16).padStart(8, '0'));

describe('philox4x32-10', () => {
  // Random123 kat_vectors: "philox4x32 10" lines.
  it('matches the Random123 known-answer vectors', () => {
    expect(hex(philox4x32([0, 0, 0, 0], [0, 0]))).toEqual(['6627e8d5', 'e169c58d', 'bc57ac4c', '9b00dbd8']);
    expect(hex(philox4x32([0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff], [0xffffffff, 0xffffffff]))).toEqual([
      '408f276d', '41c83b0e', 'a20bc7c6', '6d5451fd',
    ]);
    expect(hex(philox4x32([0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344], [0xa4093822, 0x299f31d0]))).toEqual([
      'd16cfe09', '94fdcceb', '5001e420', '24126ea1',
    ]);
  });

  // Values confirmed by the independent Python version: reference/random/philox_normals.py
  it('gives fixed normals for seed 0 and 42 (the documented stream, pinned)', () => {
    const s0 = Array.from(new PhiloxNormalStream(0).next(6));
    const again = Array.from(new PhiloxNormalStream(0).next(6));
    expect(s0).toEqual(again);
    expect(s0.map((v) => v.toFixed(6))).toEqual(['0.991138', '-0.924663', '-0.617609', '-0.482069', '-0.153638', '0.180826']);
    expect(Array.from(new PhiloxNormalStream(42).next(4), (v) => v.toFixed(6))).toEqual(['-0.970190', '0.194019', '-1.235621', '1.923927']);
  });

  it('is standard normal in distribution', () => {
    const x = new PhiloxNormalStream(7).next(40_000);
    let m = 0;
    for (const v of x) m += v;
    m /= x.length;
    let s = 0;
    for (const v of x) s += (v - m) ** 2;
    s /= x.length;
    expect(Math.abs(m)).toBeLessThan(0.02);
    expect(Math.abs(s - 1)).toBeLessThan(0.03);
  });

  it('reading in pieces equals reading at once', () => {
    const a = new PhiloxNormalStream(3);
    const pieces = [...a.next(3), ...a.next(5), ...a.next(1)];
    expect(pieces).toEqual(Array.from(new PhiloxNormalStream(3).next(9)));
  });

  it('SampleNoise gives sample i the stream of seed + i', () => {
    const n = new SampleNoise(100, 2);
    const both = n.randn(10);
    expect(Array.from(both.subarray(0, 5))).toEqual(Array.from(new PhiloxNormalStream(100).next(5)));
    expect(Array.from(both.subarray(5))).toEqual(Array.from(new PhiloxNormalStream(101).next(5)));
    expect(n.seeds).toEqual([100, 101]);
  });
});
