import { create } from '@bufbuild/protobuf';
import {
  GraphProtoSchema,
  ModelProtoSchema,
  NodeProtoSchema,
  OperatorSetIdProtoSchema,
  TensorProto_DataType,
  TensorShapeProto_DimensionSchema,
  TensorShapeProtoSchema,
  TypeProtoSchema,
  ValueInfoProtoSchema,
} from '../gen/onnx/onnx_pb';
import { serializeModel } from '../onnx/model-proto';

/**
 * An ONNX graph of one float32 MatMul, Y[n, n] = A[n, n] · B[n, n]: what the machine's dense
 * peak is measured with (2n³ FLOPs a run), in the same runtime and threads as the UNet.
 */
export function matmulGraph(n: number): Uint8Array {
  const square = (name: string) =>
    create(ValueInfoProtoSchema, {
      name,
      type: create(TypeProtoSchema, {
        value: {
          case: 'tensorType',
          value: {
            elemType: TensorProto_DataType.FLOAT,
            shape: create(TensorShapeProtoSchema, {
              dim: [n, n].map((d) => create(TensorShapeProto_DimensionSchema, { value: { case: 'dimValue', value: BigInt(d) } })),
            }),
          },
        },
      }),
    });
  return serializeModel(
    create(ModelProtoSchema, {
      irVersion: 8n,
      opsetImport: [create(OperatorSetIdProtoSchema, { domain: '', version: 17n })],
      graph: create(GraphProtoSchema, {
        name: 'matmul_peak',
        node: [create(NodeProtoSchema, { name: 'matmul', opType: 'MatMul', input: ['A', 'B'], output: ['Y'] })],
        input: [square('A'), square('B')],
        output: [square('Y')],
      }),
    }),
  );
}
