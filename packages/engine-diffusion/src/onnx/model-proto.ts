import { fromBinary, toBinary } from '@bufbuild/protobuf';
import { ModelProtoSchema, TensorProto_DataLocation, TensorProto_DataType, type ModelProto, type TensorProto } from '../gen/onnx/onnx_pb';
import { ModelFileError, UnsupportedFeatureError } from '../errors';

export type { ModelProto, TensorProto, GraphProto, NodeProto } from '../gen/onnx/onnx_pb';

/** Parse an ONNX ModelProto; unknown fields survive a round trip (protobuf-es keeps them). */
export function parseModel(bytes: Uint8Array, path: string): ModelProto {
  try {
    return fromBinary(ModelProtoSchema, bytes, { readUnknownFields: true });
  } catch (err) {
    throw new ModelFileError('model_file_corrupt', path, `Cannot parse the ONNX graph ${path}: ${(err as Error).message}`, err);
  }
}

export function serializeModel(model: ModelProto): Uint8Array {
  return toBinary(ModelProtoSchema, model, { writeUnknownFields: true });
}

export function tensorShape(t: TensorProto): number[] {
  return t.dims.map(Number);
}

/** A float32 initializer's values (a copy, whatever way the file stores them). */
export function tensorFloats(t: TensorProto, field: string): Float32Array {
  if (t.dataLocation === TensorProto_DataLocation.EXTERNAL) {
    throw new UnsupportedFeatureError(field, `The initializer "${t.name}" is stored in an external data file; adapters can be merged only into graphs that hold their weights inline (< 2 GB).`);
  }
  if (t.dataType !== TensorProto_DataType.FLOAT) throw new UnsupportedFeatureError(field, `The initializer "${t.name}" is not float32; adapters can be merged only into float32 graphs.`);
  if (t.rawData.length > 0) {
    const copy = new Float32Array(t.rawData.length / 4);
    new Uint8Array(copy.buffer).set(t.rawData);
    return copy;
  }
  return Float32Array.from(t.floatData);
}

/** Store values (and optionally new dims) as raw little-endian float32. */
export function setTensorFloats(t: TensorProto, data: Float32Array, dims?: number[]): void {
  t.rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  t.floatData = [];
  if (dims) t.dims = dims.map(BigInt);
}
