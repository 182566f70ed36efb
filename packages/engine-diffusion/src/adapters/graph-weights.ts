import type { GraphProto, TensorProto } from '../onnx/model-proto';
import { tensorShape } from '../onnx/model-proto';

/**
 * The weight matrices of a graph's linear and convolution layers, by module path — the index a
 * LoRA's keys are looked up in. torch.onnx keeps most weights under their state-dict names
 * (`down.0.0.conv1.weight`, Gemm's `time_mlp.0.weight`), but a Linear applied to a 3-D input
 * becomes a MatMul on an anonymous, transposed initializer (`onnx::MatMul_123`); the consuming
 * node's name carries the module's scope (`/down.0.1/attn2/to_q/MatMul`). Same mapping as
 * models/training/onnx_weights.py.
 */
export interface GraphWeight {
  tensor: TensorProto;
  /** 'out_in': stored [out, in(, kh, kw)] (Gemm transB=1, Conv); 'in_out': stored [in, out] (MatMul, Gemm transB=0). */
  layout: 'out_in' | 'in_out';
  out: number;
  /** Input features (times the kernel size for a Conv). */
  in: number;
}

/** `a.b/c.d` → `a_b_c_d`: the form kohya keys use, and the form both sides are compared in. */
export function normalizePath(path: string): string {
  return path.replace(/[./]/g, '_');
}

export function indexGraphWeights(graph: GraphProto): Map<string, GraphWeight> {
  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const index = new Map<string, GraphWeight>();
  for (const node of graph.node) {
    const tensor = initializers.get(node.input[1] ?? '');
    if (!tensor) continue;
    const shape = tensorShape(tensor);
    let weight: GraphWeight | undefined;
    if (node.opType === 'MatMul' && shape.length === 2) weight = { tensor, layout: 'in_out', out: shape[1], in: shape[0] };
    else if (node.opType === 'Gemm' && shape.length === 2) {
      const transB = Number(node.attribute.find((a) => a.name === 'transB')?.i ?? 0n);
      weight = transB ? { tensor, layout: 'out_in', out: shape[0], in: shape[1] } : { tensor, layout: 'in_out', out: shape[1], in: shape[0] };
    } else if (node.opType === 'Conv' && shape.length >= 3) weight = { tensor, layout: 'out_in', out: shape[0], in: shape.slice(1).reduce((a, d) => a * d, 1) };
    if (!weight) continue;
    const path = modulePath(tensor.name, node.name);
    if (path !== undefined && !index.has(path)) index.set(path, weight);
  }
  return index;
}

function modulePath(initializer: string, nodeName: string): string | undefined {
  const named = /^(.+)\.weight$/.exec(initializer);
  if (named) return normalizePath(named[1]);
  const slash = nodeName.lastIndexOf('/');
  if (!nodeName.startsWith('/') || slash <= 0) return undefined;
  return normalizePath(nodeName.slice(1, slash));
}

/**
 * Spellings of one module that differ between conventions: Hugging Face CLIP's
 * `text_model.encoder.layers.N.self_attn.q_proj` / `.mlp.fc1` vs a plain `layers.N.q_proj` / `.fc1`,
 * and diffusers' `to_out.0` vs a bare `to_out` Linear.
 */
export function aliasPath(normalized: string): string {
  return normalized
    .replace(/^text_model_/, '')
    .replace(/^encoder_(?=layers_)/, '')
    .replace(/_self_attn_/g, '_')
    .replace(/_mlp_/g, '_')
    .replace(/_to_out_0$/, '_to_out');
}

/** Look a LoRA module up: the exact path first, then by alias on both sides. */
export class WeightLookup {
  private readonly byAlias = new Map<string, GraphWeight | null>();

  constructor(private readonly index: Map<string, GraphWeight>) {
    for (const [path, w] of index) {
      const a = aliasPath(path);
      // Two modules sharing an alias would be ambiguous: refuse to guess.
      this.byAlias.set(a, this.byAlias.has(a) && this.byAlias.get(a) !== w ? null : w);
    }
  }

  find(normalized: string): GraphWeight | undefined {
    return this.index.get(normalized) ?? this.byAlias.get(aliasPath(normalized)) ?? undefined;
  }
}
