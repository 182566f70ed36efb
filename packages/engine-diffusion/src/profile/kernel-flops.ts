/**
 * FLOPs counted from an onnxruntime profile (SessionOptions.enableProfiling): every kernel event
 * carries the real input and output shapes of that run, so the count is the graph's at the shapes
 * actually fed, whatever the export left dynamic. A multiply-add counts 2.
 */

/** One event of ORT's Chrome-trace profile (the fields read here). */
export interface ProfileEvent {
  cat?: string;
  name: string;
  dur: number;
  args?: {
    op_name?: string;
    input_type_shape?: Array<Record<string, number[]>>;
    output_type_shape?: Array<Record<string, number[]>>;
  };
}

const shapeOf = (entry: Record<string, number[]> | undefined): number[] => (entry ? (Object.values(entry)[0] ?? []) : []);
const product = (dims: readonly number[]): number => dims.reduce((a, b) => a * b, 1);

/** The FLOPs of one kernel from its op and shapes; 0 for ops that do no dense arithmetic. */
export function kernelFlops(op: string, inputs: number[][], outputs: number[][]): number {
  const out = outputs[0] ?? [];
  switch (op) {
    case 'Conv':
    case 'FusedConv':
    case 'NhwcFusedConv': {
      // every output element: Cin/groups × kh × kw multiply-adds (the weight's shape past its first dim)
      const weight = inputs[1] ?? [];
      return 2 * product(out) * product(weight.slice(1));
    }
    case 'MatMul':
    case 'FusedMatMul':
    case 'MatMulInteger':
    case 'Gemm': {
      // every output element: K multiply-adds. The first input's last two dims are M and K, or K and
      // M when Gemm transposes it (transA): K is the one that is not the output's M.
      const a = inputs[0] ?? [];
      const [r, c] = [a.at(-2) ?? 1, a.at(-1) ?? 1];
      const m = out.at(-2) ?? 1;
      const k = c === m && r !== m ? r : c;
      return 2 * product(out) * k;
    }
    case 'MultiHeadAttention': {
      // query [B, S, D], key [B, L, D] (3-D, as fuseAttention feeds it): Q·Kᵀ and the probabilities·V,
      // B·S·L·D multiply-adds each, as the two MatMuls it replaces counted them
      const [q, k] = [inputs[0] ?? [], inputs[1] ?? []];
      if (q.length !== 3 || k.length !== 3) return 0;
      return 2 * 2 * q[0]! * q[1]! * k[1]! * q[2]!;
    }
    default:
      return 0;
  }
}

export interface ProfileFlops {
  /** Runs the profile holds (model_run events). */
  runs: number;
  flopsPerRun: number;
  kernelsPerRun: number;
  /** Per op type: kernels per run, microseconds per run, FLOPs per run. */
  byOp: Map<string, { kernels: number; micros: number; flops: number }>;
}

/** Sums a profile's kernels; `skipRuns` leaves out the first runs (warm-up). */
export function profileFlops(events: readonly ProfileEvent[], skipRuns = 0): ProfileFlops {
  const runStarts = events.filter((e) => e.cat === 'Session' && e.name === 'model_run').map((e) => (e as { ts?: number }).ts ?? 0);
  const from = runStarts[skipRuns] ?? 0;
  const runs = Math.max(1, runStarts.length - skipRuns);
  const byOp = new Map<string, { kernels: number; micros: number; flops: number }>();
  let flops = 0;
  let kernels = 0;
  for (const e of events) {
    if (e.cat !== 'Node' || !e.name.endsWith('_kernel_time') || !e.args?.op_name) continue;
    if (((e as { ts?: number }).ts ?? 0) < from) continue;
    const op = e.args.op_name;
    const f = kernelFlops(op, (e.args.input_type_shape ?? []).map(shapeOf), (e.args.output_type_shape ?? []).map(shapeOf));
    const row = byOp.get(op) ?? { kernels: 0, micros: 0, flops: 0 };
    row.kernels += 1 / runs;
    row.micros += e.dur / runs;
    row.flops += f / runs;
    byOp.set(op, row);
    flops += f;
    kernels++;
  }
  return { runs, flopsPerRun: flops / runs, kernelsPerRun: kernels / runs, byOp };
}
