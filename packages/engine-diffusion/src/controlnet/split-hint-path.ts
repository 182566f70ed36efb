import { create } from '@bufbuild/protobuf';
import { GraphProtoSchema, ModelProtoSchema, TypeProtoSchema, ValueInfoProtoSchema, type GraphProto, type ModelProto, type NodeProto } from '../gen/onnx/onnx_pb';

const HINT_INPUT = 'controlnet_cond';
/** onnx.TensorProto.DataType.FLOAT */
const FLOAT = 1;

/** A ControlNet graph cut in two: the part that reads only the hint, and the rest, fed the first's outputs. */
export interface SplitControlNet {
  /** controlnet_cond → `embedding` tensors (diffusers' controlnet_cond_embedding). */
  hint: ModelProto;
  /** The original inputs without controlnet_cond, plus the `embedding` tensors. */
  main: ModelProto;
  /** The tensors the hint part hands to the rest. */
  embedding: string[];
}

const used = (names: readonly string[]) => names.filter((n) => n !== '');

/**
 * The hint embedding of a ControlNet depends on the hint alone, not on the step's latents or
 * timestep, yet the exported graph recomputes it at every step: on easel-tiny, where the hint is at
 * image resolution and the UNet is small, that was a sixth of each ControlNet run. This cuts the
 * graph where the nodes fed only by `controlnet_cond` (and constants) meet the rest, so the
 * pipeline runs the hint part once per generation. Null when there is no clean cut (then the
 * whole graph runs at every step, as exported).
 */
export function splitHintPath(model: ModelProto): SplitControlNet | null {
  const graph = model.graph;
  if (!graph || !graph.input.some((i) => i.name === HINT_INPUT)) return null;
  const initializers = new Set(graph.initializer.map((t) => t.name));
  const otherInputs = new Set(graph.input.map((i) => i.name).filter((n) => n !== HINT_INPUT && !initializers.has(n)));
  const fromHint = new Set<string>([HINT_INPUT]);
  const fromOthers = new Set<string>(otherInputs);
  const hintNodes: NodeProto[] = [];
  const constantNodes: NodeProto[] = [];
  for (const node of graph.node) {
    if (node.attribute.some((a) => a.g || a.graphs.length > 0)) return null; // subgraphs: keep it simple
    const inputs = used(node.input);
    if (inputs.some((n) => fromOthers.has(n))) node.output.forEach((o) => fromOthers.add(o));
    else if (inputs.some((n) => fromHint.has(n))) {
      hintNodes.push(node);
      node.output.forEach((o) => fromHint.add(o));
    } else constantNodes.push(node);
  }
  const hintOutputs = new Set(hintNodes.flatMap((n) => used(n.output)));
  const embedding = [...new Set(graph.node.filter((n) => !hintNodes.includes(n)).flatMap((n) => used(n.input)).filter((n) => hintOutputs.has(n)))];
  if (embedding.length === 0 || embedding.length > 4 || graph.output.some((o) => hintOutputs.has(o.name))) return null;

  const floatInput = (name: string) =>
    create(ValueInfoProtoSchema, { name, type: create(TypeProtoSchema, { value: { case: 'tensorType', value: { elemType: FLOAT } } }) });
  const sub = (nodes: NodeProto[], inputs: GraphProto['input'], outputs: GraphProto['output'], name: string): ModelProto => {
    const names = new Set(nodes.flatMap((n) => used(n.input)));
    const g = create(GraphProtoSchema, {
      name,
      node: nodes,
      input: inputs,
      output: outputs,
      initializer: graph.initializer.filter((t) => names.has(t.name)),
      valueInfo: graph.valueInfo.filter((v) => !inputs.some((i) => i.name === v.name)),
    });
    return create(ModelProtoSchema, { ...model, graph: g });
  };
  // Each part keeps only the constants it reads (an unused node is a warning per node in ORT's log).
  const constantsFor = (nodes: NodeProto[]): NodeProto[] => {
    const wanted = new Set([...nodes.flatMap((n) => used(n.input)), ...graph.output.map((o) => o.name)]);
    const kept: NodeProto[] = [];
    for (const node of [...constantNodes].reverse()) {
      if (!node.output.some((o) => wanted.has(o))) continue;
      kept.unshift(node);
      used(node.input).forEach((n) => wanted.add(n));
    }
    return kept;
  };
  const restComputed = graph.node.filter((n) => !hintNodes.includes(n) && !constantNodes.includes(n));
  const hintConstants = constantsFor(hintNodes);
  const restConstants = new Set(constantsFor(restComputed));
  const rest = graph.node.filter((n) => restComputed.includes(n) || restConstants.has(n));
  return {
    embedding,
    hint: sub([...hintConstants, ...hintNodes], graph.input.filter((i) => i.name === HINT_INPUT), embedding.map(floatInput), `${graph.name}_hint`),
    main: sub(rest, [...graph.input.filter((i) => i.name !== HINT_INPUT), ...embedding.map(floatInput)], graph.output, `${graph.name}_main`),
  };
}
