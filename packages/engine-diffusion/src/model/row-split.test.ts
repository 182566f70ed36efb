import * as ort from 'onnxruntime-node';
import { joinRows, splitRows } from './row-split';

const tensor = (dims: number[]) => new ort.Tensor('float32', Float32Array.from({ length: dims.reduce((a, b) => a * b, 1) }, (_, i) => i), dims);

describe('splitRows / joinRows', () => {
  it('gives each half its rows and both halves the feeds that broadcast, and joins back to the batched layout', () => {
    const sample = tensor([2, 3, 2, 2]);
    const states = tensor([2, 5, 4]);
    const timestep = new ort.Tensor('int64', new BigInt64Array([7n]), [1]);
    const residual = tensor([1, 3, 1, 1]);
    const [a, b] = splitRows({ sample, states, timestep, residual }, 2);
    expect(a.sample.dims).toEqual([1, 3, 2, 2]);
    expect(Array.from(b.sample.data as Float32Array)).toEqual(Array.from((sample.data as Float32Array).slice(12)));
    expect(b.states.dims).toEqual([1, 5, 4]);
    expect(a.timestep).toBe(timestep);
    expect(b.residual).toBe(residual);
    const joined = joinRows({ out: a.sample }, { out: b.sample });
    expect(joined.out.dims).toEqual([2, 3, 2, 2]);
    expect(Array.from(joined.out.data as Float32Array)).toEqual(Array.from(sample.data as Float32Array));
  });

  it('splits an odd batch with the larger half first, and per-row timesteps with it', () => {
    const sample = tensor([3, 1, 1, 2]);
    const timestep = new ort.Tensor('int64', new BigInt64Array([1n, 2n, 3n]), [3]);
    const [a, b] = splitRows({ sample, timestep }, 3);
    expect(a.sample.dims[0]).toBe(2);
    expect(Array.from(b.timestep.data as BigInt64Array)).toEqual([3n]);
  });
});
