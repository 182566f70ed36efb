import { create } from '@bufbuild/protobuf';
import * as ort from 'onnxruntime-node';
import {
  AttributeProto_AttributeType,
  AttributeProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorProto_DataType,
  type NodeProto,
} from '../gen/onnx/onnx_pb';
import { GraphEdges, hasSubgraphs, isOp, pruneDeadNodes } from '../onnx/graph-edges';
import { serializeModel, tensorFloats, type ModelProto } from '../onnx/model-proto';
import { probeValues } from '../onnx/probe-values';

const CONTRIB = 'com.microsoft';

/** How an exported attention lays out its heads: [B·h, S, dh] (diffusers' head_to_batch_dim), [B, h, S, dh], or one head. */
type HeadLayout = 'batched' | 'split' | 'single';

/** Where one of attention's inputs starts ([B, S, D], before its heads are split off) and what was split. */
interface HeadSplit {
  source: string;
  /** the Reshape to [B, S, h, dh], when there is one */
  reshaped?: string;
  split: string;
  layout: HeadLayout;
  /** the key's split already transposed for Q·Kᵀ in one step: [B, h, dh, L] (torch's SDPA export) */
  transposed?: boolean;
}

/** A scalar the scores are multiplied or divided by, on the query's, the key's or the scores' own path. */
interface ScaleFactor {
  tensor: string;
  divide: boolean;
}

interface Candidate {
  name: string;
  query: HeadSplit;
  key: HeadSplit;
  value: HeadSplit;
  /** [B, S, D]: the heads merged again, what the output projection reads */
  output: string;
  /** the tensor before the last merge step, [B, h, S, dh] for the batched layout */
  merged?: string;
  factors: ScaleFactor[];
  /** tensors added to the scores that must be all zeros (baddbmm's beta-0 term) */
  zeros: string[];
  /** Q·Kᵀ as multiplied, and the scores Softmax reads: the same shape when the zeros add nothing */
  scores: string;
  scored: string;
}

export interface FusedAttention {
  bytes: Uint8Array;
  /** attention blocks now one MultiHeadAttention node */
  fused: number;
  /** Softmax nodes left as they were (not attention as recognised here, or their probabilities are read elsewhere) */
  leftAlone: number;
}

/**
 * The graph with each attention block — Q·Kᵀ, a scale, Softmax, ·V and the reshapes and transposes
 * that split the heads off and merge them back — replaced by onnxruntime's contrib
 * `MultiHeadAttention`, which does the same in one kernel. Blocks whose probabilities something else
 * reads (self-attention guidance's `mid_attention_probs`) stay as they are.
 *
 * The pattern is matched on the graph; the heads and the scale are read from one run of the
 * unoptimised graph on `feeds` (batch 1; shapes and scalar values, whatever subgraph computed them),
 * and a block whose shapes do not fit what MultiHeadAttention computes, or whose batch is not the
 * feeds' (attention across frames), is left alone. `model` is untouched.
 */
export async function fuseAttention(
  model: ModelProto,
  feeds: Record<string, ort.Tensor>,
  sessionExtra: ort.InferenceSession.SessionOptions = {},
): Promise<FusedAttention> {
  const graph = model.graph;
  if (!graph) throw new Error('the model has no graph');
  const softmaxes = graph.node.filter((n) => isOp(n, 'Softmax'));
  if (hasSubgraphs(graph) || softmaxes.length === 0) return { bytes: serializeModel(model), fused: 0, leftAlone: softmaxes.length };

  const edges = new GraphEdges(graph);
  const opset = Number(model.opsetImport.find((o) => o.domain === '' || o.domain === 'ai.onnx')?.version ?? 0);
  const candidates = softmaxes.map((s) => matchAttention(edges, s, opset)).filter((c): c is Candidate => c !== undefined);
  const initializers = new Map(graph.initializer.map((t) => [t.name, t]));
  const probed = candidates.flatMap((c) => [
    ...[c.query, c.key, c.value].flatMap((h) => [h.source, h.split, ...(h.reshaped ? [h.reshaped] : [])]),
    c.output,
    ...(c.merged ? [c.merged] : []),
    ...c.factors.map((f) => f.tensor).filter((t) => !initializers.has(t)),
    ...(c.zeros.length > 0 ? [...c.zeros.filter((t) => !initializers.has(t)), c.scores, c.scored] : []),
  ]);
  const inputs = new Set(graph.input.map((i) => i.name));
  const values = candidates.length > 0 ? await probeValues(model, feeds, probed.filter((t) => !inputs.has(t)), TensorProto_DataType.FLOAT, sessionExtra) : {};
  const shapeOf = (t: string): readonly number[] | undefined => (values[t] ?? feeds[t])?.dims;
  const floatsOf = (t: string): Float32Array | undefined => {
    const init = initializers.get(t);
    return init ? tensorFloats(init, 'unet') : (values[t]?.data as Float32Array | undefined);
  };
  const scalarOf = (t: string): number | undefined => {
    const data = floatsOf(t);
    return data?.length === 1 ? data[0] : undefined;
  };

  const replacements = new Map<string, NodeProto>();
  for (const c of candidates) {
    const attention = checkShapes(c, shapeOf);
    const factors = c.factors.map((f) => ({ ...f, value: scalarOf(f.tensor) }));
    if (!attention || factors.some((f) => f.value === undefined || f.value === 0)) continue;
    if (c.zeros.length > 0 && !(same(shapeOf(c.scored), shapeOf(c.scores) ?? []) && c.zeros.every((t) => floatsOf(t)?.every((v) => v === 0)))) continue;
    const scale = factors.reduce((s, f) => (f.divide ? s / f.value! : s * f.value!), 1);
    replacements.set(c.output, multiHeadAttention(c, attention.heads, scale));
  }
  if (replacements.size === 0) return { bytes: serializeModel(model), fused: 0, leftAlone: softmaxes.length };

  const nodes = graph.node.map((n) => (n.output.length === 1 && replacements.has(n.output[0]!) ? replacements.get(n.output[0]!)! : n));
  const opsetImport = model.opsetImport.some((o) => o.domain === CONTRIB)
    ? model.opsetImport
    : [...model.opsetImport, create(OperatorSetIdProtoSchema, { domain: CONTRIB, version: 1n })];
  const fusedGraph = pruneDeadNodes({ ...graph, node: nodes, valueInfo: [] });
  return {
    bytes: serializeModel({ ...model, opsetImport, graph: fusedGraph } as ModelProto),
    fused: replacements.size,
    leftAlone: softmaxes.length - replacements.size,
  };
}

