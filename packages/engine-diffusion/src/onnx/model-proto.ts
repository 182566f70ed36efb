import { closeSync, openSync, readSync } from 'node:fs';
import { isAbsolute, join, normalize } from 'node:path';
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

/**
 * A float32 initializer's values (a copy, whatever way the file stores them). `graphDir` is the
 * folder of the .onnx file, against which external data locations (graphs > 2 GB) resolve.
 */
export function tensorFloats(t: TensorProto, field: string, graphDir?: string): Float32Array {
  if (t.dataType !== TensorProto_DataType.FLOAT) throw new UnsupportedFeatureError(field, `The initializer "${t.name}" is not float32; adapters can be merged only into float32 graphs.`);
  if (t.dataLocation === TensorProto_DataLocation.EXTERNAL) return readExternal(t, field, graphDir);
  if (t.rawData.length > 0) {
    const copy = new Float32Array(t.rawData.length / 4);
    new Uint8Array(copy.buffer).set(t.rawData);
    return copy;
  }
  return Float32Array.from(t.floatData);
}

/** Store values (and optionally new dims) inline as raw little-endian float32 (an external tensor becomes inline). */
export function setTensorFloats(t: TensorProto, data: Float32Array, dims?: number[]): void {
  t.rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  t.floatData = [];
  t.dataLocation = TensorProto_DataLocation.DEFAULT;
  t.externalData = [];
  if (dims) t.dims = dims.map(BigInt);
}

function readExternal(t: TensorProto, field: string, graphDir: string | undefined): Float32Array {
  const info = Object.fromEntries(t.externalData.map((e) => [e.key, e.value]));
  const location = info.location ?? '';
  const clean = normalize(location);
  if (!graphDir || !location || isAbsolute(clean) || clean.split(/[\\/]/).includes('..')) {
    throw new UnsupportedFeatureError(field, `The initializer "${t.name}" names external data "${location}" outside its graph's folder.`);
  }
  const count = t.dims.reduce((a, d) => a * Number(d), 1);
  const offset = Number(info.offset ?? 0);
  const length = info.length !== undefined ? Number(info.length) : count * 4;
  if (length !== count * 4) throw new UnsupportedFeatureError(field, `The initializer "${t.name}" has ${length} bytes of external data for ${count} floats.`);
  const out = new Float32Array(count);
  const fd = openSync(join(graphDir, clean), 'r');
  try {
    const got = readSync(fd, new Uint8Array(out.buffer), 0, length, offset);
    if (got !== length) throw new UnsupportedFeatureError(field, `The external data of "${t.name}" ends early (${got} of ${length} bytes).`);
  } finally {
    closeSync(fd);
  }
  return out;
}
