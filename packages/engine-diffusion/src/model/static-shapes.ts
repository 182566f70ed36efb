import { create } from '@bufbuild/protobuf';
import * as ort from 'onnxruntime-node';
import {
  TensorProto_DataType,
  TensorProtoSchema,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProto_TensorSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
  type ModelProto,
} from '../gen/onnx/onnx_pb';
import { isOp } from '../onnx/graph-edges';
import { serializeModel } from '../onnx/model-proto';
import { probeValues } from '../onnx/probe-values';

/**
 * Measured, not used by the engine (bench/pipeline/flops.mjs): on easel-tiny it removes 624 of
 * 1,587 kernels a call and saves no time, since onnxruntime's shape kernels cost ~1 µs here.
 *
 * The graph specialised to one set of input shapes: every `Shape` node becomes the constant it
 * evaluates to at those shapes, and the inputs' dynamic dimensions become those sizes. A
 * dynamic-shape export spends a large share of a small call on shape plumbing (Shape → Gather →
 * Unsqueeze → Concat → Reshape, ~10 µs a kernel); with the Shape nodes constant, onnxruntime's own
 * constant folding removes the rest of each chain when the session is created. The values come
 * from running the graph once, unoptimised, with the Shape outputs fetched: whatever the graph
 * computes, the constants are what it would have computed. Nothing else changes, so the outputs
 * are the dynamic graph's for these shapes; a feed of other shapes needs another preparation.
 *
 * `model` is left untouched; `sessionExtra` carries what the graph needs to load (external data).
 */
export async function specialiseShapes(
  model: ModelProto,
  feeds: Record<string, ort.Tensor>,
  sessionExtra: ort.InferenceSession.SessionOptions = {},
): Promise<Uint8Array> {
  const graph = model.graph;
  if (!graph) throw new Error('the model has no graph');
  const shapeNodes = graph.node.filter((n) => isOp(n, 'Shape') && n.output.length === 1);
  const probeOutputs = [...new Set(shapeNodes.map((n) => n.output[0]!))];
  const values = await probeValues(model, feeds, probeOutputs, TensorProto_DataType.INT64, sessionExtra);

  const folded = new Set(probeOutputs);
  const constants = probeOutputs.map((name) => {
    const t = values[name]!;
    return create(TensorProtoSchema, {
      name,
      dataType: TensorProto_DataType.INT64,
      dims: t.dims.map(BigInt),
      int64Data: Array.from(t.data as BigInt64Array),
    });
  });
  const inputs = graph.input.map((input) => {
    const shape = feeds[input.name]?.dims;
    const type = input.type?.value;
    if (!shape || type?.case !== 'tensorType' || !type.value.shape) return input;
    const dim = shape.map((size) => create(TensorShapeProto_DimensionSchema, { value: { case: 'dimValue', value: BigInt(size) } }));
    const tensorType = create(TypeProto_TensorSchema, { elemType: type.value.elemType, shape: create(TensorShapeProtoSchema, { dim }) });
    return create(ValueInfoProtoSchema, { name: input.name, type: create(TypeProtoSchema, { value: { case: 'tensorType', value: tensorType } }) });
  });
  return serializeModel({
    ...model,
    graph: {
      ...graph,
      input: inputs,
      node: graph.node.filter((n) => !(isOp(n, 'Shape') && folded.has(n.output[0]!))),
      initializer: [...graph.initializer, ...constants],
      // value_info recorded at export time may name dynamic sizes that are now fixed: ORT infers them again
      valueInfo: [],
    },
  } as ModelProto);
}