function matchAttention(edges: GraphEdges, softmax: NodeProto, opset: number): Candidate | undefined {
  if (!softmaxOverLastAxis(softmax, opset)) return undefined;
  const probs = softmax.output[0]!;
  // the probabilities read by the ·V product and nothing else (not even their shape: the node must go)
  const weighted = edges.consumers(probs).length === 1 ? edges.soleConsumer(probs, 'MatMul') : undefined;
  if (!weighted || weighted.input[0] !== probs) return undefined;
  const factors: ScaleFactor[] = [];
  const zeros: string[] = [];
  const scores = edges.producer(throughScalars(edges, softmax.input[0]!, factors, zeros), 'MatMul');
  if (!scores) return undefined;
  const query = headSplit(edges, throughScalars(edges, scores.input[0]!, factors));
  const keyT = edges.producer(throughScalars(edges, scores.input[1]!, factors), 'Transpose');
  const keySplitT = keyT && hasPerm(keyT, [0, 2, 3, 1]) ? edges.producer(keyT.input[0]!, 'Reshape') : undefined;
  let key: HeadSplit;
  if (keyT && swapsLastTwo(keyT)) key = headSplit(edges, throughScalars(edges, keyT.input[0]!, factors));
  else if (keyT && keySplitT) key = { source: keySplitT.input[0]!, reshaped: keySplitT.output[0]!, split: keyT.output[0]!, layout: 'split', transposed: true };
  else return undefined;
  const value = headSplit(edges, weighted.input[1]!);
  if (key.layout !== query.layout || value.layout !== query.layout) return undefined;
  const merge = headMerge(edges, weighted.output[0]!, query.layout);
  if (!merge) return undefined;
  return { name: softmax.name || probs, query, key, value, ...merge, factors, zeros, scores: scores.output[0]!, scored: softmax.input[0]! };
}

/**
 * Follows Mul/Div by a scalar back to the tensor scaled, noting the scalars. With `zeros` (the scores'
 * own path), also through an Add of a tensor the probe must find all zeros: diffusers' baddbmm with
 * beta 0 adds an empty tensor times 0 to the scaled product.
 */
function throughScalars(edges: GraphEdges, tensor: string, factors: ScaleFactor[], zeros?: string[]): string {
  for (;;) {
    const node = edges.producer(tensor);
    if (zeros && node && isOp(node, 'Add')) {
      const reachesProduct = (t: string) => edges.producer(throughScalars(edges, t, []), 'MatMul') !== undefined;
      const [a, b] = [node.input[0]!, node.input[1]!];
      const fromA = reachesProduct(a);
      if (fromA === reachesProduct(b)) return tensor;
      zeros.push(fromA ? b : a);
      tensor = fromA ? a : b;
      continue;
    }
    if (!node || node.domain !== '' || (node.opType !== 'Mul' && node.opType !== 'Div')) return tensor;
    const [a, b] = [node.input[0]!, node.input[1]!];
    const structural = (t: string) => ['Reshape', 'Transpose', 'MatMul'].includes(edges.producer(t)?.opType ?? '');
    if (node.opType === 'Div' || (structural(a) && !structural(b))) {
      factors.push({ tensor: b, divide: node.opType === 'Div' });
      tensor = a;
    } else if (structural(b) && !structural(a)) {
      factors.push({ tensor: a, divide: false });
      tensor = b;
    } else return tensor;
  }
}

