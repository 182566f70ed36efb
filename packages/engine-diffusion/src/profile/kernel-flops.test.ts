import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { kernelFlops, profileFlops, type ProfileEvent } from './kernel-flops';
import { matmulGraph } from './matmul-graph';

const kernel = (op: string, inputs: number[][], output: number[], dur = 10, ts = 100): ProfileEvent =>
  ({
    cat: 'Node',
    name: `${op}_kernel_time`,
    dur,
    ts,
    args: { op_name: op, input_type_shape: inputs.map((s) => ({ float: s })), output_type_shape: [{ float: output }] },
  }) as ProfileEvent;

describe('FLOPs from an onnxruntime profile', () => {
  it('counts a convolution as 2 × outputs × (Cin/groups) × kh × kw', () => {
    expect(kernelFlops('Conv', [[2, 4, 16, 16], [64, 4, 3, 3], [64]], [[2, 64, 16, 16]])).toBe(2 * 2 * 64 * 256 * 4 * 9);
    // depthwise: the weight's second dim is Cin/groups = 1
    expect(kernelFlops('Conv', [[1, 8, 4, 4], [8, 1, 3, 3]], [[1, 8, 4, 4]])).toBe(2 * 8 * 16 * 9);
  });

  it('counts matrix products by their inner dimension, batched or transposed', () => {
    expect(kernelFlops('MatMul', [[2, 77, 128], [128, 64]], [[2, 77, 64]])).toBe(2 * 2 * 77 * 64 * 128);
    expect(kernelFlops('Gemm', [[2, 320], [1280, 320]], [[2, 1280]])).toBe(2 * 2 * 1280 * 320);
    expect(kernelFlops('Gemm', [[320, 2], [320, 1280]], [[2, 1280]])).toBe(2 * 2 * 1280 * 320);
    expect(kernelFlops('Reshape', [[2, 64]], [[128]])).toBe(0);
  });

  it('counts fused attention as the two products it replaces: Q·Kᵀ and the probabilities·V', () => {
    // 2 rows, 256 queries, 77 keys, 128 wide (any number of heads): 2 × 256 × 77 × 128 multiply-adds each
    const scores = kernelFlops('MatMul', [[8, 256, 32], [8, 32, 77]], [[8, 256, 77]]);
    const weighted = kernelFlops('MatMul', [[8, 256, 77], [8, 77, 32]], [[8, 256, 32]]);
    expect(kernelFlops('MultiHeadAttention', [[2, 256, 128], [2, 77, 128], [2, 77, 128]], [[2, 256, 128]])).toBe(scores + weighted);
  });

  it('sums the kernels of the runs after the warm-up ones', () => {
    const events: ProfileEvent[] = [
      { cat: 'Session', name: 'model_run', dur: 50, ts: 0 } as ProfileEvent,
      kernel('MatMul', [[4, 4], [4, 4]], [4, 4], 10, 1),
      { cat: 'Session', name: 'model_run', dur: 50, ts: 100 } as ProfileEvent,
      kernel('MatMul', [[4, 4], [4, 4]], [4, 4], 6, 101),
      kernel('Reshape', [[4, 4]], [16], 2, 102),
    ];
    const p = profileFlops(events, 1);
    expect(p.runs).toBe(1);
    expect(p.flopsPerRun).toBe(2 * 4 * 4 * 4);
    expect(p.kernelsPerRun).toBe(2);
    expect(p.byOp.get('MatMul')).toEqual({ kernels: 1, micros: 6, flops: 128 });
  });

  it("the MatMul graph multiplies, and ORT's own profile of it counts 2n³", async () => {
    const n = 64;
    const prefix = `easel-matmul-${process.pid}`;
    const session = await ort.InferenceSession.create(matmulGraph(n), { enableProfiling: true, profileFilePrefix: join(tmpdir(), prefix), intraOpNumThreads: 1 });
    const a = Float32Array.from({ length: n * n }, (_, i) => (i % 7) - 3);
    const b = Float32Array.from({ length: n * n }, (_, i) => (i % 5) - 2);
    const { Y } = await session.run({ A: new ort.Tensor('float32', a, [n, n]), B: new ort.Tensor('float32', b, [n, n]) });
    let y01 = 0;
    for (let k = 0; k < n; k++) y01 += a[k]! * b[k * n + 1]!;
    expect((Y!.data as Float32Array)[1]).toBe(y01);
    await session.release(); // onnxruntime-node writes the profile when the session ends
    const path = join(tmpdir(), readdirSync(tmpdir()).find((f) => f.startsWith(prefix))!);
    const events = JSON.parse(readFileSync(path, 'utf8')) as ProfileEvent[];
    rmSync(path);
    expect(profileFlops(events).flopsPerRun).toBe(2 * n ** 3);
  });
});
