import { create } from '@bufbuild/protobuf';
import * as ort from 'onnxruntime-node';
import { TensorProto_DataType, TypeProtoSchema, ValueInfoProtoSchema } from '../gen/onnx/onnx_pb';
import { serializeModel, type ModelProto } from './model-proto';

/**
 * The values some inner tensors of a graph take for these feeds: the graph runs once, unoptimised,
 * with those tensors fetched as extra outputs (`elemType` is their element type). Whatever the graph
 * computes, these are the values it computed. `model` is left untouched; `sessionExtra` carries what
 * the graph needs to load (external data).
 */
export async function probeValues(
  model: ModelProto,
  feeds: Record<string, ort.Tensor>,
  names: readonly string[],
  elemType: TensorProto_DataType,
  sessionExtra: ort.InferenceSession.SessionOptions = {},
): Promise<Record<string, ort.Tensor>> {
  const graph = model.graph;
  if (!graph) throw new Error('the model has no graph');
  const wanted = [...new Set(names)];
  const known = new Set(graph.output.map((o) => o.name));
  const extra = wanted
    .filter((name) => !known.has(name))
    .map((name) => create(ValueInfoProtoSchema, { name, type: create(TypeProtoSchema, { value: { case: 'tensorType', value: { elemType } } }) }));
  const probeModel = { ...model, graph: { ...graph, output: [...graph.output, ...extra] } } as ModelProto;
  const probe = await ort.InferenceSession.create(serializeModel(probeModel), {
    ...sessionExtra,
    graphOptimizationLevel: 'disabled',
    executionProviders: ['cpu'],
  });
  try {
    return await probe.run(feeds, wanted);
  } finally {
    await probe.release();
  }
}