function headSplit(edges: GraphEdges, split: string): HeadSplit {
  const flatten = edges.producer(split, 'Reshape');
  const batchedT = flatten && edges.producer(flatten.input[0]!, 'Transpose');
  const batchedR = batchedT && hasPerm(batchedT, [0, 2, 1, 3]) ? edges.producer(batchedT.input[0]!, 'Reshape') : undefined;
  if (batchedR) return { source: batchedR.input[0]!, reshaped: batchedR.output[0]!, split, layout: 'batched' };
  const splitT = edges.producer(split, 'Transpose');
  const splitR = splitT && hasPerm(splitT, [0, 2, 1, 3]) ? edges.producer(splitT.input[0]!, 'Reshape') : undefined;
  if (splitR) return { source: splitR.input[0]!, reshaped: splitR.output[0]!, split, layout: 'split' };
  return { source: split, split, layout: 'single' };
}

function headMerge(edges: GraphEdges, weighted: string, layout: HeadLayout): { output: string; merged?: string } | undefined {
  if (layout === 'single') return { output: weighted };
  const unflatten = layout === 'batched' ? edges.soleConsumer(weighted, 'Reshape') : undefined;
  const heads = unflatten ? unflatten.output[0]! : weighted;
  if (layout === 'batched' && !unflatten) return undefined;
  const transpose = edges.soleConsumer(heads, 'Transpose');
  const flatten = transpose && hasPerm(transpose, [0, 2, 1, 3]) ? edges.soleConsumer(transpose.output[0]!, 'Reshape') : undefined;
  return flatten ? { output: flatten.output[0]!, merged: heads } : undefined;
}

/** The heads, when every probed shape is what MultiHeadAttention reads and writes; else undefined. */
function checkShapes(c: Candidate, shapeOf: (t: string) => readonly number[] | undefined): { heads: number } | undefined {
  const q = shapeOf(c.query.source);
  const k = shapeOf(c.key.source);
  const v = shapeOf(c.value.source);
  const out = shapeOf(c.output);
  if (!q || !k || !v || !out || q.length !== 3 || k.length !== 3 || v.length !== 3) return undefined;
  const [batch, seq, hidden] = q as [number, number, number];
  const kvSeq = k[1]!;
  if (k[0] !== batch || v[0] !== batch || k[2] !== hidden || v[1] !== kvSeq || v[2] !== hidden || !same(out, [batch, seq, hidden])) return undefined;
  const split = shapeOf(c.query.split);
  if (!split) return undefined;
  const headSize = split[split.length - 1]!;
  const heads = hidden / headSize;
  if (!Number.isInteger(heads)) return undefined;
  const expected = (s: HeadSplit, length: number): number[] =>
    s.layout === 'batched'
      ? [batch * heads, length, headSize]
      : s.layout === 'split'
        ? s.transposed
          ? [batch, heads, headSize, length]
          : [batch, heads, length, headSize]
        : [batch, length, hidden];
  for (const [s, length] of [[c.query, seq], [c.key, kvSeq], [c.value, kvSeq]] as const) {
    if (!same(shapeOf(s.split), expected(s, length))) return undefined;
    if (s.reshaped && !same(shapeOf(s.reshaped), [batch, length, heads, headSize])) return undefined;
  }
  if (c.merged && !same(shapeOf(c.merged), [batch, heads, seq, headSize])) return undefined;
  // The probe runs batch 1, so a batch other than 1 is other axes folded into the batch: a motion module's
  // attention across frames at every pixel. Those many tiny problems run slower as MultiHeadAttention
  // than as the batched products (easel-tiny-motion: 0.31 → 0.39 s a frame), so they stay. It also
  // keeps a [h, S, dh] split read as one head from passing as [B, S, D].
  if (batch !== 1 || (c.query.layout === 'single' && heads !== 1)) return undefined;
  return { heads };
}

function multiHeadAttention(c: Candidate, heads: number, scale: number): NodeProto {
  return create(NodeProtoSchema, {
    name: `${c.name}/MultiHeadAttention`,
    opType: 'MultiHeadAttention',
    domain: CONTRIB,
    input: [c.query.source, c.key.source, c.value.source],
    output: [c.output],
    attribute: [
      create(AttributeProtoSchema, { name: 'num_heads', type: AttributeProto_AttributeType.INT, i: BigInt(heads) }),
      create(AttributeProtoSchema, { name: 'scale', type: AttributeProto_AttributeType.FLOAT, f: scale }),
    ],
  });
}

function softmaxOverLastAxis(node: NodeProto, opset: number): boolean {
  const axis = node.attribute.find((a) => a.name === 'axis');
  // the default axis is -1 from opset 13 (before, 1 over a flattened 2-D view); rank-specific axes are not read here
  return axis === undefined ? opset >= 13 : axis.i === -1n;
}

function swapsLastTwo(node: NodeProto): boolean {
  return hasPerm(node, [0, 2, 1]) || hasPerm(node, [0, 1, 3, 2]);
}

function hasPerm(node: NodeProto, perm: readonly number[]): boolean {
  const attr = node.attribute.find((a) => a.name === 'perm');
  return !!attr && same(attr.ints.map(Number), perm);
}

function same(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return !!a && a.length === b.length && a.every((x, i) => x === b[i]);
}
