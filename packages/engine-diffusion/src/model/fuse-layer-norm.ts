import { create } from '@bufbuild/protobuf';
import { AttributeProto_AttributeType, AttributeProtoSchema, NodeProtoSchema, TensorProto_DataType, type NodeProto, type TensorProto } from '../gen/onnx/onnx_pb';
import { GraphEdges, hasSubgraphs, isOp, pruneDeadNodes } from '../onnx/graph-edges';
import { tensorFloats, type ModelProto } from '../onnx/model-proto';

export interface FusedLayerNorm {
  model: ModelProto;
  /** layer norms now one LayerNormalization node */
  fused: number;
}

/**
 * The graph with each layer norm an exporter wrote out op by op — ReduceMean, Sub, Pow 2, ReduceMean,
 * Add ε, Sqrt, Div, then the affine Mul and Add — as one `LayerNormalization` over the last axis.
 *
 * onnxruntime fuses this pattern itself only where it knows the input's rank. It does not know it
 * after a Reshape whose target the graph computes (a dynamic-shape export's [B, C, H, W] →
 * [B, H·W, C] at the start of each transformer block), and there it fused the Pow…Mul part alone into
 * SimplifiedLayerNormalization and left a ReduceMean and a Sub over the whole activation (easel-tiny
 * at 512²: 10 of 27 norms, 3 % of the UNet's kernel time). ORT's CPU kernel for the
 * ONNX-domain LayerNormalization runs at any opset (it is one of its own operators before opset 17).
 *
 * Only the exact arithmetic of a layer norm is replaced: axes [-1] on both means, exponent 2, ε, γ
 * and β constants, and each intermediate read by the next step alone. `model` is untouched.
 */
export function fuseLayerNorm(model: ModelProto): FusedLayerNorm {
  const graph = model.graph;
  if (!graph || hasSubgraphs(graph)) return { model, fused: 0 };
  const edges = new GraphEdges(graph);
  const constants = new ConstantValues(graph.initializer, graph.node);
  const replacements = new Map<string, NodeProto>();
  for (const node of graph.node) {
    if (isOp(node, 'ReduceMean')) {
      const norm = matchLayerNorm(edges, constants, node);
      if (norm) replacements.set(norm.output[0]!, norm);
    }
  }
  if (replacements.size === 0) return { model, fused: 0 };
  const nodes = graph.node.map((n) => (n.output.length === 1 && replacements.has(n.output[0]!) ? replacements.get(n.output[0]!)! : n));
  return { model: { ...model, graph: pruneDeadNodes({ ...graph, node: nodes, valueInfo: [] }) } as ModelProto, fused: replacements.size };
}

function matchLayerNorm(edges: GraphEdges, constants: ConstantValues, mean: NodeProto): NodeProto | undefined {
  const x = mean.input[0]!;
  if (!overLastAxis(mean, constants)) return undefined;
  const centre = edges.soleConsumer(mean.output[0]!, 'Sub');
  if (!centre || centre.input[0] !== x || centre.input[1] !== mean.output[0]) return undefined;
  const centred = centre.output[0]!;
  const readers = edges.consumers(centred);
  const square = readers.find((n) => isOp(n, 'Pow'));
  const divide = readers.find((n) => isOp(n, 'Div'));
  if (readers.length !== 2 || !square || !divide || square.input[0] !== centred || divide.input[0] !== centred) return undefined;
  if (constants.scalar(square.input[1]!) !== 2) return undefined;
  const variance = edges.soleConsumer(square.output[0]!, 'ReduceMean');
  if (!variance || !overLastAxis(variance, constants)) return undefined;
  const plusEps = edges.soleConsumer(variance.output[0]!, 'Add');
  const epsilon = plusEps && constants.scalar(otherInput(plusEps, variance.output[0]!) ?? '');
  if (!plusEps || epsilon === undefined || epsilon < 0) return undefined;
  const root = edges.soleConsumer(plusEps.output[0]!, 'Sqrt');
  if (!root || edges.soleConsumer(root.output[0]!) !== divide || divide.input[1] !== root.output[0]) return undefined;
  const scale = edges.soleConsumer(divide.output[0]!, 'Mul');
  const gamma = scale && otherInput(scale, divide.output[0]!);
  const shift = scale && edges.soleConsumer(scale.output[0]!, 'Add');
  const beta = shift && otherInput(shift, scale!.output[0]!);
  if (!gamma || !beta || !constants.isVector(gamma) || !constants.isVector(beta)) return undefined;
  return create(NodeProtoSchema, {
    name: `${mean.name || x}/LayerNormalization`,
    opType: 'LayerNormalization',
    domain: '',
    input: [x, gamma, beta],
    output: [shift!.output[0]!],
    attribute: [
      create(AttributeProtoSchema, { name: 'axis', type: AttributeProto_AttributeType.INT, i: -1n }),
      create(AttributeProtoSchema, { name: 'epsilon', type: AttributeProto_AttributeType.FLOAT, f: epsilon }),
    ],
  });
}

/** A mean over the last axis alone, dimensions kept: axes [-1] as an attribute (opset < 18) or a constant input. */
function overLastAxis(node: NodeProto, constants: ConstantValues): boolean {
  const keepdims = node.attribute.find((a) => a.name === 'keepdims');
  if (keepdims && keepdims.i === 0n) return false;
  const attr = node.attribute.find((a) => a.name === 'axes');
  const axes = attr ? attr.ints.map(Number) : node.input[1] ? constants.ints(node.input[1]) : undefined;
  return axes?.length === 1 && axes[0] === -1;
}

function otherInput(node: NodeProto, tensor: string): string | undefined {
  if (node.input.length !== 2) return undefined;
  return node.input[0] === tensor ? node.input[1] : node.input[1] === tensor ? node.input[0] : undefined;
}

/** The values of a graph's constant tensors: its initializers and its Constant nodes' outputs. */
class ConstantValues {
  private readonly tensors = new Map<string, TensorProto>();

  constructor(initializers: readonly TensorProto[], nodes: readonly NodeProto[]) {
    for (const t of initializers) this.tensors.set(t.name, t);
    for (const n of nodes) {
      const value = isOp(n, 'Constant') ? n.attribute.find((a) => a.name === 'value')?.t : undefined;
      if (value && n.output[0]) this.tensors.set(n.output[0], value);
    }
  }

  /** A float32 constant of one element, whatever its rank; undefined for anything else. */
  scalar(name: string): number | undefined {
    const t = this.tensors.get(name);
    if (!t || t.dataType !== TensorProto_DataType.FLOAT || t.dims.reduce((n, d) => n * Number(d), 1) !== 1) return undefined;
    try {
      return tensorFloats(t, name)[0];
    } catch {
      return undefined; // stored outside the file: not a scalar an exporter writes
    }
  }

  /** A 1-D float32 constant (γ, β): what LayerNormalization's scale and bias over the last axis take. */
  isVector(name: string): boolean {
    const t = this.tensors.get(name);
    return !!t && t.dataType === TensorProto_DataType.FLOAT && t.dims.length === 1;
  }

  ints(name: string): number[] | undefined {
    const t = this.tensors.get(name);
    if (!t || t.dataType !== TensorProto_DataType.INT64) return undefined;
    if (t.rawData.length > 0) return Array.from(new BigInt64Array(t.rawData.slice().buffer)).map(Number);
    return t.int64Data.map(Number);
  }
}
